#!/usr/bin/env python
"""datatrove 0.10.1 reference run of FineWeb2's blocks (the comparison side of the curate benchmark).

Usage:
    python bench/datatrove_fineweb2.py --input WARC_OR_DIR --work DIR --lid-model lid.176.ftz [--workers 1]

Stage A (datatrove_blocks.py), one LocalPipelineExecutor (tasks = workers):
    WarcReader -> URLFilter -> Trafilatura(favour_precision=True, timeout=10)
    -> LanguageFilter(ft176 from a local model, label_only=True, keep_top_pairs_threshold=0.01)
    -> JsonlWriter("${language}/${rank}.jsonl.gz")
Stage B (datatrove_stage_b.py), one child process per language (ft176 label mapped to a FineWeb2
lang_Script code), one LocalPipelineExecutor per step, as FineWeb2's fineweb-2-pipeline.py does it:
    thr     JsonlReader -> LambdaFilter(language_score >= config.language_score) -> JsonlWriter
    mh1..3  MinHash signatures / buckets (14 tasks) / cluster (save_cluster_size=True)
    filters JsonlReader -> MinhashDedupFilter(load_cluster_sizes=True) -> GopherRepetition -> FineWebQuality
            -> GopherQuality -> FTFY -> PII -> SymbolLines(["|"], "\\n") -> ParquetWriter
Every stage runs in its own child process (this script again, with --_stage) so that its CPU time
(os.wait4 rusage, reaped descendants included) and failures (a tokenizer that cannot load) are
isolated. Prints a JSON summary (datatrove_summary.py) and writes it to WORK/summary.json; exits
non-zero when stage A failed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from datatrove_blocks import cpu_now, fw2_code, load_config
from datatrove_summary import add_language_docs, count_by_language, stage_a_docs, totals
from jsonfile import write_json

DEFAULT_HF_HOME = "/tmp/curate-bench-hf"


def _child(cmd: list[str], log: Path, env: dict) -> dict:
    """Run a stage process; CPU from wait4 rusage (its reaped descendants included)."""
    w0 = time.perf_counter()
    with open(log, "wb") as lf:
        p = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, env=env)
        _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"rc": p.returncode, "wall_s": round(time.perf_counter() - w0, 4), "cpu_s": round(ru.ru_utime + ru.ru_stime, 4),
            "maxrss_mb": round(ru.ru_maxrss / 1024, 1)}


def _versions() -> dict | None:
    try:
        import datatrove
        import trafilatura
    except Exception:
        return None
    return {"datatrove": datatrove.__version__ if hasattr(datatrove, "__version__") else "0.10.1",
            "trafilatura": trafilatura.__version__}


def orchestrate(args) -> dict:
    work = Path(args.work)
    if work.exists() and not args.keep:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    me = [sys.executable, str(Path(__file__).resolve())]
    common = ["--input", args.input, "--work", str(work), "--lid-model", args.lid_model, "--workers", str(args.workers)]
    w0, c0 = time.perf_counter(), cpu_now()

    a_proc = _child(me + common + ["--_stage", "a"], work / "A.log", env)
    a_res = json.loads((work / "A" / "result.json").read_text()) if (work / "A" / "result.json").exists() else {}
    summary: dict = {"input": args.input, "work": str(work), "workers": args.workers, "hf_home": os.environ.get("HF_HOME")}
    versions = _versions()
    if versions:
        summary["versions"] = versions
    summary["stage_a"] = {"process": a_proc, **a_res}
    if a_proc["rc"] != 0:
        summary["error"] = f"stage A failed, see {work / 'A.log'}"
        return summary
    lang_counts = count_by_language(work / "A" / "out")
    summary["stage_a"]["docs"] = stage_a_docs(a_res["blocks"], lang_counts)

    skipped, todo = {}, []
    for lg in lang_counts:
        if lg == "en" and args.skip_english:
            skipped[lg] = "English left to FineWeb (--skip-english)"
            continue
        try:
            load_config(fw2_code(lg))
        except FileNotFoundError as e:
            skipped[lg] = str(e)
            continue
        todo.append(lg)

    def run_lang(lg):
        (work / "B" / lg).mkdir(parents=True, exist_ok=True)
        proc = _child(me + common + ["--_stage", "b", "--lang", lg], work / "B" / lg / "process.log", env)
        rf = work / "B" / lg / "result.json"
        res = json.loads(rf.read_text()) if rf.exists() else {"status": "process_failed"}
        res["process"] = proc
        return lg, res

    with ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
        per_lang = dict(pool.map(run_lang, todo))
    add_language_docs(per_lang, lang_counts, skipped, work)
    summary.update(totals(a_proc, a_res, per_lang, lang_counts, skipped, summary["stage_a"]["docs"]))
    summary["total"] = {
        "wall_s": round(time.perf_counter() - w0, 3),
        # os.wait4 reaped the stage processes, so children_user/system already include them
        "cpu_s": round(cpu_now() - c0, 3),
        "stage_processes_cpu_s": round(a_proc["cpu_s"] + sum(r["process"]["cpu_s"] for r in per_lang.values()), 3),
    }
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="a WARC file or a directory of WARC files")
    ap.add_argument("--work", required=True, help="work/output directory (wiped unless --keep)")
    ap.add_argument("--lid-model", default="/work/shared/data/lid_models/lid.176.ftz")
    ap.add_argument("--workers", type=int, default=1, help="stage A tasks=workers (needs >= that many files); stage B languages in parallel")
    ap.add_argument("--keep", action="store_true", help="do not wipe --work first")
    ap.add_argument("--skip-english", action="store_true",
                    help="no stage B for ft176 'en' (FineWeb2 leaves English to FineWeb); default: FineWeb-English defaults")
    ap.add_argument("--summary", help="also write the summary JSON here")
    ap.add_argument("--_stage", choices=["a", "b"], help=argparse.SUPPRESS)
    ap.add_argument("--lang", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("HF_HOME", DEFAULT_HF_HOME)

    if args._stage == "a":
        from datatrove_blocks import stage_a

        write_json(stage_a(args), Path(args.work) / "A" / "result.json")
        return
    if args._stage == "b":
        from datatrove_stage_b import stage_b

        write_json(stage_b(args), Path(args.work) / "B" / args.lang / "result.json")
        return
    summary = orchestrate(args)
    text = write_json(summary, Path(args.work) / "summary.json")
    if args.summary:
        Path(args.summary).write_text(text)
    short = {k: v for k, v in summary.items() if k not in ("languages", "kept_ids", "stage_a")}
    short["stage_a"] = {k: v for k, v in summary.get("stage_a", {}).items() if k != "blocks"}
    short["languages"] = {lg: {"code": r.get("code"), "status": r.get("status"), "docs": r.get("docs"),
                               "process_cpu_s": r["process"]["cpu_s"]} for lg, r in summary.get("languages", {}).items()}
    print(json.dumps(short, indent=1))
    if summary.get("error"):
        sys.exit(f"datatrove reference failed: {summary['error']}")  # never a silent 1-second "run"


if __name__ == "__main__":
    main()
