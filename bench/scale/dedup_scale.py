#!/usr/bin/env python
"""Dedup of one language at snapshot scale: synthetic signatures with planted clusters, the pipeline's own
dedup stage on Ray through the spill path, and exact agreement with the planted clustering.

    python bench/scale/dedup_scale.py --docs 10000000 [--docs-per-partition 1000000] [--tag dedup-10m]

Staged parts are written straight to the store in the shard stage's schema (doc_key, date, exact_hash and
14 MinHash band keys), as the shard tasks of a snapshot leave them. Planted, about 10 % of the documents:
exact duplicates (same text hash and signature), near duplicates (one shared band key, the other bands
unrelated) and chains (member i shares a band with member i+1 only, so components need several rounds);
every other key is random, so the reference clustering is the planted one. `Run.run_dedup` runs in a child
process measured by bench/measure.py (wall, CPU of the tree, peak RSS per process); the result's clusters
must equal the planted groups exactly (every group one cluster, nothing else clustered), or the benchmark
exits 1 and prints no figure. Writes bench/results/{tag}.json and .md.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from jsonfile import write_results  # noqa: E402
from measure import measure  # noqa: E402

LANG, BANDS = "fra_Latn", 14
DATE = "2024-02-20T10:00:00Z"

RUN = r"""
import json, sys
from curate.config import PipelineConfig
from curate.run import orchestrate
cfg = PipelineConfig(input="/unused", output=sys.argv[1], num_cpus=int(sys.argv[2]),
                     dedup_docs_per_partition=int(sys.argv[3]), dedup_spill=True, ray_address="local")
orchestrate.init_ray(cfg)
parts = json.loads(open(sys.argv[4]).read())
result = orchestrate.Run(cfg).run_dedup({"%s": parts})["%s"]
print("RESULT " + json.dumps(result))
""" % (LANG, LANG)


def plant(n: int, rng: np.random.Generator) -> tuple[dict, np.ndarray]:
    """Columns of n documents and each one's planted group (-1: none)."""
    key = rng.permutation(np.arange(1, n + 1, dtype=np.int64)) * 7919 + 13  # unique doc keys, no order
    exact = rng.integers(1, 2**63, n, dtype=np.int64).astype(np.uint64)
    bands = rng.integers(1, 2**63, (n, BANDS), dtype=np.int64).astype(np.uint64)
    group = np.full(n, -1, np.int64)
    i, g = 0, 0
    target = n // 10
    while i < target:
        kind = g % 3
        size = int(rng.integers(6, 11)) if kind == 2 else int(rng.integers(2, 6))
        m = np.arange(i, min(i + size, n))
        if kind == 0:  # exact duplicates: same text hash, same signature
            exact[m], bands[m] = exact[m[0]], bands[m[0]]
        elif kind == 1:  # near duplicates: one band in common
            b = int(rng.integers(BANDS))
            bands[m, b] = bands[m[0], b]
        else:  # a chain: neighbours share a band, the ends nothing directly
            for a, c in zip(m[:-1], m[1:]):
                b = int(rng.integers(BANDS))
                bands[c, b] = bands[a, b]
        group[m] = g
        i, g = m[-1] + 1, g + 1
    order = rng.permutation(n)  # groups spread over every part, as duplicates spread over shards
    return {"doc_key": key[order], "exact_hash": exact[order], "bands": bands[order]}, group[order]


def write_parts(cols: dict, work: str, rows_per_part: int) -> list[dict]:
    import pyarrow as pa

    from curate.store import storage
    from curate.store.schema import STAGED_SCHEMA

    parts = []
    for p, lo in enumerate(range(0, len(cols["doc_key"]), rows_per_part)):
        hi = min(lo + rows_per_part, len(cols["doc_key"]))
        flat = pa.array(cols["bands"][lo:hi].reshape(-1), pa.uint64())
        offsets = pa.array(np.arange(0, (hi - lo) * BANDS + 1, BANDS, dtype=np.int32))
        t = pa.table({"doc_key": pa.array(cols["doc_key"][lo:hi]), "date": pa.array([DATE] * (hi - lo), pa.string()),
                      "exact_hash": pa.array(cols["exact_hash"][lo:hi], pa.uint64()),
                      "minhash_bands": pa.ListArray.from_arrays(offsets, flat)})
        t = t.cast(pa.schema([STAGED_SCHEMA.field(c) for c in t.column_names]))
        rel = f"shards/synthetic/{p:05d}/{LANG}.parquet"
        storage.write_parquet(os.path.join(work, rel), t)
        parts.append({"path": rel, "rows": hi - lo})
    return parts


