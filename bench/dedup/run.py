#!/usr/bin/env python
"""Dedup benchmark: quality (near-duplicate corpus, 6 languages) and speed/memory (synthetic 10k..1M docs),
curate's dedup_documents vs datatrove's MinHash stages (and datasketch MinHashLSH for quality).

    python bench/dedup/run.py [--sizes 10000,100000] [--reps 3] [--bases 30] [--langs ...]
                              [--skip-quality] [--skip-speed] [--no-curate] [--tag latest]

Prints the comparison tables and writes bench/results/dedup-<tag>.{json,md}. Definitions: quality.py and
speed.py docstrings (also summarised in the .md). Work files: $CURATE_DEDUP_BENCH_WORK or
/tmp/curate-dedup-bench (synthetic corpora are cached there per size and seed).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

from common import LANGS, REPO, WORK_DEFAULT
from jsonfile import write_json

RESULTS = os.path.join(REPO, "bench", "results")


def _git() -> dict:
    def out(*a):
        try:
            return subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True, timeout=20).stdout.rstrip()
        except Exception:
            return ""

    dirty = [l[3:] for l in out("status", "--porcelain", "curate").splitlines()]
    return {"commit": out("rev-parse", "--short", "HEAD"), "curate_dirty_files": dirty}


def _f(x, nd=3):
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    return str(x)


def _rate(found, pairs):
    return "–" if not pairs else f"{found / pairs:.3f}"


def _found_rows(q: dict, by: str, third) -> list[str]:
    """Rows of a found-rate table (q["overall"][method][by]): key, pairs, third(row), each method's rate."""
    ms = q["methods"]
    return [f"| {k} | {v['pairs']} | {third(v)} | " + " | ".join(_rate(q["overall"][m][by][k]["found"], v["pairs"]) for m in ms) + " |"
            for k, v in (q["overall"][ms[0]][by].items() if ms else [])]


DT_STAGES = ("signatures", "buckets", "cluster", "filter")  # speed.DT_STAGES' names (no import: it pulls measure)


def _size_rows(s: dict, keys: list[str], more: list[str]) -> list[str]:
    """One row per corpus size of the speed results: those summary figures, no decimals."""
    return [f"| {n} | " + " | ".join(_f(v["summary"].get(k), 0) for k in keys + more) + " |" for n, v in s["by_size"].items()]


