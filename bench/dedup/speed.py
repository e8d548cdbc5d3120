#!/usr/bin/env python
"""Dedup speed and memory: curate's `dedup_documents` vs datatrove's four MinHash stages, same input, same run.

Per size n (synthetic corpus from make_corpus.synthetic_corpus; --lang picks the word tokenizer: default
hin_Deva = FineWeb2's IndicNLP trivial tokenizer, which splits these random Latin words exactly like
whitespace and costs 0.1 ms/doc, so the figures show the dedup machinery; with deu_Latn (spaCy "de",
~2-4 ms/doc, identical code in both systems) tokenization is >90% of every signature stage)
and per rep, in alternating order (rep 0: datatrove first, rep 1: curate first, ...):
  * datatrove: stage 1 signatures (one task per input file, 2 files), 2 buckets (14 tasks), 3 cluster
    (1 task, as datatrove requires), 4 filter (2 tasks) -- each stage its own process tree under
    bench/measure.py, LocalPipelineExecutor(workers=--workers).
  * curate: one process (`methods.py curate`: read Parquet, ray.init(num_cpus=--workers), dedup_documents,
    then ray.timeline() to split the time by Ray task name) under bench/measure.py, which sees the Ray
    workers, raylet, GCS, ... as the process tree.
  * ray-idle: ray.init + a few no-op tasks + shutdown, the fixed cost of a local Ray instance (reported,
    never subtracted).
docs/s/core = n / CPU seconds of the measured process tree (user+sys), per stage and in total; ratios are
taken within a rep, then the median over reps. Peak RSS per worker = the largest VmHWM of one process:
for curate over Ray worker processes (driver and Ray system processes reported separately), for datatrove
over all processes of the stage (stage 3 is the single-process union-find).

    python bench/dedup/speed.py --sizes 10000,100000 --reps 3 [--workers 2] [--out speed.json]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time

from common import HERE, REPO, WORK_DEFAULT, median
from jsonfile import write_json
from make_corpus import SYNTH_LANG, synthetic_corpus
from measure import measure
from memwatch import Watcher, kind
from run_failed import check_run

PY = sys.executable
METHODS = os.path.join(HERE, "methods.py")
DT_STAGES = {1: "signatures", 2: "buckets", 3: "cluster", 4: "filter"}
# curate's default (2M docs per hash partition) puts every size here in ONE partition, i.e. one bucket and
# one clustering task holding the whole corpus; the bench bounds partitions so per-task memory can stay flat.
DOCS_PER_PARTITION = 25_000


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([REPO, HERE] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.setdefault("RAY_DEDUP_LOGS", "0")
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    return env


def _run(name: str, cmd: list[str], log_path: str, interval: float) -> dict:
    """measure() one command (stdout and stderr appended to the log); RunFailed if it exits non-zero."""
    with open(log_path, "ab") as lf:
        m = measure(cmd, env=_env(), cwd=REPO, interval=interval, stdout=lf, stderr=lf)
    check_run(name, dict(m, log=log_path))
    return m


def _classify_ray(procs: list[dict]) -> dict:
    """Peak RSS and CPU of Ray worker processes vs the driver vs Ray's own daemons (memwatch.kind)."""
    peak = {"worker": 0.0, "driver": 0.0, "ray_system": 0.0}
    cpu = {"worker": 0.0, "driver": 0.0, "ray_system": 0.0}
    n_workers = 0
    for p in procs:
        k = kind(p["cmd"])
        peak[k] = max(peak[k], p["peak_rss_mb"])
        cpu[k] += p["cpu_s"]
        n_workers += k == "worker"
    return {"worker_peak_rss_mb": peak["worker"], "driver_peak_rss_mb": peak["driver"],
            "ray_system_peak_rss_mb": peak["ray_system"], "worker_processes": n_workers,
            "worker_cpu_s": round(cpu["worker"], 3), "driver_cpu_s": round(cpu["driver"], 3),
            "ray_system_cpu_s": round(cpu["ray_system"], 3)}


