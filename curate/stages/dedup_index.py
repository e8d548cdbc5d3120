"""The persisted per-language dedup index that makes runs incremental (e.g. one per snapshot).

Layout under `{dedup_index}/{lang}/`: `runs/{seq:06d}-{run}.json` commit records listing the run's
files; `buckets/`, `clusters/`, `aliases/` Parquet files written by that run (see schema.py).
A run reads only committed runs other than itself (a re-run of the same snapshot never meets its
own documents), in commit order: later cluster rows overwrite earlier ones (sizes grow), and
aliases say which earlier cluster ids were merged into another by a bridging document.
"""
from __future__ import annotations

import json
import re

import numpy as np
import pyarrow as pa

from curate.store import storage
from curate.store.schema import INDEX_ALIAS_SCHEMA, INDEX_BUCKET_SCHEMA, INDEX_CLUSTER_SCHEMA

_RUN_RE = re.compile(r"[^A-Za-z0-9._-]")


def run_name(run_id: str) -> str:
    return _RUN_RE.sub("_", run_id)[:100]


def committed_runs(root: str, lang: str, exclude: str) -> list[dict]:
    runs = []
    for uri in storage.list_files(storage.join(root, lang, "runs"), ".json"):
        rec = json.loads(storage.read_text(uri))
        if rec["run"] != run_name(exclude):
            runs.append(rec)
    return sorted(runs, key=lambda r: r["seq"])


def files(root: str, lang: str, runs: list[dict], kind: str) -> list[str]:
    return [storage.join(root, lang, f) for r in runs for f in r["files"].get(kind, [])]


def load_clusters_and_aliases(cluster_uris: list[str], alias_uris: list[str]):
    """(cluster id -> (priority, size) as of the last run, earlier id -> current id)."""
    weights: dict[int, tuple[int, int]] = {}
    for uri in cluster_uris:  # in commit order: the latest size wins
        t = storage.read_parquet(uri)
        for c, p, s in zip(*(t.column(n).to_numpy() for n in ("cluster_id", "prio", "size"))):
            weights[int(c)] = (int(p), int(s))
    alias: dict[int, int] = {}
    for uri in alias_uris:
        t = storage.read_parquet(uri)
        for o, n in zip(t.column("old_id").to_numpy(), t.column("new_id").to_numpy()):
            alias[int(o)] = int(n)
    for k in list(alias):  # resolve chains a -> b -> c to a -> c
        seen, v = {k}, alias[k]
        while v in alias and v not in seen:
            seen.add(v)
            v = alias[v]
        alias[k] = v
    return weights, alias


def write_run(root: str, lang: str, run_id: str, buckets: list[dict], clusters: list[dict]) -> dict:
    """Write this run's index files (not yet visible to readers); return the commit record's files."""
    name = run_name(run_id)
    out = {"buckets": [], "clusters": [], "aliases": []}
    for p, b in enumerate(buckets):
        rel = f"buckets/{name}-{p:04d}.parquet"
        storage.write_parquet(storage.join(root, lang, rel), pa.table(
            {"bucket": b["bucket"], "node": b["node"], "prio": b["prio"]}, schema=INDEX_BUCKET_SCHEMA))
        out["buckets"].append(rel)
    cat = {k: np.concatenate([c[k] for c in clusters]) if clusters else np.zeros(0, np.int64)
           for k in ("cluster_id", "prio", "size", "old_id", "new_id")}
    rel = f"clusters/{name}.parquet"
    storage.write_parquet(storage.join(root, lang, rel), pa.table(
        {"cluster_id": cat["cluster_id"], "prio": cat["prio"], "size": cat["size"]}, schema=INDEX_CLUSTER_SCHEMA))
    out["clusters"].append(rel)
    rel = f"aliases/{name}.parquet"
    storage.write_parquet(storage.join(root, lang, rel), pa.table(
        {"old_id": cat["old_id"], "new_id": cat["new_id"]}, schema=INDEX_ALIAS_SCHEMA))
    out["aliases"].append(rel)
    return out


def commit_run(root: str, lang: str, run_id: str, run_files: dict) -> None:
    """Make the run visible to later runs (called once its dataset files are committed)."""
    name = run_name(run_id)
    existing = [json.loads(storage.read_text(u)) for u in storage.list_files(storage.join(root, lang, "runs"), ".json")]
    mine = [r for r in existing if r["run"] == name]
    seq = mine[0]["seq"] if mine else 1 + max((r["seq"] for r in existing), default=0)
    rec = {"run": name, "seq": seq, "files": run_files}
    storage.write_text(storage.join(root, lang, "runs", f"{seq:06d}-{name}.json"), json.dumps(rec, indent=1, sort_keys=True))
