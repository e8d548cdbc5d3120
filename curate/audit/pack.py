"""An audit pack: a reproducible random sample of one language's kept and removed documents.

Every document's place in the sample is a SHA-256 of (seed, document id), so the same output and
seed give the same pack whatever the number or order of the output's files. Removed documents are
stratified by ``filter_reason`` (each reason at least one item when the size allows, the rest in
proportion), because the removed side measures each filter's false positives. Items are shown to
reviewers in one seeded order, kept and removed mixed and unmarked (a reviewer who knew which side
an item came from would be tempted to agree with the pipeline). Each item keeps what traces it to its
WARC record (``file_path``, ``warc_record_offset``) and a hash of its text, so an edited item is
refused at ingest.
"""
from __future__ import annotations

import hashlib
import json

from curate.audit import taxonomy
from curate.config import LANG_SCRIPT_RE
from curate.store import storage

COLUMNS = ["text", "id", "url", "file_path", "warc_record_offset", "date"]


def validate_language(lang: str) -> str:
    """``lang`` as a FineWeb2 code (``fra_Latn``), before it becomes part of a path."""
    if not isinstance(lang, str) or not LANG_SCRIPT_RE.match(lang):
        raise ValueError(f"invalid language code {lang!r}: expected FineWeb2 form like 'fra_Latn'")
    return lang


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _rank(seed: int, doc_id: str) -> str:
    return hashlib.sha256(f"{seed}:{doc_id}".encode()).hexdigest()


def _rows(output: str, subset: str, columns: list[str]) -> list[dict]:
    rows = []
    for uri in storage.list_files(storage.join(output, "data", subset), ".parquet"):
        rows += storage.read_parquet(uri, columns=columns).to_pylist()
    return rows


def allocate(counts: dict[str, int], n: int) -> dict[str, int]:
    """Items per reason: all when ``n`` covers them, else one each (largest reasons first) and the
    rest by largest remainder of the proportional share, never more than a reason has."""
    total = sum(counts.values())
    if n >= total:
        return dict(counts)
    order = sorted(counts, key=lambda r: (-counts[r], r))
    out = {r: 0 for r in counts}
    for r in order[:n]:
        out[r] = 1
    left = n - sum(out.values())
    while left > 0:
        spare = {r: counts[r] - out[r] for r in order if counts[r] > out[r]}
        share = {r: left * spare[r] / sum(spare.values()) for r in spare}
        grants = {r: min(spare[r], int(share[r])) for r in spare}
        if not any(grants.values()):  # fractions only: the largest remainders get one each
            for r in sorted(spare, key=lambda r: (-(share[r] % 1), r))[:left]:
                grants[r] = 1
        for r, g in grants.items():
            out[r] += g
        left = n - sum(out.values())
    return out


def build_pack(output: str, lang: str, kept: int = taxonomy.DEFAULT_KEPT, removed: int = taxonomy.DEFAULT_REMOVED,
               seed: int = 0) -> dict:
    """The pack of ``lang`` in ``output`` (a dict, as pack.json holds it)."""
    validate_language(lang)
    if kept < 0 or removed < 0:
        raise ValueError("audit sizes must be >= 0")
    kept_rows = _rows(output, lang, COLUMNS)
    removed_rows = _rows(output, f"{lang}_removed", COLUMNS + ["filter_reason"])
    if not kept_rows and not removed_rows:
        raise ValueError(f"{output} has no documents of {lang} (data/{lang}/ and data/{lang}_removed/ are empty)")
    chosen = [dict(r, side="kept", filter_reason=None) for r in sorted(kept_rows, key=lambda r: _rank(seed, r["id"]))[:kept]]
    by_reason: dict[str, list[dict]] = {}
    for r in removed_rows:
        by_reason.setdefault(r["filter_reason"] or "unknown", []).append(r)
    quota = allocate({k: len(v) for k, v in by_reason.items()}, removed)
    for reason, rows in sorted(by_reason.items()):
        chosen += [dict(r, side="removed", filter_reason=reason)
                   for r in sorted(rows, key=lambda r: _rank(seed, r["id"]))[:quota[reason]]]
    chosen.sort(key=lambda r: _rank(seed + 1, r["id"]))  # the reviewer's order: sides mixed
    items = [{"item": f"i{i:04d}", "side": r["side"], "filter_reason": r["filter_reason"], "id": r["id"],
              "url": r["url"], "date": r["date"], "file_path": r["file_path"],
              "warc_record_offset": r["warc_record_offset"], "text": r["text"], "hash": text_hash(r["text"])}
             for i, r in enumerate(chosen, 1)]
    digest = hashlib.sha256(json.dumps([[x["item"], x["id"], x["hash"], x["side"], x["filter_reason"]] for x in items],
                                       sort_keys=True).encode()).hexdigest()
    script = lang.split("_")[1]
    return {
        "format": taxonomy.PACK_FORMAT,
        "pack_id": f"{lang}-s{seed}-{digest[:12]}",
        "pack_hash": digest,
        "language": lang,
        "script": script,
        "direction": "rtl" if script in taxonomy.RTL_SCRIPTS else "ltr",
        "seed": seed,
        "sizes": {"kept": sum(x["side"] == "kept" for x in items), "removed": quota,
                  "kept_available": len(kept_rows), "removed_available": {k: len(v) for k, v in sorted(by_reason.items())}},
        "labels": [{"key": k, "code": c, "text": t, "shortcut": s} for k, c, t, s in taxonomy.LABELS],
        "items": items,
    }


def pack_dir(output: str, pack_id: str) -> str:
    return storage.join(output, "audits", "packs", pack_id)


def write_pack(output: str, pack: dict) -> dict[str, str]:
    """pack.json and its review page under OUTPUT/audits/packs/{pack_id}/; returns their URIs."""
    from curate.audit.page import render_page

    d = pack_dir(output, pack["pack_id"])
    uris = {"pack": storage.join(d, "pack.json"), "page": storage.join(d, "review.html")}
    storage.write_text(uris["pack"], json.dumps(pack, ensure_ascii=False, indent=1, sort_keys=True))
    storage.write_text(uris["page"], render_page(pack))
    return uris


def load_packs(output: str) -> dict[str, dict]:
    """pack_id -> pack, for every pack written under OUTPUT/audits/packs/."""
    packs = {}
    for uri in storage.list_files(storage.join(output, "audits", "packs"), "pack.json"):
        pack = json.loads(storage.read_text(uri))
        packs[pack["pack_id"]] = pack
    return packs