# curate's dedup task names (stage functions of curate/stages/dedup.py, see methods._NamedTask) -> stage
STAGE_OF = {"_stage_texts": "signatures", "sig_map": "bucketing", "exact_reduce": "bucketing",
            "index_map": "bucketing", "bucket_reduce": "bucketing", "cc_init": "clustering",
            "cc_round": "clustering", "cluster_map": "clustering", "cluster_reduce": "clustering",
            "index_labels": "clustering"}
STAGE_PATTERNS = [("signatures", re.compile(r"sig|shingl|minhash|stage_texts", re.I)),
                  ("bucketing", re.compile(r"bucket|band|lsh|edge|exact", re.I)),
                  ("clustering", re.compile(r"cc_|label|compon|cluster|round|propag|union", re.I))]


def _timeline_split(path: str) -> dict:
    """Sum Ray task execution time (s) by task name, and by stage."""
    try:
        with open(path) as f:
            events = json.load(f)
    except (OSError, ValueError):
        return {}
    by_name: dict[str, float] = {}
    for e in events:
        cat = str(e.get("cat", ""))
        if e.get("ph") == "X" and cat.startswith("task::"):  # one span per task execution
            name = cat[len("task::"):]
            by_name[name] = by_name.get(name, 0.0) + float(e.get("dur", 0)) / 1e6
    stages: dict[str, float] = {}
    for name, s in by_name.items():
        stage = STAGE_OF.get(name) or next((st for st, rx in STAGE_PATTERNS if rx.search(name)), "other")
        stages[stage] = stages.get(stage, 0.0) + s
    return {"task_s_by_name": {k: round(v, 3) for k, v in sorted(by_name.items())},
            "task_s_by_stage": {k: round(v, 3) for k, v in stages.items()}}


def run_datatrove(corpus: str, work: str, workers: int, log_path: str, interval: float, lang: str) -> dict:
    out = {"stages": {}}
    for s, name in DT_STAGES.items():
        m = _run(f"datatrove stage {s} ({name})", [PY, METHODS, "dt-stage", str(s), "--input", os.path.join(corpus, "jsonl"),
                                                    "--work", work, "--lang", lang, "--workers", str(workers)], log_path, interval)
        # peak_rss_mb: the largest VmHWM of one process of the tree
        out["stages"][name] = {"cpu_s": m["cpu_s"], "wall_s": m["wall_s"], "peak_rss_mb": m["peak_rss_mb"],
                               "peak_tree_rss_mb": m["peak_tree_rss_mb"], "processes": m["n_processes_seen"]}
    st = out["stages"]
    out["cpu_s"] = round(sum(v["cpu_s"] for v in st.values()), 3)
    out["cpu_s_1to3"] = round(sum(st[k]["cpu_s"] for k in ("signatures", "buckets", "cluster")), 3)
    out["wall_s"] = round(sum(v["wall_s"] for v in st.values()), 3)
    out["worker_peak_rss_mb"] = max(v["peak_rss_mb"] for v in st.values())
    return out


