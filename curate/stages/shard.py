"""Stage 1, one call per WARC shard: read -> URL filter -> extract -> language ID -> LID
threshold -> MinHash bands, then one Parquet part per language. The quality filters come after
dedup, in finalize (FineWeb2's order), so no filter CPU goes to documents dedup removes.

Ray-free: the orchestrator runs `process_shard` as a task, tests call it directly. Heavy
resources (block lists, LID model, tokenizers, filter configs) are per-process caches in their modules,
so they load once per worker, not once per shard.
"""
from __future__ import annotations

import contextlib
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
from curate.store.schema import STAGED_FORMAT, STAGED_SCHEMA

LID_BATCH = 256
FLUSH_ROWS = 2048  # documents buffered across a shard's languages before their row groups are written
_SHARD_ID_RE = re.compile(r"[^A-Za-z0-9._-]")


def shard_id(uri: str) -> str:
    """A stable, path-safe name for a shard: its file name plus a short hash of its full URI."""
    base = os.path.basename(uri).removesuffix(".gz").removesuffix(".warc").removesuffix(".wet")
    return f"{_SHARD_ID_RE.sub('_', base)[:120]}-{xxhash.xxh64_hexdigest(uri)[:8]}"


def part_path(sid: str, lang: str) -> str:
    """Where a shard's part of one language is staged, relative to the work dir (markers hold relative
    paths, so outputs can move)."""
    return f"shards/{sid}/{lang}.parquet"


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


class _Parts:
    """The shard's staged parts, one per language, written a row group at a time as documents come: a
    shard's memory holds at most `FLUSH_ROWS` documents, whatever its size. Parts appear only when the
    shard succeeds (every writer is atomic; on an error none of them is committed)."""

    def __init__(self, cfg: PipelineConfig, sid: str, stack: contextlib.ExitStack):
        self.cfg, self.sid, self.stack = cfg, sid, stack
        self.writers: dict[str, object] = {}
        self.rows: dict[str, int] = {}
        self.buffered: dict[str, list[dict]] = {}

    def add(self, lang: str, doc: dict) -> None:
        self.buffered.setdefault(lang, []).append(doc)
        if sum(map(len, self.buffered.values())) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for lang, rows in sorted(self.buffered.items()):
            if lang not in self.writers:
                uri = storage.join(work_dir(self.cfg), part_path(self.sid, lang))
                self.writers[lang] = self.stack.enter_context(storage.parquet_writer(uri, STAGED_SCHEMA))
            self.writers[lang].write_table(pa.Table.from_pylist(rows, schema=STAGED_SCHEMA))
            self.rows[lang] = self.rows.get(lang, 0) + len(rows)
        self.buffered = {}


