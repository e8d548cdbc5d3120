#!/usr/bin/env python
"""datatrove 0.10.1 reference run of FineWeb2's blocks (the comparison side of the curate benchmark).

Usage:
    python bench/datatrove_fineweb2.py --input WARC_OR_DIR --work DIR --lid-model lid.176.ftz [--workers 1]

Stage A, one LocalPipelineExecutor (tasks = workers):
    WarcReader -> URLFilter -> Trafilatura(favour_precision=True, timeout=10)
    -> LanguageFilter(ft176 from a local model, label_only=True, keep_top_pairs_threshold=0.01)
    -> JsonlWriter("${language}/${rank}.jsonl.gz")
Stage B, one child process per language (ft176 label mapped to a FineWeb2 lang_Script code), one
LocalPipelineExecutor per step, as FineWeb2's fineweb-2-pipeline.py does it:
    thr     JsonlReader -> LambdaFilter(language_score >= config.language_score) -> JsonlWriter
    mh1..3  MinHash signatures / buckets (14 tasks) / cluster (save_cluster_size=True)
    filters JsonlReader -> MinhashDedupFilter(load_cluster_sizes=True) -> GopherRepetition -> FineWebQuality
            -> GopherQuality -> FTFY -> PII -> SymbolLines(["|"], "\\n") -> ParquetWriter
Every stage runs in its own child process so that its CPU time (os.wait4 rusage, reaped descendants
included) and failures (a tokenizer that cannot load) are isolated. Prints a JSON summary and writes it
to WORK/summary.json.
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

REPO = Path(__file__).resolve().parents[1]
CONFIG_DIRS = [REPO / "filters" / "configs", Path("/work/shared/data/fineweb2/configs")]
DEFAULT_HF_HOME = "/tmp/curate-bench-hf"

def fw2_code(ft176_label: str) -> str:
    """FineWeb2 code of an ft176 label, by curate's own normalisation, so both sides route alike."""
    from langid.labels import normalise

    lang, script = normalise(ft176_label)
    return f"{lang}_{script}"

# FineWeb2 has no eng_Latn config (English goes to FineWeb). Unless filters/configs/eng_Latn.yml
# exists, English uses datatrove's FineWeb-English defaults (stop_words=None = datatrove's English list).
ENGLISH_DEFAULTS = {
    "language_score": 0.65,
    "dup_line_frac": 0.3,
    "top_n_grams": [[2, 0.2], [3, 0.18], [4, 0.16]],
    "dup_n_grams": [[5, 0.15], [6, 0.14], [7, 0.13], [8, 0.12], [9, 0.11], [10, 0.10]],
    "line_punct_thr": 0.12,
    "new_line_ratio": 0.3,
    "min_avg_word_length": 3,
    "max_avg_word_length": 10,
    "max_non_alpha_words_ratio": 0.8,
    "stopwords": None,
}


# --------------------------------------------------------------------------------------------------
# helpers used inside the stage processes


def _import_shim():
    """datatrove.pipeline.dedup/__init__ imports exact_substrings -> utils.tokenization -> `tokenizers`,
    which is not installed here (datatrove[processing] would pull it). MinHash itself does not need it,
    so register the package without running its __init__."""
    import types

    try:
        import datatrove.pipeline.dedup  # noqa: F401
    except ImportError:
        import datatrove.pipeline as dp

        pkg = types.ModuleType("datatrove.pipeline.dedup")
        pkg.__path__ = [os.path.join(os.path.dirname(dp.__file__), "dedup")]
        sys.modules["datatrove.pipeline.dedup"] = pkg


def _cpu_now() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _run_executor(executor, logging_dir: Path) -> dict:
    """Run one executor; return CPU (self + reaped children), wall and datatrove's per-block stats."""
    c0, w0 = _cpu_now(), time.perf_counter()
    executor.run()
    cpu, wall = _cpu_now() - c0, time.perf_counter() - w0
    blocks = []
    stats_file = logging_dir / "stats.json"
    if stats_file.exists():
        for st in json.loads(stats_file.read_text()):
            ts = st.get("time_stats")  # an int 0 when the block never saw a document
            blocks.append(
                {
                    "name": st.get("name"),
                    "time_s": round(float(ts.get("total", 0.0)) if isinstance(ts, dict) else 0.0, 4),
                    "stats": {k: (v.get("total") if isinstance(v, dict) else v) for k, v in st.get("stats", {}).items()},
                }
            )
    incomplete = executor.get_incomplete_ranks()
    return {"cpu_s": round(cpu, 4), "wall_s": round(wall, 4), "blocks": blocks, "incomplete_ranks": list(incomplete)}