def run_curate(corpus: str, work: str, workers: int, log_path: str, interval: float,
               docs_per_partition: int | None, lang: str) -> dict:
    tl = os.path.join(work, "timeline.json")
    watcher = Watcher(["methods.py curate", os.path.join(work, "scratch")])
    cmd = [PY, METHODS, "curate", "--parquet", os.path.join(corpus, "docs.parquet"), "--lang", lang,
           "--work", os.path.join(work, "scratch"), "--num-cpus", str(workers), "--timeline", tl]
    m = _run("curate", cmd + ([] if docs_per_partition is None else ["--docs-per-partition", str(docs_per_partition)]),
             log_path, interval)
    info = {}
    with open(log_path, "rb") as f:
        for line in f.read().decode(errors="replace").splitlines():
            if line.startswith("CURATE_RESULT "):
                info = json.loads(line[len("CURATE_RESULT "):])
    mem = watcher.result().get("by_kind", {})
    split = _timeline_split(tl)
    cls = _classify_ray(m["processes"])
    # per-stage CPU: the Ray worker processes' CPU, apportioned by each stage's share of task time
    task_total = sum(split.get("task_s_by_stage", {}).values())
    if task_total:
        split["cpu_s_by_stage"] = {k: round(cls["worker_cpu_s"] * v / task_total, 3)
                                   for k, v in split["task_s_by_stage"].items()}
    return {"cpu_s": m["cpu_s"], "wall_s": m["wall_s"], "peak_tree_rss_mb": m["peak_tree_rss_mb"],
            "peak_tree_pss_mb": m["peak_tree_pss_mb"], **cls,
            "in_call_wall_s": info.get("wall_in_dedup_documents_s"), "problems": info.get("problems"), **split,
            "worker_peak_anon_mb": mem.get("worker", {}).get("max_RssAnon_mb"),
            "worker_peak_shmem_mb": mem.get("worker", {}).get("max_RssShmem_mb"),
            "driver_peak_anon_mb": mem.get("driver", {}).get("max_RssAnon_mb"), "memwatch": mem}


def run_ray_idle(workers: int, log_path: str, interval: float) -> dict:
    m = _run("ray-idle", [PY, METHODS, "ray-idle", "--num-cpus", str(workers)], log_path, interval)
    return {"cpu_s": m["cpu_s"], "wall_s": m["wall_s"], "peak_tree_rss_mb": m["peak_tree_rss_mb"]}


def run_speed(sizes: list[int], reps: int = 3, workers: int = 2, work: str = WORK_DEFAULT, seed: int = 0,
              with_curate: bool = True, interval: float = 0.1, docs_per_partition: int | None = DOCS_PER_PARTITION,
              lang: str = SYNTH_LANG, only: str | None = None, log=print) -> dict:
    os.makedirs(work, exist_ok=True)
    log_path = os.path.join(work, "speed.log")
    results = {"sizes": sizes, "reps": reps, "workers": workers, "lang": lang, "by_size": {},
               "curate_docs_per_partition": docs_per_partition}
    for n in sizes:
        t0 = time.perf_counter()
        corpus = synthetic_corpus(n, seed, work)
        with open(os.path.join(corpus, "_DONE")) as f:
            meta = json.load(f)
        log(f"speed n={n}: corpus {corpus} ({time.perf_counter() - t0:.0f}s)")
        runs = []
        for r in range(reps):
            order = ["datatrove", "curate"] if r % 2 == 0 else ["curate", "datatrove"]
            rec = {}
            for sysname in order:
                if (sysname == "curate" and not with_curate) or (only and sysname != only):
                    continue
                wd = os.path.join(work, f"speed-{n}", sysname)
                t1 = time.perf_counter()
                if sysname == "datatrove":
                    rec["datatrove"] = run_datatrove(corpus, wd, workers, log_path, interval, lang)
                else:
                    rec["curate"] = run_curate(corpus, wd, workers, log_path, interval, docs_per_partition, lang)
                log(f"speed n={n} rep {r} {sysname}: cpu {rec[sysname]['cpu_s']:.1f}s wall "
                    f"{rec[sysname]['wall_s']:.1f}s ({time.perf_counter() - t1:.0f}s)")
            if with_curate and not only:
                rec["ray_idle"] = run_ray_idle(workers, log_path, interval)
                rec["ratio_total"] = rec["datatrove"]["cpu_s"] / rec["curate"]["cpu_s"]
                rec["ratio_vs_stages_1to3"] = rec["datatrove"]["cpu_s_1to3"] / rec["curate"]["cpu_s"]
                rec["wall_ratio"] = rec["datatrove"]["wall_s"] / rec["curate"]["wall_s"]
            runs.append(rec)
        results["by_size"][str(n)] = {"n": n, "corpus": meta, "runs": runs, "summary": summarize(n, runs)}
    return results


