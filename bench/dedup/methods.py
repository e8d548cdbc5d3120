#!/usr/bin/env python
"""The three MinHash dedup implementations compared by the benchmark, with FineWeb2's parameters.

* datasketch: `MinHash(num_perm=112, hashfunc=xxh64 of the shingle string, scheme="affine64")` per
  document, `MinHashLSH(num_perm=112, params=(14, 8))`, union-find over every query's candidates.
* datatrove 0.10.1: the four MinHash stages with
  `MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8, hash_config=HashConfig(64, "xxhash"))`,
  `language=<lang_Script>`, LocalPipelineExecutor over JsonlWriter-written inputs (stage 1 and 4: one task
  per input file; stage 2: 14 tasks; stage 3: one task, `save_cluster_id/size`; stage 4:
  `load_cluster_ids/sizes`, kept and excluded documents both written, so every document's cluster is known).
* curate: `curate.run.orchestrate.dedup_documents(table, lang, cfg)` on Ray.

Each returns {id: label} (documents in no cluster label themselves). The CLI runs one datatrove stage or
curate in its own process, so that bench/measure.py can measure it:

    python bench/dedup/methods.py dt-stage {1,2,3,4} --input JSONL_DIR --work DIR --lang deu_Latn [--workers 2]
    python bench/dedup/methods.py curate --parquet docs.parquet --lang deu_Latn --work DIR [--num-cpus 2]
    python bench/dedup/methods.py ray-idle [--num-cpus 2]       # Ray start + shutdown only (baseline)
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import time

from common import BANDS, ROWS, UnionFind, shingle_set
from datatrove_minhash import fineweb2_config, minhash

# --------------------------------------------------------------------------------------------------
# datasketch


def run_datasketch(docs: list[dict], lang: str) -> dict[str, str]:
    import xxhash
    from datasketch import MinHash, MinHashLSH

    def h(b: bytes) -> int:
        return xxhash.xxh64_intdigest(b)

    lsh = MinHashLSH(num_perm=BANDS * ROWS, params=(BANDS, ROWS))
    mhs = {}
    for d in docs:
        sh = shingle_set(d["text"], lang)
        if not sh:  # no 5-gram: not a candidate (as in datatrove, which writes no signature)
            continue
        m = MinHash(num_perm=BANDS * ROWS, seed=1, hashfunc=h, scheme="affine64")
        m.update_batch([s.encode("utf-8") for s in sh])
        lsh.insert(d["id"], m)
        mhs[d["id"]] = m
    uf = UnionFind()
    for i, m in mhs.items():
        for j in lsh.query(m):
            if j != i:
                uf.union(i, j)
    return {d["id"]: uf.find(d["id"]) for d in docs}


# --------------------------------------------------------------------------------------------------
# datatrove


def dt_stage(stage: int, input_dir: str, work: str, lang: str, workers: int = 1) -> None:
    """Run one datatrove MinHash stage (1-4). Stage 1 clears WORK first."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    mh = minhash()
    cfg = fineweb2_config()
    n_files = len(glob.glob(os.path.join(input_dir, "*.jsonl.gz")))
    sigs, buckets, clusters = (os.path.join(work, x) for x in ("sigs", "buckets", "clusters"))
    if stage == 1:
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        pipe, tasks = [JsonlReader(input_dir), mh.MinhashDedupSignature(sigs, config=cfg, language=lang)], n_files
    elif stage == 2:
        pipe, tasks = [mh.MinhashDedupBuckets(sigs, buckets, config=cfg)], cfg.num_buckets
    elif stage == 3:
        pipe, tasks = [mh.MinhashDedupCluster(buckets, clusters, config=cfg, save_cluster_id=True,
                                           save_cluster_size=True)], 1
    elif stage == 4:
        pipe = [JsonlReader(input_dir),
                mh.MinhashDedupFilter(clusters, exclusion_writer=JsonlWriter(os.path.join(work, "removed")),
                                   load_cluster_ids=True, load_cluster_sizes=True),
                JsonlWriter(os.path.join(work, "kept"))]
        tasks = n_files
    else:
        raise ValueError(stage)
    ex = LocalPipelineExecutor(pipeline=pipe, tasks=tasks, workers=min(workers, tasks),
                               logging_dir=os.path.join(work, f"logs{stage}"))
    ex.run()
    if ex.get_incomplete_ranks():
        raise RuntimeError(f"datatrove stage {stage}: incomplete ranks {ex.get_incomplete_ranks()}")