def process_shard(shard_uri: str, cfg: PipelineConfig) -> dict:
    """Process one shard and commit it; returns the commit marker's content. Records stream through
    extraction, LID and MinHash in batches of `LID_BATCH`, so memory does not grow with the shard."""
    # here, not at the top: the driver imports this module and needs no numba
    from curate.stages.minhash import doc_hashes
    from filters.lid_threshold import threshold_for
    from filters.config import load_language_config
    from filters.precision import filters_language
    from filters.tokenizers import word_tokenizer
    from filters.url import check_url
    from langid.model import load_model

    started = time.process_time()
    clock = StageClock()
    clock("setup")
    patches.install(not cfg.unoptimised, tuple(cfg.patches_off))  # the speedups, or the libraries' own code (the benchmark's baseline)
    sid = shard_id(shard_uri)
    counters = Counters()
    model = load_model(cfg.lid_model)
    settings: dict[str, tuple] = {}  # per language: LID threshold, word tokenizer
    languages: dict[str, dict] = {}

    def language(lang: str) -> tuple:
        if lang not in settings:
            clock("setup")  # first use of a language in this worker loads its tokenizer and filter config
            threshold = threshold_for(lang, model.kind, default=cfg.lid_threshold_non_glotlid,
                                      filter_configs=cfg.filter_configs)
            tokenizer, tok_info = word_tokenizer(lang)
            # the filters themselves are built in finalize; the config is read here for the marker (a bad one fails early)
            filter_config = load_language_config(lang, cfg.filter_configs)
            settings[lang] = threshold, tokenizer
            languages[lang] = {"lid_threshold": threshold, "tokenizer": tok_info.used,
                               "tokenizer_fallback": tok_info.fallback, "filter_config": filter_config.source,
                               "precision_filter": filters_language(lang)}
        return settings[lang]

    def process(batch: list[dict], parts: _Parts) -> None:
        clock("langid")
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
            threshold, tokenizer = language(lang)
            clock("write")
            doc.update(language=res.language, language_script=res.script, language_score=float(res.score),
                       top_langs=json.dumps(res.top_langs, sort_keys=True), dump=cfg.snapshot, file_path=shard_uri,
                       doc_key=doc_key(doc["id"]), content_hash=xxhash.xxh64_intdigest(doc["text"]))
            # the quality filters run in finalize, on cluster representatives only (FineWeb2: dedup, then filter)
            if doc["language_score"] < threshold:
                counters.add("lid_threshold", lang, "language_score")
                doc.update(filter_reason="language_score", minhash_bands=None)
            else:
                counters.add("lid_threshold", lang, "kept")
                doc["filter_reason"] = None
                clock("minhash")
                doc["minhash_bands"], doc["exact_hash"] = doc_hashes(doc["text"], tokenizer, cfg.minhash)
            clock("write")
            parts.add(lang, doc)
        clock("read")

    with contextlib.ExitStack() as stack:
        parts = _Parts(cfg, sid, stack)
        batch: list[dict] = []
        with storage.open_read(shard_uri) as stream:
            from curate.store.warc import iter_records

            clock("read")
            for rec in iter_records(stream, lambda stage, reason: counters.add(stage, "", reason), cfg.max_html_bytes):
                counters.add("read", "", "kept")
                clock("url_filter")
                reason = check_url(rec.url)
                if reason:
                    counters.add("url_filter", "", reason)
                    clock("read")
                    continue
                counters.add("url_filter", "", "kept")
                clock("extract")
                if rec.is_text:
                    text = rec.content
                else:
                    text, reason = extract(rec.content, timeout_s=cfg.extract_timeout_s,
                                           favor_precision=cfg.favor_precision, include_comments=cfg.include_comments,
                                           deduplicate=cfg.deduplicate)
                    if reason:
                        counters.add("extract", "", reason)
                        clock("read")
                        continue
                counters.add("extract", "", "kept")
                batch.append({"text": text, "id": rec.id, "url": rec.url, "date": rec.date,
                              "warc_record_offset": rec.offset})
                if len(batch) >= LID_BATCH:
                    process(batch, parts)
                    batch = []
                clock("read")
        process(batch, parts)
        clock("write")
        parts.flush()
    # every part is closed and in place (ExitStack): only now the marker
    clock("")
    marker = {
        "shard": shard_uri,
        "shard_id": sid,
        "config_hash": cfg.config_hash,
        "staged_format": STAGED_FORMAT,
        "parts": {lang: {"path": part_path(sid, lang), "rows": n} for lang, n in sorted(parts.rows.items())},
        "lid_model": {"spec": cfg.lid_model, "name": model.name, "kind": model.kind},
        "languages": dict(sorted(languages.items())),
        "counters": counters.to_rows(),
        "cpu_seconds": round(time.process_time() - started, 3),
        "stage_cpu_seconds": {k: round(v, 3) for k, v in sorted(clock.seconds.items())},
    }
    # the marker is written last: a shard without one is re-run from scratch
    storage.write_text(shard_marker(cfg, sid), json.dumps(marker, indent=1, sort_keys=True))
    return marker
