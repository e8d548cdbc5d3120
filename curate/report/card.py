"""The dataset card (README.md with Hub YAML front matter), rendered from a run's stats.json."""
from __future__ import annotations

import importlib.metadata
import json

import yaml

from curate.config import PipelineConfig
from curate.report import card_diff, plots, rehydrate
from curate.store.counters import STAGES, Counters

CITATION = """@misc{penedo2025fineweb2pipelinescale,
  title={FineWeb2: One Pipeline to Scale Them All -- Adapting Pre-Training Data Processing to Every Language},
  author={Guilherme Penedo and Hynek Kydlíček and Vinko Sabolčec and Bettina Messmer and Negar Foroutan and Amir Hossein Kargaran and Colin Raffel and Martin Jaggi and Leandro Von Werra and Thomas Wolf},
  year={2025}, eprint={2506.20920}, archivePrefix={arXiv}, primaryClass={cs.CL}
}"""


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
                        (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
                        (10_000_000_000, "1B<n<10B"), (100_000_000_000, "10B<n<100B"), (10**12, "100B<n<1T")):
        if n < limit:
            return name
    return "n>1T"


def subsets(stats: dict) -> dict[str, dict[str, str]]:
    """{config name: {split: data_files glob}} from the files the run wrote (not from counts)."""
    out: dict[str, dict[str, str]] = {}
    for f in stats["files"]:
        parts = f.split("/")  # data/{subset}/{split}/NNN.parquet
        if len(parts) == 4 and parts[0] == "data":
            out.setdefault(parts[1], {})[parts[2]] = f"data/{parts[1]}/{parts[2]}/*.parquet"
    return {k: dict(sorted(v.items(), key=lambda kv: kv[0] != "train")) for k, v in sorted(out.items())}


def front_matter(stats: dict) -> dict:
    langs = stats["languages"]
    configs = [{"config_name": name, "data_files": [{"split": sp, "path": glob} for sp, glob in splits.items()]}
               for name, splits in subsets(stats).items()]
    total = sum(s["train_docs"] + s["test_docs"] for s in langs.values())
    return {
        "license": "odc-by",
        "language": sorted({l.split("_")[0] for l in langs}),
        "size_categories": [_size_category(total)],
        "task_categories": ["text-generation"],
        "pretty_name": "curate FineWeb2-style multilingual web corpus",
        "tags": ["arxiv:2506.20920"],
        "configs": configs,
    }


def _n(x: float) -> str:
    return f"{x:,}"


