"""End to end on the bundled sample snapshot: the outcomes a user of the dataset cares about."""
import hashlib
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from filters.tokenizers import word_tokenizer
from tests.util import run_cli


def rows(out: Path, subset_glob="*"):
    result = []
    for f in sorted((out / "data").glob(f"{subset_glob}/*/*.parquet")):
        subset, split = f.parent.parent.name, f.parent.name
        for r in pq.read_table(f).to_pylist():
            result.append({**r, "_subset": subset, "_split": split})
    return result


def stats(out):
    return json.loads((out / "stats.json").read_text())


def test_prints_where_dataset_and_card_are(sample_run):
    out, proc, _ = sample_run
    assert str(out / "data") in proc.stderr and str(out / "README.md") in proc.stderr


def test_run_json_times_each_phase_of_the_run(sample_run):
    """run.json says where the wall time went: Ray's start, the shard stage, dedup, finalize, the card."""
    out, proc, _ = sample_run
    t = json.loads((out / "run.json").read_text())["timings"]
    phases = [t[k] for k in ("start_s", "shard_stage_s", "dedup_s", "finalize_s", "card_s")]
    assert all(p > 0 for p in phases)
    assert sum(phases) <= t["total_s"] < sum(phases) + 5  # the phases cover the run, in sequence
    assert f"done in {t['total_s']:.1f}s" in proc.stderr


def test_languages_found(sample_run):
    out, _, _ = sample_run
    langs = {l for l, s in stats(out)["languages"].items() if s["train_docs"] + s["test_docs"] > 0}
    assert len(langs) >= 20, sorted(langs)
    assert {"cmn_Hani", "jpn_Jpan", "tha_Thai", "arb_Arab", "hin_Deva", "rus_Cyrl", "deu_Latn"} <= langs
    assert all((out / "data" / l / "train").is_dir() or (out / "data" / l / "test").is_dir() for l in langs)


def test_planted_duplicates_collapse_to_one_document_with_cluster_size(sample_run, manifest):
    out, _, _ = sample_run
    all_rows = rows(out)
    groups = {}
    for m in manifest:
        if m.get("dup_group"):
            groups.setdefault(m["dup_group"], []).append(m["url"])
    assert len(groups) >= 8
    for group, urls in groups.items():
        survivors = [r for r in all_rows if r["url"] in urls]
        assert len(survivors) == 1, (group, [(r["url"], r["_subset"]) for r in survivors])
        assert survivors[0]["minhash_cluster_size"] == len(urls), group
    s = stats(out)
    dropped = sum(v["docs_duplicates"] for v in s["languages"].values())
    assert dropped >= sum(len(u) - 1 for u in groups.values())


def test_planted_junk_is_removed_with_its_reason(sample_run, manifest):
    out, _, _ = sample_run
    by_url = {r["url"]: r for r in rows(out)}
    junk = [m for m in manifest if m["kind"] == "junk"]
    assert len(junk) >= 6
    for m in junk:
        r = by_url.get(m["url"])
        assert r is not None, m["url"]
        assert r["_subset"] == f"{m['lang']}_removed" and r["filter_reason"] == m["expected_reason"], (m, r["_subset"], r.get("filter_reason"))


def test_bad_records_are_counted_with_a_reason(sample_run, manifest):
    out, _, _ = sample_run
    counters = {(c["stage"], c["reason"]): c["count"] for c in stats(out)["counters"] if not c["language"]}
    kinds = {m["kind"] for m in manifest}
    if "blocked_url" in kinds:
        assert any(stage == "url_filter" and reason != "kept" for stage, reason in counters)
    if "non_html" in kinds:
        assert counters.get(("read", "not_html"), 0) >= 1
    blocked = [m["url"] for m in manifest if m["kind"] == "blocked_url"]
    assert not {r["url"] for r in rows(out)} & set(blocked)


def test_cjk_and_thai_are_tokenized_into_words(sample_run):
    out, _, _ = sample_run
    s = stats(out)["languages"]
    for lang in ("cmn_Hani", "jpn_Jpan", "tha_Thai"):
        kept = s[lang]["train_docs"] + s[lang]["test_docs"]
        words = s[lang]["train_words"] + s[lang]["test_words"]
        # kept documents passed Gopher's >= 50 words: only possible with a real word segmenter
        assert kept >= 1 and words / kept >= 50, (lang, kept, words)
        text = next(r["text"] for r in rows(out, lang))
        n_words = len(word_tokenizer(lang)[0].word_tokenize(text))
        assert n_words >= 50 and n_words >= 2 * len(text.split()), (lang, n_words)  # whitespace sees far fewer