def _make_local_lid(model_path: str):
    """ft176 served from a local .ftz (datatrove copies it to $HF_HOME/assets/datatrove/lid/ft176/).
    Module-level class + instance MODEL_URL, so the forkserver pool (workers > 1) can pickle it."""
    return LocalFT176(model_url=model_path)


try:
    from datatrove.utils.lid import FastTextLID as _FastTextLID
except ImportError:  # orchestrator-only use without datatrove: stage processes will fail loudly
    _FastTextLID = object


class LocalFT176(_FastTextLID):
    MODEL_SUBFOLDER = "ft176"

    def __init__(self, languages=None, k: int = -1, model_url: str | None = None):
        super().__init__(languages, k)
        self.MODEL_URL = model_url


def stage_a(args) -> dict:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.filters import LanguageFilter, URLFilter
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter

    inp = Path(args.input)
    if inp.is_dir():
        folder, glob = str(inp), "*.warc*"
        n_files = len(list(inp.glob(glob)))
    else:
        folder, glob, n_files = str(inp.parent), inp.name, 1
    work = Path(args.work)
    lid = LanguageFilter(backend="ft176", label_only=True, keep_top_pairs_threshold=0.01)
    lid.model = _make_local_lid(str(Path(args.lid_model).resolve()))
    pipeline = [
        WarcReader(folder, glob_pattern=glob),
        URLFilter(),
        Trafilatura(favour_precision=True, timeout=10.0),
        lid,
        JsonlWriter(str(work / "A" / "out"), output_filename="${language}/${rank}.jsonl.gz"),
    ]
    logs = work / "A" / "logs"
    ex = LocalPipelineExecutor(pipeline, tasks=args.workers, workers=args.workers, logging_dir=str(logs))
    res = _run_executor(ex, logs)
    res["input_files"] = n_files
    if n_files < args.workers:
        res["warning"] = f"{n_files} input file(s) for {args.workers} tasks: datatrove shards by file"
    return res


def load_config(code: str) -> tuple[dict, str]:
    import yaml

    for d in CONFIG_DIRS:
        p = d / f"{code}.yml"
        if p.exists():
            return yaml.safe_load(p.read_text()), str(p)
    if code == "eng_Latn":
        return dict(ENGLISH_DEFAULTS), "builtin:datatrove-fineweb-english-defaults"
    raise FileNotFoundError(f"no FineWeb2 config for {code}")


def _parquet_schema():
    import pyarrow as pa

    return pa.schema(
        [
            ("text", pa.string()), ("id", pa.string()), ("url", pa.string()), ("date", pa.string()),
            ("file_path", pa.string()), ("language", pa.string()), ("language_score", pa.float64()),
            ("language_script", pa.string()), ("minhash_cluster_size", pa.int64()), ("top_langs", pa.string()),
        ]
    )


def fw2_adapter(self, document) -> dict:
    """FineWeb2's release columns; the per-document top_language_*_score keys become one JSON string
    (needed anyway: ParquetWriter infers its schema from the first doc and these keys vary)."""
    md = document.metadata
    code = fw2_code(md["language"]) if md.get("language") else ""
    top = {k[len("top_language_"):-len("_score")]: v for k, v in md.items() if k.startswith("top_language_")}
    return {
        "text": document.text, "id": document.id, "url": md.get("url"), "date": str(md.get("date")),
        "file_path": md.get("file_path"), "language": md.get("language"),
        "language_score": md.get("language_score"), "language_script": md.get("language_script") or (code.split("_")[1] if code else None),
        "minhash_cluster_size": md.get("minhash_cluster_size"), "top_langs": json.dumps(top),
    }


def _lid_threshold_filter(threshold: float):
    def keep(doc) -> bool:
        return doc.metadata["language_score"] >= threshold

    return keep


