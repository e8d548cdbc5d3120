"""The datatrove reference's stage B for one language (one process per language, see datatrove_fineweb2.py).

One LocalPipelineExecutor per step, as FineWeb2's fineweb-2-pipeline.py does it:
    lid_threshold  JsonlReader -> LambdaFilter(language_score >= config.language_score) -> JsonlWriter
    minhash_1..3   signatures / buckets (14 tasks) / cluster (save_cluster_size=True)
    minhash_4_filter_and_filters
                   JsonlReader -> MinhashDedupFilter(load_cluster_sizes=True) -> GopherRepetition
                   -> FineWebQuality -> GopherQuality -> FTFY -> PII -> SymbolLines(["|"], "\\n") -> ParquetWriter
"""
from __future__ import annotations

from pathlib import Path

from datatrove_blocks import fw2_adapter, fw2_code, load_config, parquet_schema, run_executor
from datatrove_minhash import fineweb2_config, minhash


def stage_b(args) -> dict:
    """Run every step for `args.lang`; the result's "status" says how it ended (the error, if any)."""
    lang, code = args.lang, fw2_code(args.lang)
    cfg, cfg_src = load_config(code)
    out: dict = {"lang": lang, "code": code, "config": cfg_src, "lid_threshold": cfg["language_score"], "steps": {}}
    # No tokenizer probe up front: loading it here would leave a loaded (un-deep-copyable, e.g. jieba)
    # tokenizer in datatrove's lru_cache and add a second model load. A missing tokenizer package
    # raises ImportError at block construction or on the first document; it is caught and reported.
    try:
        _steps(args, code, cfg, out)
    except ImportError as e:
        out["status"] = "tokenizer_unavailable"
        out["error"] = f"{type(e).__name__}: {e}"[:300]
    except Exception as e:
        out["status"] = "error"
        out["error"] = f"{type(e).__name__}: {e}"[:300]
    return out


def _lid_threshold_filter(threshold: float):
    def keep(doc) -> bool:
        return doc.metadata["language_score"] >= threshold

    return keep


def _steps(args, code: str, cfg: dict, out: dict) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import (
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
        LambdaFilter,
    )
    from datatrove.pipeline.formatters import FTFYFormatter, PIIFormatter, SymbolLinesFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter, ParquetWriter

    mhm = minhash()
    lang = args.lang
    base = Path(args.work) / "B" / lang
    a_out = str(Path(args.work) / "A" / "out" / lang)
    thr_dir, mh, final = base / "thr", base / "minhash", base / "out"
    mh_cfg = fineweb2_config()

    def step(name, pipeline, tasks=1):
        logs = base / "logs" / name
        ex = LocalPipelineExecutor(pipeline, tasks=tasks, workers=1, logging_dir=str(logs))
        out["steps"][name] = run_executor(ex, logs)

    step("lid_threshold", [
        JsonlReader(a_out),
        LambdaFilter(_lid_threshold_filter(cfg["language_score"])),
        JsonlWriter(str(thr_dir), output_filename="${rank}.jsonl.gz"),
    ])
    if not any(thr_dir.glob("*.jsonl.gz")):
        out["status"] = "all_below_lid_threshold"
        out["kept_ids"] = []
        return
    step("minhash_1_signatures", [JsonlReader(str(thr_dir)), mhm.MinhashDedupSignature(str(mh / "sigs"), config=mh_cfg, language=code)])
    step("minhash_2_buckets", [mhm.MinhashDedupBuckets(str(mh / "sigs"), str(mh / "buckets"), config=mh_cfg)], tasks=mh_cfg.num_buckets)
    step("minhash_3_cluster", [mhm.MinhashDedupCluster(str(mh / "buckets"), str(mh / "remove_ids"), config=mh_cfg, save_cluster_size=True)])
    top_n = tuple(tuple(x) for x in cfg["top_n_grams"])
    dup_n = tuple(tuple(x) for x in cfg["dup_n_grams"])
    step("minhash_4_filter_and_filters", [
        JsonlReader(str(thr_dir)),
        mhm.MinhashDedupFilter(str(mh / "remove_ids"), load_cluster_sizes=True),
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
        ParquetWriter(str(final), output_filename="${rank}.parquet", adapter=fw2_adapter, schema=parquet_schema()),
    ])
    # outside the timed steps: collect final ids
    import pyarrow.parquet as pq

    ids = []
    for f in sorted(final.rglob("*.parquet")):
        ids += pq.read_table(f, columns=["id"]).column("id").to_pylist()
    out["kept_ids"] = ids
    bad = {k: v["incomplete_ranks"] for k, v in out["steps"].items() if v["incomplete_ranks"]}
    out["status"] = "failed_ranks" if bad else "ok"
