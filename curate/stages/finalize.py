"""Stage 3, per (language, group of staged parts): run the quality filters on cluster
representatives (FineWeb2 filters after dedup, so duplicates cost no filter CPU), apply FineWeb2's
final touches to those kept, split test/train by content hash, write the subsets.

Output names are `{group:03d}_{n:05d}.parquet` (FineWeb2's pattern), deterministic for the
same input, so a re-run rewrites identical files.
"""
from __future__ import annotations

import time

import pyarrow as pa

from curate import patches
from curate.config import PipelineConfig
from curate.stages.dedup import load_clusters, read_staged_part
from curate.store import storage
from curate.store.counters import Counters
from curate.store.schema import OUTPUT_SCHEMA, REMOVED_SCHEMA

_U64 = float(1 << 64)


def test_cutoff(cfg: PipelineConfig, docs_before_filtering: int) -> int:
    """Content hashes below this go to the test split: min(1%, 100k docs) of the language."""
    if docs_before_filtering <= 0:
        return 0
    frac = min(cfg.test_fraction, cfg.test_max_docs / docs_before_filtering)
    return int(frac * _U64)


def finalize_group(lang: str, group: int, part_uris: list[str], cluster_uris: list[str],
                   cfg: PipelineConfig, docs_before_filtering: int) -> dict:
    from filters.formatters import finalize_text
    from filters.precision import precision_filter
    from filters.quality import quality_filter

    started = time.process_time()
    patches.install(not cfg.unoptimised, tuple(cfg.patches_off))  # ftfy's mojibake test among them
    qfilter = quality_filter(lang, cfg.filter_configs)
    pfilter = precision_filter(lang)  # None for languages FineWeb2 found clean enough
    filter_cpu = 0.0
    counters = Counters()
    cutoff = test_cutoff(cfg, docs_before_filtering)
    out: dict[str, list[dict]] = {"train": [], "test": [], "removed": []}
    for uri in part_uris:
        t = read_staged_part(uri)
        clusters = load_clusters(cluster_uris, t.column("doc_key").to_numpy())
        for row in t.to_pylist():
            reason = row.pop("filter_reason")
            bands = row.pop("minhash_bands")
            key = row.pop("doc_key")
            content_hash = row.pop("content_hash")
            if reason == "language_score":  # below the LID threshold: never deduplicated
                row.update(minhash_cluster_size=None, filter_reason=reason, n_words=len(qfilter.words(row["text"])))
                out["removed"].append(row)
                continue
            cluster_id, size = clusters.get(key, (key, 1))
            if cluster_id != key:
                counters.add("dedup", lang, "minhash_duplicate")
                continue
            counters.add("dedup", lang, "kept" if bands is not None else "kept_too_short_to_hash")
            row["minhash_cluster_size"] = size
            t0 = time.process_time()
            row["n_words"] = len(qfilter.words(row["text"]))  # tokenizes once; the filters reuse it
            reason = qfilter.check(row["text"])
            if reason is None and pfilter is not None:  # FineWeb2: after the quality filters
                reason = pfilter.check(row["url"], row["text"])
            filter_cpu += time.process_time() - t0
            counters.add("clusters", lang, f"size={size}:{'removed' if reason else 'kept'}")  # rehydration input
            if reason is not None:
                counters.add("filters", lang, reason)
                row["filter_reason"] = reason
                out["removed"].append(row)
                continue
            counters.add("filters", lang, "kept")
            split = "test" if content_hash < cutoff else "train"
            out[split].append(row)

    files = []
    for split, rows in out.items():
        if not rows:
            continue
        subset, schema, dir_split = (f"{lang}_removed", REMOVED_SCHEMA, "train") if split == "removed" else (lang, OUTPUT_SCHEMA, split)
        for row in rows:
            row["text"] = finalize_text(row["text"])
        for n, start in enumerate(range(0, len(rows), cfg.max_rows_per_file)):
            chunk = rows[start:start + cfg.max_rows_per_file]
            rel = f"data/{subset}/{dir_split}/{group:03d}_{n:05d}.parquet"  # relative to the output
            storage.write_parquet(storage.join(cfg.output, rel), pa.Table.from_pylist(chunk, schema=schema))
            files.append(rel)
        counters.add("output", lang, f"{split}_docs", len(rows))
        counters.add("output", lang, f"{split}_words", sum(r["n_words"] for r in rows))  # before the final touches
        counters.add("output", lang, f"{split}_bytes", sum(len(r["text"].encode()) for r in rows))
    return {"files": files, "counters": counters.to_rows(), "cpu_seconds": round(time.process_time() - started, 3),
            "filters_cpu_seconds": round(filter_cpu, 3)}