def check(clusters: list[str], keys: np.ndarray, group: np.ndarray) -> dict:
    """Compare the stage's clusters with the planted groups."""
    import pyarrow.parquet as pq

    t = [pq.read_table(u, columns=["doc_key", "cluster_id"]) for u in clusters]
    ck = np.concatenate([x.column(0).to_numpy() for x in t])
    cid = np.concatenate([x.column(1).to_numpy() for x in t])
    order = np.argsort(keys)
    pos = order[np.searchsorted(keys, ck, sorter=order)]
    assert (keys[pos] == ck).all(), "a cluster names a document that was not staged"
    g = group[pos]
    planted_docs = int((group >= 0).sum())
    pairs = np.unique(np.stack([g, cid], 1), axis=0)  # distinct (planted group, cluster) pairs
    inside = pairs[pairs[:, 0] >= 0]
    split = int((np.bincount(inside[:, 0]) > 1).sum()) if inside.size else 0
    merging = int((np.bincount(np.unique(pairs[:, 1], return_inverse=True)[1]) > 1).sum()) if pairs.size else 0
    r = {"planted_groups": int(group.max() + 1), "planted_docs": planted_docs, "clustered_docs": int(ck.size),
         "clustered_outside_groups": int((g < 0).sum()), "planted_docs_not_clustered": planted_docs - int((g >= 0).sum()),
         "groups_split": split, "clusters_merging_groups": merging}
    r["exact"] = not (r["clustered_outside_groups"] or r["planted_docs_not_clustered"] or split or merging)
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000_000)
    ap.add_argument("--docs-per-partition", type=int, default=1_000_000)
    ap.add_argument("--rows-per-part", type=int, default=250_000)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--work", default="/tmp/curate-dedup-scale")
    ap.add_argument("--tag", default="dedup-scale")
    a = ap.parse_args()
    out = os.path.join(a.work, f"out-{a.docs}")
    shutil.rmtree(out, ignore_errors=True)
    from curate.config import PipelineConfig
    from curate.stages.shard import work_dir

    work = work_dir(PipelineConfig(input="/unused", output=out))
    t = time.time()
    cols, group = plant(a.docs, np.random.default_rng(20261207))
    parts = write_parts(cols, work, a.rows_per_part)
    parts_file = os.path.join(a.work, "parts.json")
    Path(parts_file).write_text(json.dumps(parts))
    gen_s = time.time() - t
    print(f"{a.docs:,} documents in {len(parts)} staged parts, {int(group.max() + 1):,} planted groups ({gen_s:.0f} s)", flush=True)

    log = os.path.join(a.work, "run.log")
    with open(log, "w") as f:
        m = measure([sys.executable, "-c", RUN, out, str(a.cpus), str(a.docs_per_partition), parts_file],
                    cwd=str(REPO), stdout=f, stderr=subprocess.STDOUT)
    text = Path(log).read_text()
    if m["rc"] != 0 or "RESULT " not in text:
        print(f"dedup run failed (exit {m['rc']}); the end of {log}:\n{text[-3000:]}", file=sys.stderr)
        return 1
    result = json.loads(text.rsplit("RESULT ", 1)[1].splitlines()[0])
    agreement = check([os.path.join(work, u) for u in result["clusters"]], cols["doc_key"], group)
    if not agreement["exact"]:
        print(f"the clusters differ from the planted groups: {agreement}", file=sys.stderr)
        return 1
    workers = [p for p in m["processes"] if "ray::" in p["cmd"] or "default_worker" in p["cmd"]]
    row = {"docs": a.docs, "partitions": result["partitions"], "rounds": result["rounds"], "wall_s": m["wall_s"],
           "cpu_s": m["cpu_s"], "docs_per_cpu_s": round(a.docs / m["cpu_s"]), "peak_rss_mb": m["peak_rss_mb"],
           "peak_worker_rss_mb": max([p["peak_rss_mb"] for p in workers] or [0]),
           "staged_mb": round(sum(os.path.getsize(p) for p in glob.glob(f"{work}/shards/**/*.parquet", recursive=True)) / 2**20),
           **agreement}
    res = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cpus": a.cpus, "nproc": os.cpu_count(),
           "docs_per_partition": a.docs_per_partition, "rows": [row]}
    md = [f"# Dedup at scale ({res['date']})", "",
          f"`python bench/scale/dedup_scale.py --docs {a.docs} --docs-per-partition {a.docs_per_partition}` — "
          f"{a.cpus} CPUs of a {os.cpu_count()}-core shared machine, spill path (shuffle through Parquet on the store).", "",
          "| docs | partitions | CC rounds | wall s | CPU s | docs per CPU s | peak RSS of a process | peak RSS of a Ray worker | staged parts | agreement with the planted clusters |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
          f"| {a.docs:,} | {row['partitions']} | {row['rounds']} | {row['wall_s']:.0f} | {row['cpu_s']:.0f} | "
          f"{row['docs_per_cpu_s']:,} | {row['peak_rss_mb']:,.0f} MB | {row['peak_worker_rss_mb']:,.0f} MB | "
          f"{row['staged_mb']:,} MB | exact: {row['planted_groups']:,} groups, {row['planted_docs']:,} documents |"]
    print(write_results(a.tag, res, md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
