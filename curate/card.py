"""The dataset card (README.md with Hub YAML front matter), rendered from a run's stats.json."""
from __future__ import annotations

import yaml

from curate.config import PipelineConfig
from curate.stats import STAGES, Counters

CITATION = """@misc{penedo2025fineweb2pipelinescale,
  title={FineWeb2: One Pipeline to Scale Them All -- Adapting Pre-Training Data Processing to Every Language},
  author={Guilherme Penedo and Hynek Kydlíček and Vinko Sabolčec and Bettina Messmer and Negar Foroutan and Amir Hossein Kargaran and Colin Raffel and Martin Jaggi and Leandro Von Werra and Thomas Wolf},
  year={2025}, eprint={2506.20920}, archivePrefix={arXiv}, primaryClass={cs.CL}
}"""


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
                        (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B")):
        if n < limit:
            return name
    return "1B<n<10B"


def front_matter(stats: dict) -> dict:
    configs = []
    langs = stats["languages"]
    for lang, s in sorted(langs.items()):
        if s["train_docs"] or s["test_docs"]:
            files = [{"split": "train", "path": f"data/{lang}/train/*.parquet"}] if s["train_docs"] else []
            if s["test_docs"]:
                files.append({"split": "test", "path": f"data/{lang}/test/*.parquet"})
            configs.append({"config_name": lang, "data_files": files})
        if s["removed_docs"]:
            configs.append({"config_name": f"{lang}_removed",
                            "data_files": [{"split": "train", "path": f"data/{lang}_removed/train/*.parquet"}]})
    total = sum(s["train_docs"] + s["test_docs"] for s in langs.values())
    return {
        "license": "odc-by",
        "language": sorted({l.split("_")[0] for l in langs}),
        "size_categories": [_size_category(total)],
        "task_categories": ["text-generation"],
        "pretty_name": "curate FineWeb2-style multilingual web corpus",
        "configs": configs,
    }


def render_card(cfg: PipelineConfig, stats: dict) -> str:
    fm = front_matter(stats)
    langs = stats["languages"]
    c = Counters.from_rows(stats["counters"])
    lines = ["---", yaml.safe_dump(fm, sort_keys=False, allow_unicode=True).rstrip(), "---", "",
             "# curate FineWeb2-style multilingual dataset", "",
             "## What is it?", "",
             f"Web text from Common Crawl ({stats['snapshot'] or stats['input']}) processed with `curate`, a re-implementation "
             "of the FineWeb2 pipeline (Penedo et al., 2025): trafilatura extraction, fastText language identification, "
             "per-language MinHash deduplication and FineWeb2's per-language quality filters. One subset per "
             "`language_Script`, plus a `_removed` subset with the documents the filters removed and why.", "",
             "## Languages and subsets", "",
             "| subset | docs (train) | docs (test) | words | UTF-8 bytes | removed docs | share removed | duplicates dropped |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for lang, s in sorted(langs.items(), key=lambda kv: -(kv[1]["train_docs"] + kv[1]["test_docs"])):
        kept = s["train_docs"] + s["test_docs"]
        removed = s["removed_docs"]
        share = removed / (kept + removed) if kept + removed else 0.0
        lines.append(f"| {lang} | {s['train_docs']} | {s['test_docs']} | {s['train_words'] + s['test_words']} | "
                     f"{s['train_bytes'] + s['test_bytes']} | {removed} | {share:.1%} | {s['docs_duplicates']} |")
    some = max(sorted(langs), key=lambda l: langs[l]["train_docs"], default="xxx_Scrp")
    lines += ["", "## How to load", "", "```python",
              "from datasets import load_dataset",
              f'ds = load_dataset("parquet", data_dir="data/{some}", split="train")',
              "# or, from the Hub: load_dataset(REPO_ID, name=\"" + some + "\", split=\"train\")",
              "", "import pyarrow.dataset as pads",
              f'table = pads.dataset("data/{some}/train", format="parquet").to_table()', "```", "",
              "## Processing steps", "",
              f"Configuration hash `{stats['config_hash']}`. Parameters:", "", "```yaml",
              yaml.safe_dump(stats["config"], sort_keys=True).rstrip(), "```", "",
              "1. WARC reading: HTML responses, decoded with the HTTP charset, then `<meta charset>`, then detection.",
              "2. URL filter: FineWeb block lists (datatrove 0.10.1 integrated lists).",
              f"3. Extraction: trafilatura (favor_precision={cfg.favor_precision}, include_comments={cfg.include_comments}, "
              f"deduplicate={cfg.deduplicate}), {cfg.extract_timeout_s:g} s limit per record.",
              f"4. Language ID: `{cfg.lid_model}`, labels normalised to ISO 639-3 + ISO 15924. Threshold: FineWeb2's "
              f"per-language `language_score` with GlotLID; {cfg.lid_threshold_non_glotlid} for every language with "
              "other models (FineWeb2's thresholds are calibrated on GlotLID scores). English (>= "
              f"{cfg.english_threshold}) is left to FineWeb, as in FineWeb2.",
              f"5. MinHash deduplication per language: {cfg.minhash.n_grams}-word shingles, {cfg.minhash.num_buckets} bands x "
              f"{cfg.minhash.hashes_per_bucket} rows, 64-bit xxhash; one representative per cluster (smallest document key) "
              "keeps `minhash_cluster_size`.",
              "6. Filters in FineWeb2's order with its per-language configs: Gopher repetition -> FineWeb quality -> Gopher quality.",
              "7. FTFY, e-mail and public IP anonymisation, `|`-line fix.",
              "8. Test split: documents whose content hash falls in the lowest min(1%, 100k docs) of the language.", "",
              "## Filtering funnel", "", "| stage | documents continuing | removed (top reasons) |", "|---|---:|---|"]
    for stage in STAGES[:-1]:
        kept = c.total(stage, reason="kept") + (c.total(stage, reason="kept_too_short_to_hash") if stage == "dedup" else 0)
        reasons = sorted(((r, n) for (s, _l, r), n in c.c.items() if s == stage and not r.startswith("kept")),
                         key=lambda x: -x[1])
        merged: dict[str, int] = {}
        for r, n in reasons:
            merged[r] = merged.get(r, 0) + n
        top = ", ".join(f"{r}: {n}" for r, n in sorted(merged.items(), key=lambda x: -x[1])[:5])
        lines.append(f"| {stage} | {kept} | {top} |")
    sh = stats["shards"]
    lines += ["", "## Deduplication", "",
              "| subset | hash partitions | propagation rounds | documents in clusters |", "|---|---:|---:|---:|"]
    lines += [f"| {l} | {d['partitions']} | {d['rounds']} | {d['clustered_docs']} |" for l, d in sorted(stats["dedup"].items())]
    lines += ["", "## Provenance", "",
              f"- Input: {stats['snapshot'] or stats['input']}; shards: {sh['total']} listed, {sh['committed']} processed, "
              f"{len(sh['failed'])} failed" + (": " + ", ".join(sh["failed"]) if sh["failed"] else "") + ".",
              "- Every document carries `file_path` (its WARC shard) and `warc_record_offset` (byte offset of its record).",
              "", "## Limitations and biases", "",
              "Language identification errs most on closely related languages and on short or mixed-language pages; "
              "thresholds calibrated for GlotLID do not transfer to other models. Heuristic filters remove some good "
              "documents and keep some bad ones. Web text carries the biases of the web; PII removal is limited to "
              "e-mail and IP addresses.", "",
              "## License and citation", "",
              "The data is released under the Open Data Commons Attribution License (ODC-By) v1.0; use is also subject "
              "to Common Crawl's terms of use.", "", "```bibtex", CITATION, "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """`curate card OUTPUT`: re-render README.md from the output's stats.json."""
    import argparse
    import json

    from curate import storage

    p = argparse.ArgumentParser(prog="curate card")
    p.add_argument("output")
    output = p.parse_args(argv).output
    stats = json.loads(storage.read_text(storage.join(output, "stats.json")))
    cfg = PipelineConfig.from_yaml(json.dumps(stats["config"]), output=output)
    storage.write_text(storage.join(output, "README.md"), render_card(cfg, stats))
    print(storage.join(output, "README.md"))
    return 0