def dt_labels(work: str) -> dict[str, str]:
    """id -> label from stage 4's kept + removed documents (cluster id -1 = in no cluster)."""
    import gzip

    out = {}
    for path in sorted(glob.glob(os.path.join(work, "kept", "*.jsonl.gz")) +
                       glob.glob(os.path.join(work, "removed", "*.jsonl.gz"))):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                cid = d.get("metadata", {}).get("minhash_cluster_id", -1)
                # no .remove file for a rank -> the filter forwards docs without metadata: singletons
                out[d["id"]] = d["id"] if cid in (-1, None) else f"dt{cid}"
    return out


def run_datatrove(docs: list[dict], lang: str, work: str, workers: int = 1) -> dict[str, str]:
    from make_corpus import write_jsonl_docs

    inp = os.path.join(work, "input")
    shutil.rmtree(inp, ignore_errors=True)
    write_jsonl_docs(docs, inp, files=1)
    dwork = os.path.join(work, "dt")
    for s in (1, 2, 3, 4):
        dt_stage(s, inp, dwork, lang, workers)
    labels = dt_labels(dwork)
    for d in docs:  # datatrove's readers drop documents with empty text: they are in no cluster
        if d["id"] not in labels and not d["text"]:
            labels[d["id"]] = d["id"]
    missing = {d["id"] for d in docs} - set(labels)
    if missing:
        raise RuntimeError(f"datatrove lost {len(missing)} documents, e.g. {sorted(missing)[:3]}")
    return labels


# --------------------------------------------------------------------------------------------------
# curate


class _NamedTask:
    """Stand-in for curate.run.orchestrate._task (one generic remote function that runs every dedup stage
    function) that names each task after the stage function it runs, so that ray.timeline() can split
    time by stage. Bench only; the task runs exactly the same code."""

    def __init__(self, rf, kw=None):
        self.rf, self.kw = rf, kw or {}

    def options(self, **kw):
        return _NamedTask(self.rf, {**self.kw, **kw})

    def remote(self, fn, *args):
        return self.rf.options(**self.kw, name=getattr(fn, "__name__", "task")).remote(fn, *args)


def curate_table(table, lang: str, work: str, num_cpus: int = 2, docs_per_partition: int | None = None,
                 name_tasks: bool = False, **cfg_overrides):
    """Call curate's dedup entry point on a (text, id, date) table or Parquet file; return its result table."""
    import ray

    from curate.config import PipelineConfig
    from curate.run import orchestrate

    if not ray.is_initialized():
        ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)
    if name_tasks and hasattr(orchestrate, "_task") and not isinstance(orchestrate._task, _NamedTask):
        orchestrate._task = _NamedTask(orchestrate._task)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    over = {} if docs_per_partition is None else {"dedup_docs_per_partition": docs_per_partition}
    over.update(cfg_overrides)
    cfg = PipelineConfig(output=work, num_cpus=num_cpus, languages=(lang,), **over)
    return orchestrate.dedup_documents(table, lang, cfg)


def check_curate_result(in_ids: list[str], res) -> list[str]:
    """Contract checks on dedup_documents' result; returns a list of violations (empty when fine)."""
    problems = []
    need = {"id", "cluster_id", "cluster_size", "is_representative"}
    if not need <= set(res.column_names):
        return [f"missing columns {sorted(need - set(res.column_names))}"]
    ids = res.column("id").to_pylist()
    cid = res.column("cluster_id").to_pylist()
    size = res.column("cluster_size").to_pylist()
    rep = res.column("is_representative").to_pylist()
    if len(ids) != len(set(ids)):
        problems.append(f"{len(ids) - len(set(ids))} duplicate ids in the result")
    if set(ids) != set(in_ids):
        problems.append(f"ids differ from input: {len(set(in_ids) - set(ids))} missing, {len(set(ids) - set(in_ids))} extra")
    members: dict = {}
    for i, c, s, r in zip(ids, cid, size, rep):
        members.setdefault(c, []).append((i, s, r))
    for c, ms in members.items():
        n_rep = sum(1 for _, _, r in ms if r)
        sizes = {s for _, s, _ in ms}
        if sizes != {len(ms)}:
            problems.append(f"cluster {c}: {len(ms)} members but cluster_size {sorted(sizes)}")
        if n_rep != 1:
            problems.append(f"cluster {c}: {n_rep} representatives")
        if len(problems) > 20:
            problems.append("...")
            break
    for col, typ in (("cluster_id", "int64"), ("cluster_size", "int64"), ("is_representative", "bool")):
        if str(res.schema.field(col).type) != typ:
            problems.append(f"{col} is {res.schema.field(col).type}, expected {typ}")
    return problems