def stage_b(args) -> dict:
    lang, code = args.lang, fw2_code(args.lang)
    cfg, cfg_src = load_config(code)
    out: dict = {"lang": lang, "code": code, "config": cfg_src, "lid_threshold": cfg["language_score"], "steps": {}}
    # No tokenizer probe up front: loading it here would leave a loaded (un-deep-copyable, e.g. jieba)
    # tokenizer in datatrove's lru_cache and add a second model load. A missing tokenizer package
    # raises ImportError at block construction or on the first document; it is caught and reported.
    try:
        _stage_b_steps(args, code, cfg, out)
    except ImportError as e:
        out["status"] = "tokenizer_unavailable"
        out["error"] = f"{type(e).__name__}: {e}"[:300]
    except Exception as e:
        out["status"] = "error"
        out["error"] = f"{type(e).__name__}: {e}"[:300]
    return out


def _stage_b_steps(args, code: str, cfg: dict, out: dict) -> None:
    _import_shim()
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature,
    )
    from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter, LambdaFilter
    from datatrove.pipeline.formatters import FTFYFormatter, PIIFormatter, SymbolLinesFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter, ParquetWriter
    from datatrove.utils.hashing import HashConfig

    lang = args.lang
    base = Path(args.work) / "B" / lang
    a_out = str(Path(args.work) / "A" / "out" / lang)
    thr_dir, mh, final = base / "thr", base / "minhash", base / "out"
    mh_cfg = MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8, hash_config=HashConfig(precision=64, hash_fc="xxhash"))

    def step(name, pipeline, tasks=1):
        logs = base / "logs" / name
        ex = LocalPipelineExecutor(pipeline, tasks=tasks, workers=1, logging_dir=str(logs))
        out["steps"][name] = _run_executor(ex, logs)

    step("lid_threshold", [
        JsonlReader(a_out),
        LambdaFilter(_lid_threshold_filter(cfg["language_score"])),
        JsonlWriter(str(thr_dir), output_filename="${rank}.jsonl.gz"),
    ])
    if not any(thr_dir.glob("*.jsonl.gz")):
        out["status"] = "all_below_lid_threshold"
        out["kept_ids"] = []
        return
    step("minhash_1_signatures", [JsonlReader(str(thr_dir)), MinhashDedupSignature(str(mh / "sigs"), config=mh_cfg, language=code)])
    step("minhash_2_buckets", [MinhashDedupBuckets(str(mh / "sigs"), str(mh / "buckets"), config=mh_cfg)], tasks=mh_cfg.num_buckets)
    step("minhash_3_cluster", [MinhashDedupCluster(str(mh / "buckets"), str(mh / "remove_ids"), config=mh_cfg, save_cluster_size=True)])
    top_n = tuple(tuple(x) for x in cfg["top_n_grams"])
    dup_n = tuple(tuple(x) for x in cfg["dup_n_grams"])
    step("minhash_4_filter_and_filters", [
        JsonlReader(str(thr_dir)),
        MinhashDedupFilter(str(mh / "remove_ids"), load_cluster_sizes=True),
        GopherRepetitionFilter(
            language=code, dup_line_frac=cfg["dup_line_frac"], dup_para_frac=0, dup_line_char_frac=0,
            dup_para_char_frac=0, top_n_grams=top_n, dup_n_grams=dup_n,
        ),
        FineWebQualityFilter(
            language=code, short_line_thr=999, char_duplicates_ratio=0.1,
            line_punct_thr=cfg["line_punct_thr"], new_line_ratio=cfg["new_line_ratio"],
        ),
        GopherQualityFilter(
            language=code, min_avg_word_length=cfg["min_avg_word_length"], max_avg_word_length=cfg["max_avg_word_length"],
            max_non_alpha_words_ratio=cfg["max_non_alpha_words_ratio"], stop_words=cfg["stopwords"], min_stop_words=2,
        ),
        FTFYFormatter(),
        PIIFormatter(),
        SymbolLinesFormatter(symbols_to_remove=["|"], replace_char="\n"),
        ParquetWriter(str(final), output_filename="${rank}.parquet", adapter=fw2_adapter, schema=_parquet_schema()),
    ])
    # outside the timed steps: collect final ids
    import pyarrow.parquet as pq

    ids = []
    for f in sorted(final.rglob("*.parquet")):
        ids += pq.read_table(f, columns=["id"]).column("id").to_pylist()
    out["kept_ids"] = ids
    bad = {k: v["incomplete_ranks"] for k, v in out["steps"].items() if v["incomplete_ranks"]}
    out["status"] = "failed_ranks" if bad else "ok"


