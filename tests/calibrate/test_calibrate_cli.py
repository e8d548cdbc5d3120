"""`curate calibrate` end to end on the fixtures: English by construction, configs the pipeline reads,
reference cleaning, LID threshold from a CC sample, Ray == in-process, --compare."""
import json
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

import filters.config as fconfig
from filters.calibrate import clean_reference, compare_configs, config_to_mapping, dump_config, lid_threshold, main, scan_corpus
from filters.config import ENGLISH_DEFAULTS, load_language_config
from filters.metrics import THRESHOLD_BY_KEY

from .conftest import DATA, read_docs

EN_REF, EN_CC = str(DATA / "eng_Latn_reference.jsonl"), str(DATA / "eng_Latn_cc.jsonl")
ENGLISH_ARGS = ["--english-reference", EN_REF, "--english-cc", EN_CC]


def calibrate(tmp_path, *args) -> tuple[dict, dict]:
    rc = main([*args, "--out", str(tmp_path), "--report-dir", str(tmp_path / "reports"), "--quiet"])
    assert rc == 0
    lang = args[args.index("--language") + 1]
    text = (tmp_path / f"{lang}.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text), json.loads((tmp_path / "reports" / f"{lang}.json").read_text(encoding="utf-8"))


def english_values(config: dict) -> dict:
    return {k: v for k, v in config.items() if k not in ("stopwords", "language_score")}


@pytest.mark.parametrize("method", ["quantile", "meanstd", "medianstd", "medianratio"])
def test_english_as_reference_and_target_gives_finewebs_english_thresholds(tmp_path, method):
    config, report = calibrate(tmp_path, "--reference", EN_REF, "--cc", EN_CC, "--language", "eng_Latn", *ENGLISH_ARGS,
                               "--method-fwq", f"ref-{method}", "--method-goq", f"ref-{method}", "--method-gor", f"cc-{method}")
    assert english_values(config) == english_values(config_to_mapping(ENGLISH_DEFAULTS))
    assert config["language_score"] == 0.65  # no scores in the English CC sample: FineWeb's value kept
    # The English distributions were really computed (not typed in): 85 reference docs, 60 CC pages
    assert report["inputs"]["english_reference_docs"] == 85 and report["inputs"]["english_cc_docs"] == 60
    row = next(r for r in report["thresholds"] if r["key"] == "max_non_alpha_words_ratio")
    assert 0 < row["english_removed"] < 0.2 and row["english_distribution"]["n"] == 85


def test_english_default_methods(tmp_path, en_ref):
    config, report = calibrate(tmp_path, "--reference", EN_REF, "--cc", EN_CC, "--language", "eng_Latn", *ENGLISH_ARGS)
    # Quantile (goq) and MeanStd (gor) return English's thresholds by construction ...
    for key in ("min_avg_word_length", "max_avg_word_length", "max_non_alpha_words_ratio", "dup_line_frac"):
        assert config[key] == getattr(ENGLISH_DEFAULTS, key)
    assert config["top_n_grams"] == [[2, 0.2], [3, 0.18], [4, 0.16]]
    # ... 10Tail (fwq) does not look at English: it removes 10% of the reference
    rows = {r["key"]: r for r in report["thresholds"]}
    for key in ("line_punct_thr", "new_line_ratio"):
        assert rows[key]["method"] == "ref-10tail"
        assert rows[key]["ref_removed"] <= 0.10 + 1 / 85
    # stop words from English word frequencies: Gopher's most frequent ones are found
    assert {"the", "of", "and", "to", "that", "with"} <= set(config["stopwords"])
    assert len(config["stopwords"]) >= 8 and "," not in config["stopwords"]


def test_french_config_loads_and_reports(tmp_path):
    ref = str(DATA / "lingua_fr.jsonl")
    config, report = calibrate(tmp_path, "--reference", ref, "--cc", ref, "--language", "fra_Latn", *ENGLISH_ARGS)
    text = (tmp_path / "fra_Latn.yml").read_text(encoding="utf-8")
    loaded = fconfig._read(tmp_path / "fra_Latn.yml")  # the loader the pipeline uses
    assert loaded.lang_script == "fra_Latn" and set(config) == fconfig.CONFIG_KEYS
    assert {"de", "la", "le", "et", "les", "des"} <= set(loaded.stopwords)
    assert "\\xE0" in text or "à" not in loaded.stopwords  # FineWeb2's YAML style: escaped non-ASCII
    rows = {r["key"]: r for r in report["thresholds"]}
    assert rows["stopwords"]["shipped"] == list(load_language_config("fra_Latn").stopwords)
    assert rows["line_punct_thr"]["shipped"] == 0.1 and "shipped" in report["whole_filter"]
    md = (tmp_path / "reports" / "fra_Latn.md").read_text(encoding="utf-8")
    assert "| new_line_ratio | ref-10tail |" in md and "whole filter chain" in md


def test_reference_cleaning_drops_other_scripts_and_english(en_ref):
    french = read_docs("lingua_fr.jsonl")
    russian = read_docs("lingua_ru.jsonl")[:5]
    kept, counts = clean_reference(french + russian + en_ref[:7], "fra_Latn")
    assert counts == {"kept": len(french), "other_script": 5, "english": 7, "empty": 0}
    assert kept == french
    kept_en, counts_en = clean_reference(en_ref[:7], "eng_Latn")  # English itself is not dropped
    assert counts_en["kept"] == 7


def test_language_without_config_and_lid_threshold_from_cc(tmp_path, monkeypatch):
    """A code FineWeb2 has no config for, CC as a pipeline-style Parquet with language columns and
    scores; the config written to the config folder is the one the pipeline then loads."""
    docs = read_docs("lingua_de.jsonl")
    rng = np.random.default_rng(0)
    scores = rng.uniform(0.5, 1.0, len(docs)).round(3).tolist()
    other = read_docs("lingua_fr.jsonl")[:5]
    assert not (fconfig.CONFIG_DIR / "gsx_Latn.yml").exists()  # no FineWeb2 config for this code
    table = pa.table({"text": docs + other, "language": ["gsx"] * len(docs) + ["fra"] * 5,
                      "language_script": ["Latn"] * (len(docs) + 5), "language_score": scores + [0.99] * 5})
    cc = tmp_path / "cc"
    cc.mkdir()
    pq.write_table(table, cc / "part-0.parquet")
    configs = tmp_path / "configs"
    config, report = calibrate(configs, "--reference", str(DATA / "lingua_de.jsonl"), "--cc", str(cc),
                               "--language", "gsx_Latn", *ENGLISH_ARGS)
    assert report["inputs"]["cc_docs"] == len(docs)  # the French rows are not this language
    assert config["language_score"] == round(lid_threshold(scores), 3)
    assert report["inputs"]["cc_docs_after_lid"] == sum(s >= config["language_score"] for s in scores)
    assert "shipped" not in report["whole_filter"]
    # the pipeline's loader picks it up from the config folder (--out filters/configs/ in real use)
    monkeypatch.setattr(fconfig, "CONFIG_DIR", configs)
    fconfig.load_language_config.cache_clear()
    try:
        cfg = fconfig.load_language_config("gsx_Latn")
        assert not cfg.is_fallback and cfg.language_score == config["language_score"]
        assert list(cfg.stopwords) == config["stopwords"]
    finally:
        fconfig.load_language_config.cache_clear()


def test_ray_tasks_give_the_same_metrics_as_in_process():
    ray = pytest.importorskip("ray")
    docs = read_docs("lingua_fr.jsonl")
    stops = {"shipped": load_language_config("fra_Latn").stopwords}
    local = scan_corpus(docs, "fra_Latn", stops, True, use_ray=False)
    try:
        remote = scan_corpus(docs, "fra_Latn", stops, True, use_ray=True, num_cpus=2, log=lambda *a: None)
    finally:
        ray.shutdown()
    for m, v in local.metrics.items():
        np.testing.assert_array_equal(v, remote.metrics[m])
    np.testing.assert_array_equal(local.stop_counts["shipped"], remote.stop_counts["shipped"])
    assert local.word_counts == remote.word_counts and remote.n_docs == len(docs)


def test_compare_shows_drift_per_key(tmp_path, capsys):
    a = tmp_path / "fra_Latn.yml"
    shipped = load_language_config("fra_Latn")
    a.write_text(dump_config(config_to_mapping(replace(shipped, new_line_ratio=0.37, stopwords=shipped.stopwords[:-1] + ("zzz",)))))
    rows = {r["key"]: r for r in compare_configs(str(a), "fra_Latn")}
    assert rows["new_line_ratio"]["diff"] == pytest.approx(0.37 - 0.185)
    assert rows["dup_line_frac"]["diff"] == 0
    assert rows["stopwords"]["only_a"] == ["zzz"] and rows["stopwords"]["only_b"] == ["au"]
    assert main(["--compare", str(a), "fra_Latn"]) == 0
    out = capsys.readouterr().out
    assert "| new_line_ratio | 0.37 | 0.185 | +0.185 | +100% |" in out
    assert set(THRESHOLD_BY_KEY) <= {line.split(" | ")[0].lstrip("| ") for line in out.splitlines() if line.startswith("| ")}


def test_errors_are_reported_not_raised(tmp_path, capsys):
    assert main(["--reference", EN_REF]) == 2
    assert main(["--reference", str(tmp_path / "missing.jsonl"), "--cc", EN_CC, "--language", "fra_Latn", "--quiet"]) == 2
    # MeanStd on CC needs an English CC sample
    assert main(["--reference", EN_REF, "--cc", EN_CC, "--language", "eng_Latn", "--english-reference", EN_REF,
                 "--out", str(tmp_path), "--quiet"]) == 2
    assert "--english-cc" in capsys.readouterr().err
