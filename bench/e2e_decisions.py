"""The decision-equality check of bench/run.py: curate with its speed-ups vs curate-plain (`unoptimised: true`,
the libraries' own code) must put every document in the same place, for the same reason, with the same text.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path


def decisions(out: Path) -> dict[str, str]:
    """id -> where curate put it (subset/split and filter reason) and a digest of its text: what
    'same decisions' compares, so a speed-up that changed an extracted text would show too."""
    import pyarrow.parquet as pq

    result = {}
    for f in sorted((out / "data").rglob("*.parquet")):
        cols = ["id", "text", "filter_reason"] if f.parent.parent.name.endswith("_removed") else ["id", "text"]
        for r in pq.read_table(f, columns=cols).to_pylist():
            digest = hashlib.sha256(r["text"].encode()).hexdigest()[:16]
            result[r["id"]] = f"{f.parent.parent.name}/{f.parent.name}/{r.get('filter_reason') or ''}/{digest}"
    return result


def decision_check(reps: list[dict]) -> dict:
    """Same kept ids, same reasons and same texts with and without the speed-ups, per rep."""
    out = []
    for r in reps:
        a, b = r.get("curate", {}).get("decisions_file"), r.get("curate-plain", {}).get("decisions_file")
        if a and b:
            da, db = json.loads(Path(a).read_text()), json.loads(Path(b).read_text())
            diff = sorted(k for k in set(da) | set(db) if da.get(k) != db.get(k))
            out.append({"documents": len(da), "differ": len(diff), "examples": diff[:5]})
    return {"per_rep": out, "identical": bool(out) and all(x["differ"] == 0 for x in out)}
