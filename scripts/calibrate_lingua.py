#!/usr/bin/env python
"""Dev-time check of ``curate calibrate`` on stand-in references (not used by the project at run time).

Two jobs, both reading the shared data directory (``/work/shared/data``, ``--shared`` to override)
only here:

``--build-fixtures``
    writes the small test fixtures of ``tests/calibrate/data/`` (see its README.md):
    ``eng_Latn_reference.jsonl`` (lingua-rs/Leipzig English sentences grouped into documents, as
    below), ``eng_Latn_cc.jsonl`` (trafilatura text of real English web pages from trafilatura's test
    set, extracted with the pipeline's settings) and ``lingua_{code}.jsonl`` for a few languages.

default
    for every language of ``lid_dev_lingua/`` with a FineWeb2 config: group its 1,000 web sentences
    into pseudo-documents, run ``curate calibrate`` (English reference = lingua ``en`` grouped the same
    way, English CC = all English pages of ``html_trafilatura``; the language's CC = its pages in
    ``html_trafilatura`` when there are >= 20 of them, else the reference itself), then compare
    each config with FineWeb2's shipped one. Writes ``--work`` (default /tmp/calibrate_lingua) and a
    Markdown summary table on stdout (pasted into docs/calibrate.md).

Pseudo-documents: consecutive sentences, document i has 8 + (i mod 9) sentences, paragraph j of a
document 1 + (j mod 4) sentences joined by a space, paragraphs joined by one newline. Leipzig
sentences are one per line and carry no document structure, so the line-based metrics
(line_punct_ratio, list_ratio, dup_line_frac) describe this construction, not the language.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "calibrate" / "data"
FIXTURE_LANGS = ("fr", "de", "ru", "zh", "ar", "th")  # lingua codes copied into test fixtures
FIXTURE_SENTENCES = 300


def group_sentences(sentences: list[str]) -> list[str]:
    """Pseudo-documents from consecutive sentences (see module docstring)."""
    docs, i, d = [], 0, 0
    while i < len(sentences):
        size = 8 + d % 9
        chunk = sentences[i : i + size]
        paras, j, p = [], 0, 0
        while j < len(chunk):
            k = 1 + p % 4
            paras.append(" ".join(chunk[j : j + k]))
            j, p = j + k, p + 1
        docs.append("\n".join(paras))
        i, d = i + size, d + 1
    return docs


def lingua_sentences(shared: Path, code: str, limit: int | None = None) -> list[str]:
    lines = (shared / "lid_dev_lingua" / code / "sentences.txt").read_text(encoding="utf-8").splitlines()
    lines = [s.strip() for s in lines if s.strip()]
    return lines[:limit] if limit else lines


def trafilatura_pages(shared: Path, lid_label: str) -> list[dict]:
    """Extracted text of the html_trafilatura pages lid.176 labels ``lid_label`` (pipeline settings)."""
    from curate.stages.extract import extract

    root = shared / "html_trafilatura"
    out = []
    for line in (root / "pages_index.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["lid176_label"] != lid_label:
            continue
        html = gzip.decompress((root / row["path"]).read_bytes()).decode("utf-8", errors="replace")
        text, _ = extract(html, timeout_s=10)
        if text:
            out.append({"text": text, "url": row["url"], "source": f"trafilatura:{row['orig_path']}"})
    return out


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def build_fixtures(shared: Path, n_cc_pages: int) -> None:
    en = group_sentences(lingua_sentences(shared, "en"))
    write_jsonl(FIXTURES / "eng_Latn_reference.jsonl", [{"text": t} for t in en])
    pages = sorted(trafilatura_pages(shared, "en"), key=lambda r: r["source"])
    # Keep pages of moderate size so the fixture stays small (a few hundred KB).
    pages = [p for p in pages if 300 <= len(p["text"]) <= 8000][:n_cc_pages]
    write_jsonl(FIXTURES / "eng_Latn_cc.jsonl", pages)
    for code in FIXTURE_LANGS:
        docs = group_sentences(lingua_sentences(shared, code, FIXTURE_SENTENCES))
        write_jsonl(FIXTURES / f"lingua_{code}.jsonl", [{"text": t} for t in docs])
    print(f"wrote {len(en)} English reference docs, {len(pages)} English CC pages, {len(FIXTURE_LANGS)} lingua files to {FIXTURES}")


def fineweb2_code(code: str, sample: str) -> str:
    from langid import normalise

    lang, script = normalise(code, sample)
    return f"{lang}_{script}"


def run_all(shared: Path, work: Path, langs: list[str] | None) -> int:
    from filters.calibrate import main as calibrate_main
    from filters.config import CONFIG_DIR

    work.mkdir(parents=True, exist_ok=True)
    en_ref = work / "eng_Latn_reference.jsonl"
    write_jsonl(en_ref, [{"text": t} for t in group_sentences(lingua_sentences(shared, "en"))])
    en_cc = work / "eng_Latn_cc.jsonl"
    if not en_cc.exists():
        write_jsonl(en_cc, trafilatura_pages(shared, "en"))
    index = [json.loads(x) for x in (shared / "html_trafilatura" / "pages_index.jsonl").read_text().splitlines()]
    page_counts: dict[str, int] = {}
    for row in index:
        page_counts[row["lid176_label"]] = page_counts.get(row["lid176_label"], 0) + 1
    codes = sorted(p.name for p in (shared / "lid_dev_lingua").iterdir() if p.is_dir())
    results = []
    for code in codes:
        if code == "en" or (langs and code not in langs):
            continue
        sents = lingua_sentences(shared, code)
        lang = fineweb2_code(code, " ".join(sents[:20]))
        if not (CONFIG_DIR / f"{lang}.yml").is_file():
            print(f"skip {code}: {lang} has no FineWeb2 config", file=sys.stderr)
            continue
        ref = work / f"{lang}_reference.jsonl"
        write_jsonl(ref, [{"text": t} for t in group_sentences(sents)])
        cc = ref
        cc_kind = "reference"
        if page_counts.get(code, 0) >= 20:
            cc = work / f"{lang}_cc.jsonl"
            if not cc.exists():
                write_jsonl(cc, trafilatura_pages(shared, code))
            cc_kind = f"{page_counts[code]} trafilatura pages"
        out = work / "configs"
        rc = calibrate_main(["--reference", str(ref), "--cc", str(cc), "--language", lang,
                             "--english-reference", str(en_ref), "--english-cc", str(en_cc),
                             "--out", str(out), "--report-dir", str(work / "reports"), "--quiet"])
        if rc != 0:
            print(f"calibrate failed for {lang} (rc={rc})", file=sys.stderr)
            continue
        report = json.loads((work / "reports" / f"{lang}.json").read_text())
        results.append((code, lang, cc_kind, report))
    print(summary_table(results))
    print()
    print(aggregate(results))
    with_cc = [r for r in results if r[2] != "reference"]
    if with_cc:
        print("\nlanguages with their own CC pages:\n")
        print(aggregate(with_cc))
    (work / "summary.json").write_text(json.dumps([{"code": c, "lang": l, "cc": k, "report": r} for c, l, k, r in results], indent=1))
    return 0


def summary_table(results) -> str:
    from filters.calibrate import compare_configs
    from filters.config import load_language_config

    keys = ["line_punct_thr", "new_line_ratio", "min_avg_word_length", "max_avg_word_length",
            "max_non_alpha_words_ratio", "dup_line_frac", "top_n_grams[2]", "dup_n_grams[5]"]
    head = "| lang | CC | " + " | ".join(keys) + " | stopwords (Jaccard) |"
    rows = [head, "|" + "---|" * (len(keys) + 3)]
    for code, lang, cc_kind, report in results:
        ours = report["config"]
        shipped = load_language_config(lang)
        diff = {d["key"]: d for d in compare_configs(ours, shipped)}
        cells = [f"{diff[k]['a']:g} / {diff[k]['b']:g}" for k in keys]
        rows.append(f"| {lang} | {cc_kind} | " + " | ".join(cells) + f" | {diff['stopwords']['jaccard']:.2f} |")
    return "\n".join(rows)


def aggregate(results) -> str:
    """Per key over all languages: median |relative drift| to the shipped value and the share of
    languages within 25% of it; stop words: mean Jaccard and mean share of shipped words found."""
    import statistics

    from filters.calibrate import compare_configs
    from filters.config import load_language_config

    per_key: dict[str, list[float]] = {}
    jac, found = [], []
    for _code, lang, _cc, report in results:
        for d in compare_configs(report["config"], load_language_config(lang)):
            if d["key"] == "stopwords":
                jac.append(d["jaccard"])
                found.append(len(d["common"]) / max(1, d["b"]))
            elif d["key"] != "language_score":
                per_key.setdefault(d["key"], []).append(abs(d["a"] - d["b"]) / abs(d["b"]) if d["b"] else float("inf"))
    lines = ["| key | languages | median abs. relative drift | within 25% of shipped |", "|---|---|---|---|"]
    for k, v in per_key.items():
        lines.append(f"| {k} | {len(v)} | {100 * statistics.median(v):.0f}% | {100 * sum(x <= 0.25 for x in v) / len(v):.0f}% |")
    lines.append(f"| stopwords | {len(jac)} | mean Jaccard {statistics.mean(jac):.2f} | shipped words found: {100 * statistics.mean(found):.0f}% |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", type=Path, default=Path("/work/shared/data"))
    p.add_argument("--build-fixtures", action="store_true")
    p.add_argument("--cc-pages", type=int, default=60, help="English CC pages in the fixture")
    p.add_argument("--work", type=Path, default=Path("/tmp/calibrate_lingua"))
    p.add_argument("--languages", nargs="*", help="lingua codes (default: all)")
    p.add_argument("--summarize", action="store_true", help="only re-print the tables from WORK/summary.json")
    a = p.parse_args(argv)
    if a.summarize:
        rows = [(r["code"], r["lang"], r["cc"], r["report"]) for r in json.loads((a.work / "summary.json").read_text())]
        print(summary_table(rows) + "\n\n" + aggregate(rows))
        with_cc = [r for r in rows if r[2] != "reference"]
        if with_cc:
            print("\nlanguages with their own CC pages:\n\n" + summary_table(with_cc) + "\n\n" + aggregate(with_cc))
        return 0
    if a.build_fixtures:
        build_fixtures(a.shared, a.cc_pages)
        return 0
    return run_all(a.shared, a.work, a.languages)


if __name__ == "__main__":
    sys.exit(main())