def render(res: dict) -> str:
    L = [f"# Dedup benchmark ({res['started']})", "",
         f"`{res['command']}` — {res['host']['cpus']} CPUs, load average at start {res['host']['loadavg']}, "
         f"git {res['git']['commit']}" + (f" + uncommitted changes in {', '.join(res['git']['curate_dirty_files'])}"
                                           if res['git']['curate_dirty_files'] else ""), ""]
    q = res.get("quality")
    if q:
        ms = ["truth@0.8"] + q["methods"]
        L += ["## Quality (near-duplicate corpus)", "",
              f"{len(q['langs'])} languages ({', '.join(q['langs'])}), {q['bases_per_lang']} base documents each "
              f"+ {len(next(iter(q['overall'].values()))['by_edit'])} variants per base (seed {q['seed']}). "
              "`found` = the two documents end up in the same cluster. `truth@0.8` = connected components of the "
              "true-Jaccard >= 0.8 graph (shows what transitivity alone does to precision@0.8).", ""]
        if q.get("skipped"):
            L += [f"Skipped: {q['skipped']}", ""]
        L += ["| method | docs | clusters | found pairs | recall@0.8 | precision@0.5 | precision@0.8 | found pairs J<0.5 | cross-group found | seconds |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for m in ms:
            o = q["overall"][m]
            L.append(f"| {m} | {o['docs']} | {o['clusters']} | {o['found_pairs']} | {_f(o['recall@0.8'])} | "
                     f"{_f(o['precision@0.5'])} | {_f(o['precision@0.8'])} | {o['false_pairs_j<0.5']} | "
                     f"{o['cross_group_found']} | {_f(q['seconds'].get(m), 1)} |")
        L += ["", "Found rate by true-Jaccard bucket (all pairs of a language with J in the bucket); `LSH p` = mean "
              "1-(1-J^8)^14 of the bucket's pairs (candidate probability of one pair; clusters add transitivity).", "",
              "| J bucket | pairs | LSH p | " + " | ".join(q["methods"]) + " |", "|---|---|---|" + "---|" * len(q["methods"])]
        L += _found_rows(q, "by_bucket", lambda v: _f(v["lsh_p"]))
        L += ["", "Found rate of (base, variant) pairs by edit type (mean true J of those pairs):", "",
              "| variant | pairs | mean J | " + " | ".join(q["methods"]) + " |", "|---|---|---|" + "---|" * len(q["methods"])]
        L += _found_rows(q, "by_edit", lambda v: f"{v['mean_j']:.3f}")
        L += ["", "recall@0.8 / precision@0.5 per language:", "",
              "| language | pairs J>=0.8 | " + " | ".join(q["methods"]) + " |", "|---|---|" + "---|" * len(q["methods"])]
        for lang in q["langs"]:
            pl = q["per_lang"][lang]
            L.append(f"| {lang} | {pl['truth@0.8']['true_pairs_j>=0.8']} | " + " | ".join(
                f"{_f(pl[m]['recall@0.8'])} / {_f(pl[m]['precision@0.5'])}" for m in q["methods"]) + " |")
        L += ["", "Cluster agreement (all languages together):", "", "| clusterings | ARI | pairwise F1 | pairs a | pairs b | common |",
              "|---|---|---|---|---|---|"]
        for k, v in q["agreement"].items():
            L.append(f"| {k} | {v['ari']:.4f} | {v['pairwise_f1']:.4f} | {v['pairs_a']} | {v['pairs_b']} | {v['common_pairs']} |")
        if q.get("curate_problems"):
            L += ["", f"**curate contract violations:** {json.dumps(q['curate_problems'])[:2000]}"]
        L.append("")
    s = res.get("speed")
    if s:
        L += ["## Speed and memory (synthetic corpora)", "",
              f"Tokenizer language {s['lang']}, curate dedup_docs_per_partition={s.get('curate_docs_per_partition')}, {s['workers']} workers each side, {s['reps']} rep(s) per size, "
              "alternating order. docs/s/core = docs / CPU s of the measured process tree (median over reps); ratio = "
              "datatrove CPU / curate CPU within a rep, median. Peak RSS = largest VmHWM of one process; for Ray workers "
              "also peak RssAnon (private) and RssShmem (plasma object-store pages mapped by the worker, shared).", ""]
        L += ["| docs | datatrove CPU s (1-4) | curate CPU s | ratio vs stages 1-4 | ratio vs 1-3 | wall ratio | "
              "dt docs/s/core | curate docs/s/core | Ray idle CPU s |", "|---|---|---|---|---|---|---|---|---|"]
        for n, v in s["by_size"].items():
            sm = v["summary"]
            L.append(f"| {n} | {_f(sm['dt_cpu_s'], 1)} | {_f(sm.get('cu_cpu_s'), 1)} | {_f(sm.get('ratio_total'), 2)} | "
                     f"{_f(sm.get('ratio_vs_stages_1to3'), 2)} | {_f(sm.get('wall_ratio'), 2)} | {_f(sm['dt_docs_s_core'], 0)} | "
                     f"{_f(sm.get('cu_docs_s_core'), 0)} | {_f(sm.get('ray_idle_cpu_s'), 1)} |")
        L += ["", "Per stage (docs/s/core; curate's split is Ray task execution time by task name, not process CPU):", "",
              "| docs | dt signatures | dt buckets | dt cluster | dt filter | curate signatures | curate bucketing | curate clustering | curate other |",
              "|---|---|---|---|---|---|---|---|---|"]
        L += _size_rows(s, [f"dt_{k}_docs_s_core" for k in DT_STAGES],
                        [f"cu_{k}_docs_s_core" for k in ("signatures", "bucketing", "clustering", "other")])
        L += ["", "Memory (MB, peak RSS of one process):", "",
              "| docs | dt signatures | dt buckets | dt cluster (1 task) | dt filter | curate Ray worker | worker private (RssAnon) | worker object-store pages (RssShmem) | curate driver | driver private | Ray daemons | curate tree |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        L += _size_rows(s, [f"dt_{k}_peak_rss_mb" for k in DT_STAGES], [f"cu_{k}" for k in (
            "worker_peak_rss_mb", "worker_peak_anon_mb", "worker_peak_shmem_mb", "driver_peak_rss_mb",
            "driver_peak_anon_mb", "ray_system_peak_rss_mb", "peak_tree_rss_mb")])
        probs = {n: v["summary"].get("curate_problems") for n, v in s["by_size"].items() if v["summary"].get("curate_problems")}
        if probs:
            L += ["", f"**curate contract violations:** {json.dumps(probs)[:2000]}"]
        L.append("")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--langs", default=",".join(LANGS.values()))
    ap.add_argument("--bases", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--synth-lang", default=None, help="tokenizer language of the speed corpora (default hin_Deva)")
    ap.add_argument("--docs-per-partition", type=int, default=None, help="curate dedup_docs_per_partition (default 25000; 0: curate's own default)")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--no-curate", action="store_true", help="reference side only")
    ap.add_argument("--work", default=WORK_DEFAULT)
    ap.add_argument("--tag", default="latest")
    a = ap.parse_args()

    def log(msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    res = {"started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "command": "python bench/dedup/run.py " + " ".join(sys.argv[1:]),
           "host": {"cpus": os.cpu_count(), "loadavg": [round(x, 1) for x in os.getloadavg()],
                    "python": platform.python_version()},
           "git": _git()}
    if not a.skip_quality:
        from quality import run_quality

        methods = ["datasketch", "datatrove"] + ([] if a.no_curate else ["curate"])
        res["quality"] = run_quality(a.langs.split(","), a.bases, a.seed, methods, a.work, a.workers, log=log)
    if not a.skip_speed:
        import methods as M
        from speed import DOCS_PER_PARTITION, SYNTH_LANG, run_speed

        with_curate = not a.no_curate and M.curate_available() is None
        if not a.no_curate and not with_curate:
            log(f"speed: curate skipped ({M.curate_available()})")
        res["speed"] = run_speed([int(x) for x in a.sizes.split(",")], a.reps, a.workers, a.work, a.seed,
                                 with_curate=with_curate, lang=a.synth_lang or SYNTH_LANG,
                                 docs_per_partition=(DOCS_PER_PARTITION if a.docs_per_partition is None
                                                     else a.docs_per_partition or None), log=log)
    res["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    os.makedirs(RESULTS, exist_ok=True)
    md = render(res)
    write_json(res, os.path.join(RESULTS, f"dedup-{a.tag}.json"), default=float)
    with open(os.path.join(RESULTS, f"dedup-{a.tag}.md"), "w") as f:
        f.write(md)
    print(md)
    log(f"wrote bench/results/dedup-{a.tag}.json and .md")


if __name__ == "__main__":
    main()