def summarize(n: int, runs: list[dict]) -> dict:
    s = {}
    dt = [r["datatrove"] for r in runs if "datatrove" in r]
    for name in DT_STAGES.values() if dt else ():
        s[f"dt_{name}_docs_s_core"] = median([n / d["stages"][name]["cpu_s"] for d in dt])
        s[f"dt_{name}_peak_rss_mb"] = median([d["stages"][name]["peak_rss_mb"] for d in dt])
        s[f"dt_{name}_cpu_s"] = median([d["stages"][name]["cpu_s"] for d in dt])
    s["dt_docs_s_core"] = median([n / d["cpu_s"] for d in dt]) if dt else None
    s["dt_1to3_docs_s_core"] = median([n / d["cpu_s_1to3"] for d in dt]) if dt else None
    s["dt_cpu_s"] = median([d["cpu_s"] for d in dt]) if dt else None
    s["dt_wall_s"] = median([d["wall_s"] for d in dt]) if dt else None
    s["dt_worker_peak_rss_mb"] = median([d["worker_peak_rss_mb"] for d in dt]) if dt else None
    if "curate" in runs[0]:
        cu = [r["curate"] for r in runs]
        s["curate_problems"] = sorted({p for c in cu for p in (c.get("problems") or [])})[:10]
        s["cu_docs_s_core"] = median([n / c["cpu_s"] for c in cu])
        s["cu_cpu_s"] = median([c["cpu_s"] for c in cu])
        s["cu_wall_s"] = median([c["wall_s"] for c in cu])
        for k in ("worker_peak_rss_mb", "driver_peak_rss_mb", "ray_system_peak_rss_mb", "peak_tree_rss_mb",
                  "worker_peak_anon_mb", "worker_peak_shmem_mb", "driver_peak_anon_mb"):
            s[f"cu_{k}"] = median([c[k] for c in cu])
        for st in ("signatures", "bucketing", "clustering", "other"):
            vals = [c.get("task_s_by_stage", {}).get(st) for c in cu]
            cpus = [c.get("cpu_s_by_stage", {}).get(st) for c in cu]
            if any(v for v in vals):
                s[f"cu_{st}_task_s"] = median(vals)
                s[f"cu_{st}_cpu_s"] = median(cpus)
                s[f"cu_{st}_docs_s_core"] = median([n / v for v in cpus if v])
        for k in ("worker_cpu_s", "driver_cpu_s", "ray_system_cpu_s"):
            s[f"cu_{k}"] = median([c[k] for c in cu])
        if "curate" not in runs[0] or "datatrove" not in runs[0]:
            return s
        s["ray_idle_cpu_s"] = median([r["ray_idle"]["cpu_s"] for r in runs])
        s["ratio_total"] = median([r["ratio_total"] for r in runs])
        s["ratio_vs_stages_1to3"] = median([r["ratio_vs_stages_1to3"] for r in runs])
        s["wall_ratio"] = median([r["wall_ratio"] for r in runs])
        s["curate_problems"] = sorted({p for c in cu for p in (c.get("problems") or [])})[:10]
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", default=WORK_DEFAULT)
    ap.add_argument("--no-curate", action="store_true")
    ap.add_argument("--only", choices=["curate", "datatrove"], help="run one side only (no ratios)")
    ap.add_argument("--docs-per-partition", type=int, default=DOCS_PER_PARTITION,
                    help="curate's dedup_docs_per_partition (0: curate's default)")
    ap.add_argument("--lang", default=SYNTH_LANG, help="language code: decides the word tokenizer")
    ap.add_argument("--out")
    a = ap.parse_args()
    res = run_speed([int(x) for x in a.sizes.split(",")], a.reps, a.workers, a.work,
                    with_curate=not a.no_curate, docs_per_partition=a.docs_per_partition or None,
                    lang=a.lang, only=a.only, log=lambda s: print(s, file=sys.stderr))
    write_json(res, a.out)
    print(json.dumps({k: v["summary"] for k, v in res["by_size"].items()}, indent=1))


if __name__ == "__main__":
    main()
