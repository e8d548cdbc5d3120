#!/usr/bin/env python
"""curate vs datatrove (FineWeb2 blocks) vs trafilatura alone, on the same WARC, in one window.

    python bench/run.py --input real-pages.warc.gz [--reps 3] [--workers 1|2] [--only traf,datatrove,curate]
    python bench/run.py --input real-pages.warc.gz --reps 3 --scaling --datatrove-skip-english   # the README's figures

Per rep, alternating (rep 1 of every config, then rep 2, ...):
  traf       bench/traf_alone.py WARC                      (extraction bound: one process, one core)
  datatrove  bench/datatrove_fineweb2.py --input DIR ...    (stage A + per-language stage B)
  curate     pipelines/fineweb2.py --input DIR --output OUT --num-cpus N
  curate-plain   the same with `unoptimised: true` (the decision-equality check compares it with curate)
each under bench/measure.py (whole process tree CPU, peak RSS/PSS), pinned with `taskset -c 0`
(`-c 0,1` with --workers 2; the poller is pinned to CPU 1 in 1-worker mode).
--scaling adds, in every rep, curate@2 and datatrove@2: the same input split in two files, two
workers on `taskset -c 0,1`; the 2-worker scaling is wall(1 worker) / wall(2 workers) within a rep.
--marginal adds each system on the first half of the records alone (and, with --scaling, its 2-worker
runs too): the second half's cost, whole minus first half, is what further documents cost.

"docs/s/core" = HTML response records in the input / CPU seconds of the whole process tree.
Ratios are taken within a rep (back-to-back runs), then the median over reps.
Writes bench/results/latest.json and bench/results/latest.md. A run that fails (non-zero exit, or an
output missing) stops the benchmark with a non-zero exit, naming the configuration, the rep and the
tail of its stderr; nothing is written then.

The pieces: e2e_inputs.py (the WARC, split), e2e_configs.py (each configuration's command line and
outputs), e2e_reps.py (warm-ups, reps), e2e_summary.py (medians, ratios), e2e_decisions.py (the
decision-equality check), e2e_report.py (the .md and .json).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
from pathlib import Path

from e2e_inputs import count_html_responses, input_sets
from e2e_report import write_results
from e2e_reps import run_reps, warm_up
from e2e_summary import summarize
from run_failed import RunFailed

HERE = Path(__file__).resolve().parent


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="a WARC file (one gzip member per record)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1, choices=[1, 2], help="2 = scaling mode: input split in 2 files, 2 CPUs")
    ap.add_argument("--cpu", type=int, default=0, choices=[0, 1], help="CPU to pin to in 1-worker mode")
    ap.add_argument("--only", default="traf,datatrove,curate,curate-plain")
    ap.add_argument("--scaling", action="store_true", help="also curate@2 and datatrove@2 (2 workers, 2 CPUs) every rep")
    ap.add_argument("--marginal", action="store_true",
                    help="also each of traf, datatrove, curate on the first half of the records: the second "
                         "half's docs/s/core (from the difference) is the rate once fixed costs are paid")
    ap.add_argument("--lid-model", default="/work/shared/data/lid_models/lid.176.ftz")
    ap.add_argument("--work", default=None, help="scratch dir (default: a temp dir under /tmp)")
    ap.add_argument("--hf-home", default="/tmp/curate-bench-hf")
    ap.add_argument("--no-warmup", action="store_true")
    ap.add_argument("--datatrove-skip-english", action="store_true",
                    help="no datatrove stage B for English (match curate's release_english=false)")
    ap.add_argument("--keep-outputs", action="store_true")
    ap.add_argument("--results", default=str(HERE / "results"))
    ap.add_argument("--tag", default="latest", help="results file stem")
    a = ap.parse_args()
    if a.workers != 1 and a.scaling:
        ap.error("--scaling compares with 1 worker: leave --workers at 1")
    if a.workers != 1 and a.marginal:
        ap.error("--marginal runs one worker: leave --workers at 1")
    return a


def configurations(a: argparse.Namespace) -> list[str]:
    only = [x for x in a.only.split(",") if x]
    if a.scaling:
        only += [f"{x}@2" for x in ("curate", "datatrove") if x in only]
    if a.marginal:
        only += [f"{x}-half" for x in ("traf", "datatrove", "curate", "curate@2", "datatrove@2") if x in only]
    return only


def main():
    a = parse_args()
    only = configurations(a)
    warc = Path(a.input).resolve()
    work = Path(a.work or tempfile.mkdtemp(prefix="curate-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sets = input_sets(warc, work, a.workers, a.scaling, a.marginal)
    # CURATE_CACHE: curate's per-node cache (compiled tokenizer patterns), warmed like datatrove's HF_HOME
    env = dict(os.environ, HF_HOME=a.hf_home, CURATE_CACHE=str(work / "curate-cache"), PYTHONUNBUFFERED="1")
    ctx = {**sets["main"], "workers": a.workers, "cpus": str(a.cpu) if a.workers == 1 else ",".join(str(i) for i in range(a.workers)),
           "env": env, "lid_model": a.lid_model, "keep_outputs": a.keep_outputs,
           "datatrove_args": ["--skip-english"] if a.datatrove_skip_english else []}
    if "two" in sets:
        ctx["two"] = dict(ctx, **sets["two"], workers=2, cpus="0,1")
    if "half" in sets:
        ctx["half"] = dict(ctx, **sets["half"])
    if "two-half" in sets:
        ctx["two-half"] = dict(ctx["two"], **sets["two-half"])
    n_half = count_html_responses(sets["half"]["warcs"][0]) if "half" in sets else None
    n_docs = count_html_responses(warc)
    if a.workers == 1:
        os.sched_setaffinity(0, {1 - a.cpu})  # keep this harness and its poller off the measured CPU
        # (2-worker runs of --scaling share the CPUs with the poller: 0.2 s sampling, negligible)

    cold_setup = None if a.no_warmup else warm_up(only, ctx, work)
    try:
        reps = run_reps(only, ctx, work, a.reps, n_docs, n_half)
    except RunFailed as e:
        sys.exit(f"bench/run.py stopped, no results written: {e}")

    import trafilatura

    res = {
        "meta": {
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "input": str(warc), "input_bytes": warc.stat().st_size, "html_records": n_docs, "reps": a.reps,
            "workers": a.workers, "cpus": ctx["cpus"], "nproc": os.cpu_count(), "kernel": platform.release(),
            "python": platform.python_version(), "trafilatura": trafilatura.__version__, "work": str(work),
            "curate_setup_cold_cache_s": cold_setup,
        },
        "summary": summarize(reps, n_docs, a.workers, n_half),
        "reps": reps,
    }
    print(write_results(res, Path(a.results), a.tag))


if __name__ == "__main__":
    main()
