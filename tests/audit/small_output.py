"""A small real pipeline output (the released layout and schemas) holding real texts, for review-page
tests and scripts/audit_screenshots.py.

Texts come from the repository's fixtures: lingua-rs test sentences grouped into pseudo-documents
(tests/calibrate/data/lingua_*.jsonl) and the invented library story (tests/filters/data/*_article.txt).
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pyarrow as pa

from curate.store import storage
from curate.store.schema import OUTPUT_SCHEMA, REMOVED_SCHEMA

TESTS = Path(__file__).resolve().parents[1]
LINGUA = {"fra_Latn": "fr", "deu_Latn": "de", "arb_Arab": "ar", "cmn_Hani": "zh", "rus_Cyrl": "ru"}
ARTICLE = {"deu_Latn": "deu_Latn_article.txt", "cmn_Hani": "cmn_Hani_article.txt"}
TLD = {"fra_Latn": "fr", "deu_Latn": "de", "arb_Arab": "eg", "cmn_Hani": "cn", "rus_Cyrl": "ru"}
REASONS = ("gopher_short_doc", "gopher_below_alpha_threshold", "gopher_enough_stop_words")


def texts(lang: str) -> list[str]:
    """Real documents of ``lang`` (a few hundred to ~2,000 characters each)."""
    path = TESTS / "calibrate" / "data" / f"lingua_{LINGUA[lang]}.jsonl"
    docs = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if lang in ARTICLE:
        docs.insert(0, (TESTS / "filters" / "data" / ARTICLE[lang]).read_text(encoding="utf-8").strip())
    return docs


def _row(lang: str, n: int, text: str, url: str | None = None) -> dict:
    rid = uuid.uuid5(uuid.NAMESPACE_URL, f"{lang}/{n}/{text[:40]}")
    return {
        "text": text, "id": f"<urn:uuid:{rid}>", "dump": "CC-MAIN-2024-10",
        "url": url or f"https://www.journal-{n % 7}.example.{TLD[lang]}/{2024 - n % 3}/article-{n}.html",
        "date": f"2024-02-{1 + n % 28:02d}T0{n % 10}:12:45Z",
        "file_path": f"s3://commoncrawl/crawl-data/CC-MAIN-2024-10/segments/1707947473{n:03d}.3/warc/"
                     f"CC-MAIN-20240220211055-20240221001055-{n:05d}.warc.gz",
        "language": lang.split("_")[0], "language_score": 0.97, "language_script": lang.split("_")[1],
        "minhash_cluster_size": 1, "top_langs": json.dumps({f"{lang}_score": 0.97}), "warc_record_offset": 1000 * n,
    }


def write_output(root: str | Path, lang: str, kept: list[str], removed: list[str]) -> str:
    """An output folder with ``kept`` under data/{lang}/ and ``removed`` under data/{lang}_removed/
    (their filter reasons in turn from REASONS); returns its path."""
    root = str(root)
    rows = [_row(lang, n, t) for n, t in enumerate(kept)]
    storage.write_parquet(storage.join(root, "data", lang, "train", "000_00000.parquet"),
                          pa.Table.from_pylist(rows, schema=OUTPUT_SCHEMA))
    if removed:
        rows = [dict(_row(lang, 1000 + n, t), filter_reason=REASONS[n % len(REASONS)]) for n, t in enumerate(removed)]
        storage.write_parquet(storage.join(root, "data", f"{lang}_removed", "train", "000_00000.parquet"),
                              pa.Table.from_pylist(rows, schema=REMOVED_SCHEMA))
    return root
