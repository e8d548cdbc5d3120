"""Stage 1, one call per WARC shard: read -> URL filter -> extract -> language ID -> LID
threshold -> quality verdict + MinHash bands, then one Parquet part per language.

Ray-free: the orchestrator runs `process_shard` as a task, tests call it directly. Heavy
resources (block lists, LID model, tokenizers, filters) are per-process caches in their modules,
so they load once per worker, not once per shard.
"""
from __future__ import annotations

import json
import os
import re
import time

import pyarrow as pa
import xxhash

from curate import patches
from curate.config import PipelineConfig
from curate.stages.extract import extract
from curate.store import storage
from curate.store.counters import Counters
from curate.store.schema import STAGED_SCHEMA

LID_BATCH = 256
_SHARD_ID_RE = re.compile(r"[^A-Za-z0-9._-]")


def shard_id(uri: str) -> str:
    """A stable, path-safe name for a shard: its file name plus a short hash of its full URI."""
    base = os.path.basename(uri).removesuffix(".gz").removesuffix(".warc").removesuffix(".wet")
    return f"{_SHARD_ID_RE.sub('_', base)[:120]}-{xxhash.xxh64_hexdigest(uri)[:8]}"


def work_dir(cfg: PipelineConfig) -> str:
    return storage.join(cfg.output, "_work")


def shard_marker(cfg: PipelineConfig, sid: str) -> str:
    # a prefix of their own: listing it finds every marker without listing the (many) parts
    return storage.join(work_dir(cfg), "markers", sid, "_SUCCESS.json")


def doc_key(record_id: str) -> int:
    return xxhash.xxh64_intdigest(record_id) & 0x7FFF_FFFF_FFFF_FFFF


class StageClock:
    """CPU seconds per stage inside a shard task (for progress, run.json and the benchmarks)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._stage, self._t = None, time.process_time()

    def __call__(self, stage: str) -> None:
        now = time.process_time()
        if self._stage:
            self.seconds[self._stage] = self.seconds.get(self._stage, 0.0) + now - self._t
        self._stage, self._t = stage, now


def process_shard(shard_uri: str, cfg: PipelineConfig) -> dict:
    """Process one shard and commit it; returns the commit marker's content."""
    from curate.stages.minhash import (
        doc_hashes,  # here, not at the top: the driver imports this module and needs no numba
    )
    from filters.lid_threshold import threshold_for
    from filters.precision import precision_filter
    from filters.quality import quality_filter
    from filters.tokenizers import word_tokenizer
    from filters.url import check_url
    from langid.model import load_model

    started = time.process_time()
    clock = StageClock()
    clock("setup")
    patches.install(not cfg.unoptimised)  # the speedups, or the libraries' own code (the benchmark's baseline)
    sid = shard_id(shard_uri)
    counters = Counters()
    docs: list[dict] = []
    with storage.open_read(shard_uri) as stream:
        from curate.store.warc import iter_records

        clock("read")
        for rec in iter_records(stream, lambda stage, reason: counters.add(stage, "", reason), cfg.max_html_bytes):
            counters.add("read", "", "kept")
            clock("url_filter")
            reason = check_url(rec.url)
            if reason:
                counters.add("url_filter", "", reason)
                continue
            counters.add("url_filter", "", "kept")
            clock("extract")
            if rec.is_text:
                text = rec.content
            else:
                text, reason = extract(rec.content, timeout_s=cfg.extract_timeout_s, favor_precision=cfg.favor_precision,
                                       include_comments=cfg.include_comments, deduplicate=cfg.deduplicate)
                if reason:
                    counters.add("extract", "", reason)
                    continue
            counters.add("extract", "", "kept")
            docs.append({"text": text, "id": rec.id, "url": rec.url, "date": rec.date, "warc_record_offset": rec.offset})
            clock("read")

    clock("langid")
    model = load_model(cfg.lid_model)
    rows_by_lang: dict[str, list[dict]] = {}
    for start in range(0, len(docs), LID_BATCH):
        batch = docs[start:start + LID_BATCH]
        for doc, res in zip(batch, model.predict([d["text"] for d in batch])):
            lang = f"{res.language}_{res.script}"
            if res.language == "und":
                counters.add("langid", lang, "undetermined")
                continue
            if lang == "eng_Latn" and not cfg.release_english and res.score >= cfg.english_threshold:
                counters.add("langid", lang, "english_left_to_fineweb")
                continue
            if cfg.languages and lang not in cfg.languages:
                counters.add("langid", lang, "language_not_selected")
                continue
            counters.add("langid", lang, "kept")
            doc.update(language=res.language, language_script=res.script, language_score=float(res.score),
                       top_langs=json.dumps(res.top_langs, sort_keys=True))
            rows_by_lang.setdefault(lang, []).append(doc)

    clock("write")
    parts, languages = {}, {}
    dump = cfg.snapshot
    for lang, rows in sorted(rows_by_lang.items()):
        clock("setup")  # first use of a language in this worker loads its tokenizer and filters
        threshold = threshold_for(lang, model.kind, default=cfg.lid_threshold_non_glotlid, filter_configs=cfg.filter_configs)
        tokenizer, tok_info = word_tokenizer(lang)
        qfilter = quality_filter(lang, cfg.filter_configs)
        pfilter = precision_filter(lang)  # None for languages FineWeb2 found clean enough
        languages[lang] = {"lid_threshold": threshold, "tokenizer": tok_info.used, "tokenizer_fallback": tok_info.fallback,
                           "filter_config": qfilter.config.source,
                           "precision_filter": pfilter is not None}
        clock("write")
        for doc in rows:
            doc.update(dump=dump, file_path=shard_uri, doc_key=doc_key(doc["id"]),
                       content_hash=xxhash.xxh64_intdigest(doc["text"]))
            clock("filters")
            doc["n_words"] = len(qfilter.words(doc["text"]))  # tokenizes once; the filters reuse it
            if doc["language_score"] < threshold:
                counters.add("lid_threshold", lang, "language_score")
                doc.update(filter_reason="language_score", minhash_bands=None)
                clock("write")
                continue
            counters.add("lid_threshold", lang, "kept")
            doc["filter_reason"] = qfilter.check(doc["text"])
            if doc["filter_reason"] is None and pfilter is not None:  # FineWeb2: after the quality filters
                doc["filter_reason"] = pfilter.check(doc["url"], doc["text"])
            clock("minhash")
            doc["minhash_bands"], doc["exact_hash"] = doc_hashes(doc["text"], tokenizer, cfg.minhash)
            clock("write")
        table = pa.Table.from_pylist(rows, schema=STAGED_SCHEMA)
        rel = f"shards/{sid}/{lang}.parquet"  # markers hold paths relative to the work dir: outputs can move
        storage.write_parquet(storage.join(work_dir(cfg), rel), table)
        parts[lang] = {"path": rel, "rows": table.num_rows}
    clock("")
    marker = {
        "shard": shard_uri,
        "shard_id": sid,
        "config_hash": cfg.config_hash,
        "parts": parts,
        "lid_model": {"spec": cfg.lid_model, "name": model.name, "kind": model.kind},
        "languages": languages,
        "counters": counters.to_rows(),
        "cpu_seconds": round(time.process_time() - started, 3),
        "stage_cpu_seconds": {k: round(v, 3) for k, v in sorted(clock.seconds.items())},
    }
    # the marker is written last: a shard without one is re-run from scratch
    storage.write_text(shard_marker(cfg, sid), json.dumps(marker, indent=1, sort_keys=True))
    return marker