# --------------------------------------------------------------------------------------------------
# orchestration


def _child(cmd: list[str], log: Path, env: dict) -> dict:
    """Run a stage process; CPU from wait4 rusage (its reaped descendants included)."""
    w0 = time.perf_counter()
    with open(log, "wb") as lf:
        p = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, env=env)
        _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"rc": p.returncode, "wall_s": round(time.perf_counter() - w0, 4), "cpu_s": round(ru.ru_utime + ru.ru_stime, 4),
            "maxrss_mb": round(ru.ru_maxrss / 1024, 1)}


def _docs(blocks: list[dict], name_part: str, key: str) -> int | None:
    for b in blocks:
        if name_part.lower() in (b["name"] or "").lower():
            return b["stats"].get(key, 0)  # a block that saw no document has no counters
    return None


def _short(name: str) -> str:
    """'🔻 - FILTER: 😈 Url-filter' -> 'filter Url-filter'"""
    import re

    kind, _, rest = (name or "?").partition(":")
    kind = re.sub(r"[^A-Za-z]", "", kind).lower()
    rest = re.sub(r"[^\x20-\x7e]", "", rest).strip()
    return f"{kind} {rest}".strip()


def _stage_seconds(a_proc: dict, a_res: dict, per_lang: dict) -> dict:
    """Flat CPU-second breakdown that sums to the stage processes' CPU: datatrove block times (wall inside
    the block, = CPU on a pinned core; Trafilatura's includes its sandbox child) plus the remainders."""
    out: dict[str, float] = {}

    def add(k, v):
        out[k] = out.get(k, 0.0) + v

    def scaled(run: dict) -> list[tuple[str, float]]:
        # block times are wall; on a shared pinned core the process only ran cpu/wall of the time
        f = min(1.0, run["cpu_s"] / run["wall_s"]) if run.get("wall_s") else 1.0
        return [(_short(b["name"]), b["time_s"] * f) for b in run.get("blocks", [])]

    a_blocks = scaled(a_res) if a_res else []
    for n, v in a_blocks:
        add("A " + n, v)
    add("A other (imports, executor, sandbox start, URL-list extraction)", a_proc["cpu_s"] - sum(v for _, v in a_blocks))
    for res in per_lang.values():
        steps = res.get("steps", {})
        for sname, s in steps.items():
            bl = scaled(s)
            for n, v in bl:
                add("B " + n, v)
            add("B other in executor runs", s["cpu_s"] - sum(v for _, v in bl))
        add("B per-language process overhead (python, imports, id collection)",
            res["process"]["cpu_s"] - sum(s["cpu_s"] for s in steps.values()))
    return {k: round(v, 3) for k, v in sorted(out.items(), key=lambda kv: -kv[1])}