def _languages_section(stats: dict) -> list[str]:
    langs = stats["languages"]
    lines = ["## Languages and subsets", "",
             f"{len(langs)} languages. Every subset `{{lang_Script}}` has a `train` split (and a `test` split for languages "
             "large enough), and `{lang_Script}_removed` holds what the LID threshold and the quality filters removed, "
             "with `filter_reason`. *Share removed* is removed / (kept + removed); duplicates are counted apart.", "",
             "| subset | docs (train) | docs (test) | words | UTF-8 bytes | removed docs | share removed | duplicates | LID threshold |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for lang, s in sorted(langs.items(), key=lambda kv: (-(kv[1]["train_docs"] + kv[1]["test_docs"]), kv[0])):
        kept, removed = s["train_docs"] + s["test_docs"], s["removed_docs"]
        share = removed / (kept + removed) if kept + removed else 0.0
        thr = s.get("lid_threshold")
        lines.append(f"| {lang} | {_n(s['train_docs'])} | {_n(s['test_docs'])} | {_n(s['train_words'] + s['test_words'])} | "
                     f"{_n(s['train_bytes'] + s['test_bytes'])} | {_n(removed)} | {share:.1%} | {_n(s['docs_duplicates'])} | "
                     f"{'' if thr is None else f'{thr:g}'} |")
    t = {k: sum(s[k] for s in langs.values()) for k in ("train_docs", "test_docs", "train_words", "test_words",
                                                          "train_bytes", "test_bytes", "removed_docs", "docs_duplicates")}
    lines.append(f"| **total** | {_n(t['train_docs'])} | {_n(t['test_docs'])} | {_n(t['train_words'] + t['test_words'])} | "
                 f"{_n(t['train_bytes'] + t['test_bytes'])} | {_n(t['removed_docs'])} | | {_n(t['docs_duplicates'])} | |")
    return lines + ["", "![Documents per language, log scale](card_languages.png)", ""]


def _load_section(stats: dict, repo_id: str | None) -> list[str]:
    langs = stats["languages"]
    some = min(langs, key=lambda l: (-langs[l]["train_docs"], l)) if langs else "fra_Latn"
    repo = repo_id or "ORG/NAME"
    return ["## How to load", "",
            "With `datasets` (one config per subset):", "", "```python", "from datasets import load_dataset",
            f'ds = load_dataset("{repo}", name="{some}", split="train")',
            f'removed = load_dataset("{repo}", name="{some}_removed", split="train")  # with filter_reason',
            f'local = load_dataset("parquet", data_dir="data/{some}", split="train")  # from this folder', "```", "",
            "Only the files of some languages, with `huggingface_hub`:", "", "```python",
            "from huggingface_hub import snapshot_download",
            f'folder = snapshot_download("{repo}", repo_type="dataset", allow_patterns=["data/{some}/*"])', "```", "",
            "With `pyarrow`:", "", "```python", "import pyarrow.dataset as pads",
            f'table = pads.dataset("data/{some}/train", format="parquet").to_table()', "```", ""]


def _processing_section(cfg: PipelineConfig, stats: dict) -> list[str]:
    return ["## Processing steps", "",
            f"Configuration hash `{stats['config_hash']}` (the same hash means the same parameters). Parameters:", "",
            "```yaml", yaml.safe_dump(stats["config"], sort_keys=True).rstrip(), "```", "",
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
            f"8. Test split: documents whose content hash falls in the lowest min({cfg.test_fraction:.0%}, "
            f"{cfg.test_max_docs:,} docs) of the language.", ""]


def _funnel_section(stats: dict) -> list[str]:
    c = Counters.from_rows(stats["counters"])
    lines = ["## Filtering funnel", "", "![Documents continuing after each stage](card_funnel.png)", "",
             "| stage | documents continuing | removed (top reasons) |", "|---|---:|---|"]
    for stage in STAGES[:-1]:
        kept = c.total(stage, reason="kept") + (c.total(stage, reason="kept_too_short_to_hash") if stage == "dedup" else 0)
        merged: dict[str, int] = {}
        for (s, _l, r), n in c.c.items():
            if s == stage and not r.startswith("kept"):
                merged[r] = merged.get(r, 0) + n
        top = ", ".join(f"{r}: {_n(n)}" for r, n in sorted(merged.items(), key=lambda x: (-x[1], x[0]))[:5])
        lines.append(f"| {stage} | {_n(kept)} | {top} |")
    return lines + ["", "![Documents removed by each filter](card_filter_reasons.png)", ""]


def _dedup_section(stats: dict) -> list[str]:
    rows = plots.cluster_buckets(plots.pooled_cluster_sizes(stats))
    lines = ["## Deduplication", "",
             "MinHash clusters per language; each kept document is its cluster's representative and carries "
             "`minhash_cluster_size`. Filter outcome of the representatives by cluster size (all languages):", "",
             "| cluster size | representatives | kept by filters | removed by filters | removal rate |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {b} | {_n(k + r)} | {_n(k)} | {_n(r)} | {r / (k + r):.1%} |" for b, k, r in rows]
    lines += ["", "![Cluster-size histogram and removal rate per size](card_cluster_sizes.png)", "",
              "| subset | hash partitions | propagation rounds | documents in clusters |", "|---|---:|---:|---:|"]
    lines += [f"| {l} | {d['partitions']} | {d['rounds']} | {_n(d['clustered_docs'])} |" for l, d in sorted(stats["dedup"].items())]
    return lines + [""]


def _rehydration_section(stats: dict, max_reps: int, max_rows: int = 50) -> list[str]:
    ws = rehydrate.all_weights(stats, max_reps)
    n_data = sum(v["method"] == "data" for v in ws.values())
    lines = ["## Rehydration weights", "",
             "FineWeb2 upsamples kept documents by their cluster size when training (\"rehydration\"): sizes the filters "
             "removed less often than the language's global rate get more copies, up to `max_reps` for the least-filtered "
             "size. Weights are `{min_cluster_size: total copies}`, computed from this run's own filter outcome per "
             f"cluster size (FineWeb2's method; {n_data} of {len(ws)} languages) or, for languages with fewer than "
             f"{rehydrate.MIN_DOCS:,} documents, FineWeb2's simple table {rehydrate.SIMPLE_WEIGHTS} capped at `max_reps`. "
             f"Tables for 3..10 reps: `{WEIGHTS_FILE}`. Upsample without re-running anything:", "",
             "```bash", f"curate rehydrate OUTPUT --max-reps {max_reps} [--out DIR | --weights-column]", "```", "",
             f"| subset | method | weights (up to {max_reps} reps) | documents | after rehydration |", "|---|---|---|---:|---:|"]
    rows = sorted(ws.items(), key=lambda kv: (-kv[1]["docs"], kv[0]))
    for lang, v in rows[:max_rows]:
        w = ", ".join(f"{s}: {c}" for s, c in v["weights"].items())
        lines.append(f"| {lang} | {v['method']} | {{{w}}} | {_n(v['docs'])} | {_n(v['rehydrated_docs'])} |")
    if len(rows) > max_rows:
        lines += ["", f"{len(rows) - max_rows} smaller languages: see `{WEIGHTS_FILE}`."]
    return lines + [""]


# Pairs that language identifiers are known to confuse (closely related languages or shared scripts).
CONFUSABLE = (("bos", "hrv", "srp", "cnr"), ("ind", "zsm", "msa"), ("nob", "nno", "dan"), ("cmn", "yue", "wuu", "zho"),
              ("fas", "pes", "prs"), ("hin", "mar", "nep", "urd"), ("ces", "slk"), ("glg", "por"), ("cat", "spa", "oci"),
              ("rus", "ukr", "bel"), ("arb", "ary", "arz", "apc"), ("swh", "swc"), ("tur", "aze"))


def _measured_confusions(kind: str | None, langs: set[str], top: int = 8) -> list[str]:
    """Gold -> predicted pairs measured for the bundled lid.176 (langid/data/confusions_lid176.json)."""
    if kind != "lid176":
        return []
    import json
    from importlib import resources

    try:
        data = json.loads(resources.files("langid").joinpath("data/confusions_lid176.json").read_text())
    except (OSError, ValueError):
        return []
    pairs = [p for p in data["granularities"]["sentences"]["pairs"] if p["gold"] in langs or p["predicted"] in langs]
    pairs.sort(key=lambda p: -p["rate"])
    return [f"{p['gold']} -> {p['predicted']} {p['rate']:.1%}" for p in pairs[:top]]


def _lid_section(stats: dict) -> list[str]:
    m = stats.get("lid_model") or {}
    langs = stats["languages"]
    codes = {l.split("_")[0] for l in langs}
    groups = [g for g in CONFUSABLE if len(codes & set(g)) >= 1 and len(set(g)) > 1]
    present = [", ".join(sorted(l for l in langs if l.split("_")[0] in g)) for g in groups]
    lines = ["## Language-ID caveats", "",
             f"- Model: `{m.get('spec', '?')}` ({m.get('name', '?')}, {m.get('kind', '?')}). "
             + ("FineWeb2's per-language thresholds apply (calibrated on GlotLID)." if m.get("kind") == "glotlid" else
                "FineWeb2's per-language thresholds are calibrated on GlotLID scores, so one threshold applies to every "
                "language; lid.176 also knows far fewer languages than GlotLID (176 against about 2,000), so text in other "
                "languages is attributed to a related one it knows."),
             "- Closely related languages are the usual confusions; in this run: "
             + ("; ".join(f"{{{', '.join(g)}}} -> {p}" for g, p in zip(groups, present)) or "none of the known groups") + ".",
             "- Each document keeps `language_score` and `top_langs` (every label above 0.01), to re-filter by confidence."]
    measured = _measured_confusions(m.get("kind"), set(langs))
    if measured:
        lines.append("- Measured confusions of this model on the lingua/Leipzig development set (sentences), for "
                     "the languages of this run: " + "; ".join(measured) + " (`curate eval-lid`, `docs/langid.md`).")
    try:
        from filters.precision import filtered_languages

        pf = sorted(set(filtered_languages()) & set(langs))
    except Exception:  # langid data not installed: say nothing rather than guess
        pf = None
    if pf is not None:
        used = any("precision_wordlist" in s["filter_reasons"] for s in langs.values())
        lines.append(f"- Precision filtering (FineWeb2's wordlists for languages with more than 10% contamination): "
                     f"{', '.join(pf) or 'no language of this run is on the list'}"
                     + ("" if not pf else "; removals counted as `precision_wordlist`" if used else
                        "; no `precision_wordlist` removal recorded in this run") + ".")
    return lines + [""]


def _pct(s: dict) -> str:
    return "–" if not s["n"] else f"{s['share']:.0%} [{s['ci95'][0]:.0%}, {s['ci95'][1]:.0%}]"


def _audit_section(stats: dict) -> list[str]:
    """`curate audit ingest`'s figures: what people who read each language found (docs/audit.md)."""
    a = stats.get("audits")
    if not a or not a.get("languages"):
        return []
    bar = a.get("min_precision")
    kind = (stats.get("lid_model") or {}).get("kind")
    lines = ["## Audits", "",
             "Reviewers who read the language labelled a random sample of kept and removed documents "
             "(labels of Kreutzer et al., 2022; blind to the pipeline's decision). Precision is the share of their "
             "judgements of kept documents labelled *correct language, good text*, in language adds boilerplate and "
             "too-short text; intervals are 95% Wilson intervals. A filter's false-positive rate is the share of its "
             "removed documents labelled *correct language, good text*."
             + (f" Languages below a precision of {bar:.0%} are flagged (kept in the dataset)." if bar is not None else ""),
             "", "![Precision of kept documents per audited language](card_audits.png)", "",
             "| language | reviewers | kept judged | precision | in language | false positives of the filters (removed judged) "
             "| agreement (Cohen's κ) | |",
             "|---|---:|---:|---|---|---|---|---|"]
    confusions = []
    for lang, d in sorted(a["languages"].items()):
        fp = "; ".join(f"{r}: {_pct(v['false_positive'])} ({v['false_positive']['n']})" for r, v in d["removed"].items())
        kappa = ", ".join(f"{p['kappa']:.2f} ({p['items']} items)" if p["kappa"] is not None else f"– ({p['items']} items)"
                          for p in d["agreement"])
        lines.append(f"| {lang} | {len(d['reviewers'])} | {d['kept']['precision']['n']} | {_pct(d['kept']['precision'])} "
                     f"| {_pct(d['kept']['in_language'])} | {fp or '–'} | {kappa or '–'} | {'**flagged**' if d['flagged'] else ''} |")
        if d["reported_languages"]:
            measured = _measured_confusions(kind, {lang})
            confusions.append(f"- {lang}: reviewers say " + ", ".join(f"{k} ({n})" for k, n in d["reported_languages"].items())
                              + ("; eval-lid measured " + "; ".join(measured) if measured else ""))
    if confusions:
        lines += ["", "Language-ID confusions reported by reviewers (\"wrong language: this is actually X\"), next to those "
                  "`curate eval-lid` measured for this model:", "", *confusions]
    return lines + [""]


def _rule_text(rule: str | None, model: str | None) -> str:
    if not rule:
        return "scores only: every document is kept and carries its scores"
    if rule.startswith("top:"):
        return f"keep the top {rule[4:]}% of each language by `{model}` (exact over the whole language; ties by document key)"
    return f"keep documents with `{model}` score >= {rule[4:]}"


def _quality_section(stats: dict) -> list[str]:
    """The quality step's models, rule and per-language outcome (quality/summary.json)."""
    q = stats.get("quality")
    if not q:
        return []
    lines = ["## Model-based quality", "",
             "Documents that survived deduplication and the heuristic filters were scored by these models; "
             "each score is a column `quality_<name>`. Documents the selection removed are in the `_removed` subset "
             "with `filter_reason = quality_model:<name>` and their scores, so the cut can be redone.", "",
             "| model | kind | source | head | sha256 |", "|---|---|---|---|---|"]
    for m in q["models"]:
        demo = " (**demonstration model**, trained by the project on its bundled data; not for real use)" if m.get("demo") else ""
        lines.append(f"| {m['name']}{demo} | {m['kind']} | `{m['source']}` | {('`' + m['head'] + '`') if m.get('head') else '–'} "
                     f"| `{m.get('sha256') or '?'}` |")
    sel = q["select"]
    lines += ["", f"Selection: {_rule_text(sel['rule'], sel['model'])}. Quality step hash `{q['hash']}`.", "",
              "![Score distribution per language](card_quality.png)", "",
              "| language | scored | kept | kept % | words kept | cutoff |", "|---|---:|---:|---:|---:|---:|"]
    for lang, d in sorted(q["languages"].items()):
        share = f"{d['kept'] / d['scored']:.1%}" if d["scored"] else "–"
        cut = d.get("cutoff")
        lines.append(f"| {lang} | {d['scored']:,} | {d['kept']:,} | {share} | {d['kept_words']:,} "
                     f"| {'–' if cut is None else f'{cut:.4g}'} |")
    return lines + [""]


def _provenance_section(stats: dict) -> list[str]:
    sh = stats["shards"]
    try:
        version = importlib.metadata.version("curate")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return ["## Provenance", "",
            f"- Input: {stats['snapshot'] or stats['input']}; shards: {sh['total']} listed, {sh['committed']} processed, "
            f"{len(sh['failed'])} failed" + (": " + ", ".join(sh["failed"]) if sh["failed"] else "") + ".",
            f"- Pipeline: curate {version}, configuration hash `{stats['config_hash']}`.",
            "- Every document carries `file_path` (its WARC shard) and `warc_record_offset` (byte offset of its record).", ""]


def render_card(cfg: PipelineConfig, stats: dict, previous: dict | None = None, repo_id: str | None = None,
                max_reps: int = 10, pictures: bool = False) -> str:
    """The card's text. `previous` is the summary of the run before (card_diff), for the changes section.
    Picture links only with `pictures=True`: `write_card` draws them next to the card, a bare render does not."""
    current = card_diff.summary(stats)
    lines = ["---", yaml.safe_dump(front_matter(stats), sort_keys=False, allow_unicode=True).rstrip(), "---", "",
             "# curate FineWeb2-style multilingual dataset", "",
             "## What is it?", "",
             f"Web text from Common Crawl ({stats['snapshot'] or stats['input']}) processed with `curate`, a re-implementation "
             "of the FineWeb2 pipeline (Penedo et al., 2025): trafilatura extraction, fastText language identification, "
             "per-language MinHash deduplication and FineWeb2's per-language quality filters. One subset per "
             "`language_Script`, plus a `_removed` subset with the documents the filters removed and why.", ""]
    if previous:
        lines += ["## Changes since the previous card", "", *card_diff.render(card_diff.diff(previous, current)), ""]
    lines += _languages_section(stats) + _load_section(stats, repo_id) + _processing_section(cfg, stats)
    lines += _funnel_section(stats) + _dedup_section(stats) + _rehydration_section(stats, max_reps)
    lines += _lid_section(stats) + _quality_section(stats) + _audit_section(stats) + _provenance_section(stats)
    lines += ["## Limitations and biases", "",
              "Language identification errs most on closely related languages and on short or mixed-language pages; "
              "thresholds calibrated for GlotLID do not transfer to other models. Heuristic filters remove some good "
              "documents and keep some bad ones, and remove more of some genres (lists, forums, code-heavy pages) than "
              "others. Web text carries the biases of the web: languages, regions and topics are represented as the "
              "crawl found them, not as their speakers would. PII removal is limited to e-mail and IP addresses.", "",
              "## License and citation", "",
              "The data is released under the Open Data Commons Attribution License (ODC-By) v1.0; use is also subject "
              "to Common Crawl's terms of use. Method: FineWeb2 (cite below).", "", "```bibtex", CITATION, "```", "",
              card_diff.embed(current, previous), ""]
    return "\n".join(l for l in lines if pictures or not l.startswith("!["))


WEIGHTS_FILE = "rehydration_weights.json"


def write_card(cfg: PipelineConfig, stats: dict, repo_id: str | None = None) -> str:
    """README.md, its pictures and the rehydration tables, next to each other in the output; returns the card's URI.
    The previous card (if any) is read first: its embedded summary is what the changes section compares with."""
    from curate.store import storage

    out = cfg.output
    card_uri = storage.join(out, "README.md")
    old = storage.read_text(card_uri) if storage.exists(card_uri) else None
    previous = card_diff.previous_summary(old, card_diff.summary(stats))
    plots.write_all(out, stats)
    tables = {f"up_to_{r:02d}_reps": {l: {str(s): c for s, c in v["weights"].items()}
                                      for l, v in rehydrate.all_weights(stats, r).items()} for r in range(3, 11)}
    tables["method"] = {l: v["method"] for l, v in rehydrate.all_weights(stats, 10).items()}
    storage.write_text(storage.join(out, WEIGHTS_FILE), json.dumps(tables, indent=1, sort_keys=True))
    storage.write_text(card_uri, render_card(cfg, stats, previous=previous, repo_id=repo_id, pictures=True))
    return card_uri


def main(argv: list[str] | None = None) -> int:
    """`curate card OUTPUT`: re-render README.md from the output's stats.json."""
    import argparse

    from curate.store import storage

    p = argparse.ArgumentParser(prog="curate card", description="re-render README.md, its pictures and the rehydration "
                                "tables from OUTPUT/stats.json")
    p.add_argument("output")
    p.add_argument("--repo-id", help="Hub repository the card's loading examples should name")
    a = p.parse_args(argv)
    stats = json.loads(storage.read_text(storage.join(a.output, "stats.json")))
    cfg = PipelineConfig.from_yaml(json.dumps(stats["config"]), output=a.output)
    print(write_card(cfg, stats, repo_id=a.repo_id))
    return 0
