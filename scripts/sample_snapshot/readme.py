"""``README.md`` of the sample: its layout, the MANIFEST fields, the counts by kind and language,
and the pitfalls a user of the sample should know.  Written from the verified manifest, so the
numbers in it are the sample's."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from .config import SNAPSHOT
from .manifest import no_text_html


def write_readme(sample: Path, manifest, per_shard, per_shard_types):
    kinds = Counter(e["kind"] for e in manifest)
    langs = defaultdict(Counter)
    for e in manifest:
        langs[e["lang"] or "(none)"][e["kind"]] += 1
    size = sum(p.stat().st_size for p in (sample / SNAPSHOT).iterdir())
    L = ["# curate bundled sample: CC-MAIN-SAMPLE", "",
         "A small Common Crawl-style snapshot for tests, demos and `curate` runs without network.",
         "Built by `python scripts/build_sample_snapshot.py` (deterministic: a rebuild gives the",
         "same bytes; it needs the project's shared data directory, `--shared` or",
         "`$CURATE_SHARED_DATA`, default `/work/shared/data`). Sources and licences: `NOTICE.md`.", "",
         "## Layout", "",
         f"* `{SNAPSHOT}/{SNAPSHOT}-0000{{0..3}}.warc.gz`: WARC/1.0, one gzip member per record, "
         f"{size / 1e6:.1f} MB in all. Each shard starts with a `warcinfo` record; shard 0 also carries the "
         "original CC-MAIN-2020-34 `warcinfo`. Real CC captures keep their `request` and `metadata` "
         "records, and a few synthetic captures have them too: readers must skip them.",
         f"* `{SNAPSHOT}/warc.paths.gz`: the shard file names, one a line, relative to the directory "
         "holding `warc.paths.gz` (Common Crawl's listing is relative to its bucket root).",
         "* `MANIFEST.jsonl`: one line per `response` record, the ground truth for tests.", "",
         "| shard | responses | all records |", "|---|---|---|"]
    for name in sorted(per_shard_types):
        L.append(f"| {name} | {per_shard[name]} | {sum(per_shard_types[name].values())} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(per_shard_types[name].items()))}) |")
    L += ["", "## MANIFEST.jsonl fields", "",
          "* `url`, `shard`, `offset` (byte offset of the record's gzip member), `record_id`, `content_type` (HTTP).",
          "* `kind`: `real_cc` (copied CC record), `truncated` (clipped real record: the last record of shard 3, "
          "its gzip member is cut off), `real_page` (trafilatura test page), `lingua` (article page built from "
          "real sentences), `exact_dup`, `near_dup`, `junk`, `blocked_url`, `non_html`, `bad_charset`, `empty_body`.",
          "* `lang`: the page's language as a FineWeb2 code, where known (set by hand for the CC records; "
          "for trafilatura pages, the index label when lid.176 on the extracted text agrees with p >= 0.7, "
          "plus a few set by hand); `null` when unknown or mixed.",
          "* `dup_group`: same id for an original (`kind` `lingua`) and its copies. `exact-N`: identical bytes "
          "at other domains; `near-N`: other boilerplate and ~4% of the article words changed (one span).",
          "* `expected_reason`: for `junk`, the first FineWeb2 filter reason (GopherRepetition -> FineWebQuality "
          "-> GopherQuality, datatrove 0.10.1 names, FineWeb2 thresholds of `lang`); for `blocked_url`, "
          "datatrove URLFilter's reason `domain`. `null` otherwise: `lingua`, `exact_dup`, `near_dup` and "
          "`bad_charset` pages pass all three filters.",
          "* `observed`: what the build measured on this snapshot, with trafilatura 2.3.1 "
          "(`favor_precision=True, include_comments=False, deduplicate=True`, caches reset per page, raw bytes in), "
          "fastText lid.176.ftz on the text with newlines as spaces, and the FineWeb2 filters when `lang` has a "
          "config: `extracted_chars`, `lid176`, `lid176_prob`, `fw2_filters` (`pass` or the first reason), "
          "`url_blocklisted` (registered domain or host in datatrove's block list), and for near duplicates "
          "`shingle_jaccard` (word 5-grams after datatrove's `simplify_text` and the language's tokenizer) and "
          "`changed_word_frac`. These are measurements, not specifications.",
          "* Others: `source`, `copy_of`, `junk` (how the page was made), `declared_charset`/`actual_charset`, "
          "`index_lid176`, `html_lang_attr`.", "",
          "## Counts", "", "| kind | responses |", "|---|---|"]
    for k, v in sorted(kinds.items()):
        L.append(f"| {k} | {v} |")
    L += ["", "| lang | responses | by kind |", "|---|---|---|"]
    for lang, c in sorted(langs.items(), key=lambda x: (-sum(x[1].values()), x[0])):
        L.append(f"| {lang} | {sum(c.values())} | {', '.join(f'{k} {v}' for k, v in sorted(c.items()))} |")
    empty = no_text_html(manifest)
    L += ["", "## Things to know", "",
          "* trafilatura's `deduplicate=True` uses a process-wide LRU cache: segments over 100 characters seen "
          "more than twice are dropped, also across documents. Extract exact duplicates in one process without "
          "`trafilatura.meta.reset_caches()` and the later copies lose text. The build resets the cache per page.",
          "* The lingua sentence files are sorted alphabetically, so pages take sentences in a fixed shuffled "
          "order (no sentence is used twice) and skip sentences with digits; the pages are not coherent articles.",
          "* Two CC pages (077678u.info, 096355.com) are GBK without any declared charset; `bad_charset` declares "
          "iso-8859-1 in HTTP for a UTF-8 Russian body with no `<meta charset>`.",
          f"* HTML responses where trafilatura extracted nothing: {', '.join(empty)}.",
          "* Real pages whose domain is on datatrove's URL block list (`observed.url_blocklisted`): "
          + (", ".join(e["url"] for e in manifest if e["kind"] != "blocked_url" and e["observed"]["url_blocklisted"])
             or "none") + ".",
          ""]
    (sample / "README.md").write_text("\n".join(L), encoding="utf-8")