def orchestrate(args) -> dict:
    work = Path(args.work)
    if work.exists() and not args.keep:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    me = [sys.executable, str(Path(__file__).resolve())]
    common = ["--input", args.input, "--work", str(work), "--lid-model", args.lid_model, "--workers", str(args.workers)]
    w0, c0 = time.perf_counter(), _cpu_now()

    a_proc = _child(me + common + ["--_stage", "a"], work / "A.log", env)
    a_res = json.loads((work / "A" / "result.json").read_text()) if (work / "A" / "result.json").exists() else {}
    summary: dict = {"input": args.input, "work": str(work), "workers": args.workers, "hf_home": os.environ.get("HF_HOME")}
    try:
        import datatrove
        import trafilatura

        summary["versions"] = {"datatrove": datatrove.__version__ if hasattr(datatrove, "__version__") else "0.10.1",
                               "trafilatura": trafilatura.__version__}
    except Exception:
        pass
    summary["stage_a"] = {"process": a_proc, **a_res}
    if a_proc["rc"] != 0:
        summary["error"] = f"stage A failed, see {work / 'A.log'}"
        return summary
    blocks = a_res["blocks"]
    langs = sorted(p.name for p in (work / "A" / "out").iterdir() if p.is_dir())
    lang_counts = {}
    for lg in langs:
        n = 0
        import gzip

        for f in (work / "A" / "out" / lg).glob("*.jsonl.gz"):
            with gzip.open(f, "rb") as fh:
                n += sum(1 for _ in fh)
        lang_counts[lg] = n
    summary["stage_a"]["docs"] = {
        "warc_records": _docs(blocks, "warc", "documents"),
        "after_url_filter": _docs(blocks, "url", "forwarded"),
        "after_trafilatura": _docs(blocks, "trafilatura", "forwarded"),
        "after_lid": _docs(blocks, "language", "forwarded"),
        "by_ft176_label": dict(sorted(lang_counts.items(), key=lambda kv: -kv[1])),
    }

    skipped, todo = {}, []
    for lg in langs:
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

    for lg, res in per_lang.items():
        if res.get("status") in ("tokenizer_unavailable", "process_failed", "error"):
            skipped[lg] = res.get("error") or f"stage B process rc={res['process']['rc']}, see {work / 'B' / lg / 'process.log'}"
        st = res.get("steps", {})
        thr = st.get("lid_threshold", {}).get("blocks", [])
        mh4 = st.get("minhash_4_filter_and_filters", {}).get("blocks", [])
        res["docs"] = {
            "in": lang_counts.get(lg),
            "after_lid_threshold": _docs(thr, "lambda", "forwarded"),
            "after_minhash": _docs(mh4, "minhash", "forwarded"),
            "after_gopher_repetition": _docs(mh4, "repetition", "forwarded"),
            "after_fineweb_quality": _docs(mh4, "fineweb", "forwarded"),
            "after_gopher_quality": _docs(mh4, "gopher quality", "forwarded"),
            "final": len(res.get("kept_ids", [])),
        }

    # aggregate CPU per stage: executor-step CPU (os.times) and datatrove block times summed over languages
    step_cpu: dict[str, float] = {"stage_a": a_res.get("cpu_s", 0.0)}
    block_s: dict[str, float] = {}
    for b in blocks:
        block_s["A: " + b["name"]] = block_s.get("A: " + b["name"], 0.0) + b["time_s"]
    for res in per_lang.values():
        for sname, s in res.get("steps", {}).items():
            step_cpu["B: " + sname] = step_cpu.get("B: " + sname, 0.0) + s["cpu_s"]
            for b in s["blocks"]:
                block_s["B: " + b["name"]] = block_s.get("B: " + b["name"], 0.0) + b["time_s"]
    summary["stage_seconds"] = _stage_seconds(a_proc, a_res, per_lang)
    child_cpu = a_proc["cpu_s"] + sum(r["process"]["cpu_s"] for r in per_lang.values())
    b_cpu = sum(r["process"]["cpu_s"] for r in per_lang.values())
    summary["stage_b_process_cpu_s"] = round(b_cpu, 3)
    summary["stage_cpu_s"] = {k: round(v, 3) for k, v in step_cpu.items()}
    summary["stage_cpu_s"]["B: process overhead (imports, tokenizer load, id collection)"] = round(
        b_cpu - sum(v for k, v in step_cpu.items() if k.startswith("B: ")), 3)
    summary["block_seconds"] = {k: round(v, 3) for k, v in sorted(block_s.items(), key=lambda kv: -kv[1])}
    summary["languages"] = per_lang
    summary["skipped_languages"] = skipped
    summary["docs"] = {
        "warc_records": summary["stage_a"]["docs"]["warc_records"],
        "after_stage_a": sum(lang_counts.values()),
        "after_lid_threshold": sum((r["docs"]["after_lid_threshold"] or 0) for r in per_lang.values()),
        "after_minhash": sum((r["docs"]["after_minhash"] or 0) for r in per_lang.values()),
        "final": sum(r["docs"]["final"] for r in per_lang.values()),
    }
    summary["kept_ids"] = {lg: r.get("kept_ids", []) for lg, r in per_lang.items()}
    summary["total"] = {
        "wall_s": round(time.perf_counter() - w0, 3),
        # os.wait4 reaped the stage processes, so children_user/system already include them
        "cpu_s": round(_cpu_now() - c0, 3),
        "stage_processes_cpu_s": round(child_cpu, 3),
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
        res = stage_a(args)
        (Path(args.work) / "A" / "result.json").write_text(json.dumps(res, indent=1))
        return
    if args._stage == "b":
        res = stage_b(args)
        (Path(args.work) / "B" / args.lang / "result.json").write_text(json.dumps(res, indent=1))
        return
    summary = orchestrate(args)
    text = json.dumps(summary, indent=1)
    (Path(args.work) / "summary.json").write_text(text)
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