def curate_labels(res) -> dict[str, str]:
    ids = res.column("id").to_pylist()
    cid = res.column("cluster_id").to_pylist()
    size = res.column("cluster_size").to_pylist()
    return {i: (i if s == 1 else f"cu{c}") for i, c, s in zip(ids, cid, size)}


def run_curate(docs: list[dict], lang: str, work: str, num_cpus: int = 2):
    import pyarrow as pa

    table = pa.table({"text": [d["text"] for d in docs], "id": [d["id"] for d in docs],
                      "date": ["2024-03-01T12:00:00Z"] * len(docs)})
    res = curate_table(table, lang, os.path.join(work, "curate"), num_cpus)
    return curate_labels(res), check_curate_result([d["id"] for d in docs], res)


def curate_available() -> str | None:
    """None when curate's dedup entry point can be imported, else why not."""
    try:
        from curate.run.orchestrate import dedup_documents  # noqa: F401
    except Exception as e:  # ImportError until the lead's rework lands
        return f"{type(e).__name__}: {e}"
    return None


# --------------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a1 = sub.add_parser("dt-stage")
    a1.add_argument("stage", type=int)
    a1.add_argument("--input", required=True)
    a1.add_argument("--work", required=True)
    a1.add_argument("--lang", required=True)
    a1.add_argument("--workers", type=int, default=1)
    a2 = sub.add_parser("curate")
    a2.add_argument("--parquet", required=True)
    a2.add_argument("--lang", required=True)
    a2.add_argument("--work", required=True)
    a2.add_argument("--num-cpus", type=int, default=2)
    a2.add_argument("--docs-per-partition", type=int, help="PipelineConfig.dedup_docs_per_partition")
    a2.add_argument("--rows-per-map-task", type=int, help="PipelineConfig.dedup_rows_per_map_task")
    a2.add_argument("--out", help="write the result table here (Parquet)")
    a2.add_argument("--timeline", help="write ray.timeline() here (Chrome trace JSON of the Ray tasks)")
    a3 = sub.add_parser("ray-idle")
    a3.add_argument("--num-cpus", type=int, default=2)
    a3.add_argument("--timeline")
    a = ap.parse_args()
    if a.cmd == "dt-stage":
        dt_stage(a.stage, a.input, a.work, a.lang, a.workers)
    elif a.cmd == "curate":
        import pyarrow.parquet as pq

        t0 = time.perf_counter()
        extra = {} if a.rows_per_map_task is None else {"dedup_rows_per_map_task": a.rows_per_map_task}
        # the path, not a table: curate's tasks read the row groups themselves, the driver holds only ids
        res = curate_table(os.path.abspath(a.parquet), a.lang, a.work, a.num_cpus, a.docs_per_partition,
                           name_tasks=bool(a.timeline), **extra)
        info = {"wall_in_dedup_documents_s": round(time.perf_counter() - t0, 3), "rows": res.num_rows,
                "problems": check_curate_result(pq.read_table(a.parquet, columns=["id"]).column("id").to_pylist(), res)}
        if a.out:
            pq.write_table(res, a.out)
        if a.timeline:
            import ray

            time.sleep(2.5)  # task events reach the GCS asynchronously (1 s flush interval)
            ray.timeline(filename=a.timeline)
        print("CURATE_RESULT " + json.dumps(info))
    else:
        import ray

        ray.init(num_cpus=a.num_cpus, include_dashboard=False, log_to_driver=False)

        @ray.remote
        def noop(i):
            return i

        ray.get([noop.remote(i) for i in range(2 * a.num_cpus)])
        if a.timeline:
            time.sleep(2.5)
            ray.timeline(filename=a.timeline)
        ray.shutdown()


if __name__ == "__main__":
    main()