def test_aragonese_page_is_not_spanish_with_a_high_score(sample_run):
    out, _, _ = sample_run
    hits = [r for r in rows(out) if r["url"] == "https://an.wikipedia.org/wiki/Escopete"]
    assert hits, "the Aragonese page should reach the output (kept or removed)"
    for r in hits:
        assert not (r["language"] == "spa" and r["_subset"] == "spa_Latn"), r["language_score"]


def test_output_loads_with_datasets_and_card_configs_match_files(sample_run):
    import datasets
    from huggingface_hub import DatasetCard

    out, _, _ = sample_run
    ds = datasets.load_dataset("parquet", data_dir=str(out / "data" / "deu_Latn"), split="train")
    assert ds.num_rows == stats(out)["languages"]["deu_Latn"]["train_docs"]
    assert set(ds.column_names) >= {"text", "id", "dump", "url", "date", "file_path", "language", "language_score",
                                   "language_script", "minhash_cluster_size", "top_langs", "warc_record_offset"}
    card = DatasetCard.load(out / "README.md")
    configs = card.data.to_dict()["configs"]
    assert card.data.license == "odc-by"
    names = {c["config_name"] for c in configs}
    assert "deu_Latn" in names and any(n.endswith("_removed") for n in names)
    for c in configs:
        for f in c["data_files"]:
            assert list(out.glob(f["path"])), f["path"]
    removed = datasets.load_dataset("parquet", data_files=str(out / "data" / "deu_Latn_removed" / "train" / "*.parquet"), split="train")
    assert "filter_reason" in removed.column_names and all(removed["filter_reason"])


def digest(out: Path):
    files = sorted(p for p in (out / "data").rglob("*.parquet")) + [out / "stats.json", out / "README.md"]
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_rerun_after_deleting_a_shard_output_reproduces_identical_files(sample_run, tmp_path):
    out, _, cfg = sample_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    before = digest(copy)
    shard_dirs = sorted((copy / "_work" / "shards").iterdir())
    shutil.rmtree(shard_dirs[1])
    first_file = sorted((copy / "data").rglob("*.parquet"))[0]
    first_file.unlink()
    proc = run_cli("--output", str(copy), "--config", str(cfg))
    # committed parts are trusted by default: the run stops naming the missing part and the setting
    assert proc.returncode != 0 and "resume_verify_parts: true" in proc.stderr
    assert f"staged part {shard_dirs[1]}/" in proc.stderr
    verify = tmp_path / "verify.yaml"
    verify.write_text(cfg.read_text() + "resume_verify_parts: true\n")
    proc = run_cli("--output", str(copy), "--config", str(verify))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "already committed" in proc.stderr
    after = digest(copy)
    assert {f: h for f, h in after.items() if f.startswith("data/")} == {f: h for f, h in before.items() if f.startswith("data/")}
    first, again = (json.loads((o / "stats.json").read_text()) for o in (out, copy))
    # the only difference: the setting itself
    assert first["config"].pop("resume_verify_parts") is False and again["config"].pop("resume_verify_parts") is True
    assert again == first


def test_one_worker_gives_the_same_files_as_two(sample_run, tmp_path):
    out, _, cfg = sample_run
    one = tmp_path / "one"
    proc = run_cli("--output", str(one), "--config", str(cfg), "--num-cpus", "1")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert digest(one) == digest(out)


def test_card_names_the_model_and_its_measured_confusions(sample_run):
    out, _, _ = sample_run
    card = (out / "README.md").read_text()
    langs = set(stats(out)["languages"])
    line = next(l for l in card.splitlines() if l.startswith("- Measured confusions"))
    pairs = [p.strip() for p in line.split(": ", 1)[1].split(";")]
    assert pairs and all(p.split(" -> ")[0] in langs or p.split(" -> ")[1].split()[0] in langs for p in pairs[:-1])
    assert "`lid.176`" in card
