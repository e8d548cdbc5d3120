import statistics
from pathlib import Path

import pytest
import yaml
from datatrove.pipeline.filters.gopher_quality_filter import STOP_WORDS as DATATROVE_EN_STOP_WORDS

from filters.config import (
    CONFIG_DIR,
    CONFIG_KEYS,
    LanguageConfig,
    available_languages,
    load_language_config,
)


def test_all_fineweb2_configs_are_bundled_with_licence():
    langs = available_languages()
    assert len(langs) == 1929
    assert "eng_Latn" not in langs
    assert (CONFIG_DIR / "NOTICE.md").read_text().count("d0defb24f193bb9a5a11b8b14524a03c4858e1b6") == 1
    assert "Apache License" in (CONFIG_DIR / "LICENSE-fineweb-2-Apache-2.0.txt").read_text()


def test_every_bundled_config_loads_with_the_ten_keys():
    for lang in available_languages():
        cfg = load_language_config(lang)
        assert isinstance(cfg, LanguageConfig) and not cfg.is_fallback and cfg.source == "fineweb2"
        assert [n for n, _ in cfg.top_n_grams] == [2, 3, 4]
        assert [n for n, _ in cfg.dup_n_grams] == [5, 6, 7, 8, 9, 10]
        assert cfg.stopwords and all(isinstance(w, str) for w in cfg.stopwords)
        assert cfg.min_stop_words == 2


def test_german_values_match_the_yaml():
    cfg = load_language_config("deu_Latn")
    raw = yaml.safe_load((CONFIG_DIR / "deu_Latn.yml").read_text(encoding="utf-8"))
    assert set(raw) == CONFIG_KEYS
    assert cfg.dup_line_frac == raw["dup_line_frac"] == 0.263
    assert cfg.line_punct_thr == 0.0 and cfg.min_avg_word_length == 0
    assert cfg.top_n_grams == tuple((n, t) for n, t in raw["top_n_grams"])
    assert "für" in cfg.stopwords and "und" in cfg.stopwords
    assert cfg.language_score == 0.821


def test_config_is_cached_and_frozen():
    cfg = load_language_config("fra_Latn")
    assert load_language_config("fra_Latn") is cfg
    with pytest.raises(AttributeError):
        cfg.dup_line_frac = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    "bad",
    ["../../etc_Latn", "deu", "de_Latn", "DEU_Latn", "deu_latn", "deu_LATN", "deu_Latn\n", "deu_Latn/x", "", " deu_Latn"],
)
def test_malformed_codes_raise_before_touching_the_filesystem(bad):
    with pytest.raises(ValueError):
        load_language_config(bad)


def test_fallback_for_unknown_language_has_no_stop_word_check_and_median_thresholds():
    cfg = load_language_config("xyz_Latn")
    assert cfg.is_fallback and cfg.source == "fallback_median" and cfg.lang_script == "xyz_Latn"
    assert cfg.stopwords == () and cfg.min_stop_words == 0
    assert not set(cfg.stopwords) & set(DATATROVE_EN_STOP_WORDS)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raws = [yaml.load(p.read_text(encoding="utf-8"), Loader=loader) for p in sorted(Path(CONFIG_DIR).glob("*.yml"))]
    assert cfg.dup_line_frac == statistics.median(r["dup_line_frac"] for r in raws)
    assert cfg.new_line_ratio == statistics.median(r["new_line_ratio"] for r in raws)
    assert cfg.max_non_alpha_words_ratio == statistics.median(r["max_non_alpha_words_ratio"] for r in raws)
    assert cfg.top_n_grams[0] == (2, statistics.median(dict(r["top_n_grams"])[2] for r in raws))
    assert cfg.dup_n_grams[-1] == (10, statistics.median(dict(r["dup_n_grams"])[10] for r in raws))
    # another unknown code shares the thresholds but keeps its own name
    other = load_language_config("und_Kana")
    assert other.is_fallback and other.lang_script == "und_Kana" and other.dup_line_frac == cfg.dup_line_frac


def test_english_uses_fineweb_defaults_not_the_fallback():
    cfg = load_language_config("eng_Latn")
    assert not cfg.is_fallback and cfg.source == "fineweb_english"
    assert set(cfg.stopwords) == set(DATATROVE_EN_STOP_WORDS) and cfg.min_stop_words == 2
    assert cfg.dup_line_frac == 0.3 and cfg.line_punct_thr == 0.12 and cfg.new_line_ratio == 0.3
