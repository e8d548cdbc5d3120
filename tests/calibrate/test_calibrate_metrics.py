"""filters.metrics computes what the filters check: metric vs threshold predicts quality_filter's decision."""
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

import filters.quality as quality
from filters.config import load_language_config
from filters.metrics import THRESHOLDS, decide, distinct_stop_words, document_metrics, words_of
from filters.quality import QualityFilter, quality_filter

from .conftest import LINGUA, read_docs


def variants(text: str) -> list[str]:
    """The text and derived texts that trip other checks (short, duplicated, list-like, symbols)."""
    words = text.split()
    return [
        text,
        text[:200],
        text + "\n" + text,
        "\n".join(words),
        "# " + text.replace(". ", "...\n"),
        "\n".join("- " + w for w in words[:80]),
        " ".join(words[:30] * 3),
        "",
        "  \n \n",
    ]


def corpus() -> list[tuple[str, str]]:
    docs = [("eng_Latn", t) for name in ("eng_Latn_reference.jsonl", "eng_Latn_cc.jsonl") for t in read_docs(name)[:40]]
    docs += [(lang, t) for code, lang in LINGUA.items() for t in read_docs(f"lingua_{code}.jsonl")[:12]]
    return [(lang, v) for lang, t in docs for v in variants(t)]


def predicted(text: str, lang: str, config) -> str | None:
    n_stop = distinct_stop_words(words_of(text, lang), config.stopwords)
    return decide(document_metrics(text, lang), config, n_stop)


def test_decide_on_metrics_equals_the_filter_on_shipped_configs():
    reasons = Counter()
    for lang, text in corpus():
        expected = quality_filter(lang).check(text)
        assert predicted(text, lang, quality_filter(lang).config) == expected, (lang, text[:80])
        reasons[expected] += 1
    # the comparison covers kept documents and many different reasons from all three filters
    assert reasons[None] > 50
    assert len(reasons) >= 10, reasons


def median_config(lang: str, docs: list[str]):
    """A config whose tuned thresholds sit at the median of each metric over ``docs``: about half of
    the documents are on each side of every threshold, so the decisions are as close as they get."""
    cfg = load_language_config(lang)
    metrics = [document_metrics(t, lang) for t in docs]
    med = {}
    for th in THRESHOLDS:
        vals = [m[th.metric] for m in metrics if th.metric in m and m[th.metric] is not None]
        if vals:
            med[th.key] = med[th.metric] = float(np.median(vals))
    top = tuple((n, med.get(f"top_n_grams[{n}]", t)) for n, t in cfg.top_n_grams)
    dup = tuple((n, med.get(f"dup_n_grams[{n}]", t) or 0.05) for n, t in cfg.dup_n_grams)
    return replace(cfg, dup_line_frac=med["dup_line_frac"] or 0.1, top_n_grams=top, dup_n_grams=dup,
                   line_punct_thr=med["line_punct_ratio"], new_line_ratio=med["list_ratio"],
                   min_avg_word_length=med["avg_word_length"] - 0.2, max_avg_word_length=med["avg_word_length"] + 0.2,
                   max_non_alpha_words_ratio=med["alpha_words_ratio"])


@pytest.mark.parametrize("lang,name", [("eng_Latn", "eng_Latn_cc.jsonl"), ("fra_Latn", "lingua_fr.jsonl"),
                                       ("cmn_Hani", "lingua_zh.jsonl"), ("tha_Thai", "lingua_th.jsonl")])
def test_thresholds_at_the_metric_medians_predict_the_filter(monkeypatch, lang, name):
    docs = read_docs(name)
    docs = docs + [v for t in docs[:10] for v in variants(t)[1:4]]
    cfg = median_config(lang, docs)
    monkeypatch.setattr(quality, "load_language_config", lambda code, filter_configs=None: cfg)
    qf = QualityFilter(lang)  # the real datatrove filters, built with these thresholds
    assert qf.config is cfg
    reasons = Counter()
    for t in docs:
        expected = qf.check(t)
        assert predicted(t, lang, cfg) == expected, t[:80]
        reasons[expected] += 1
    assert len(reasons) >= 4, reasons


def test_known_metric_values():
    text = "a b c d\na b c d\nx y. \n"
    m = document_metrics(text, "eng_Latn")
    assert m["n_chars"] == len(text)
    assert m["dup_line_frac"] == 1 / 4  # re.split("\n+") -> ["a b c d", "a b c d", "x y. ", ""]
    assert m["line_punct_ratio"] == 0.0  # "x y. " ends with a space, not with "."
    assert m["char_dup_ratio"] == 7 / len(text.replace("\n", ""))
    assert m["list_ratio"] == 3 / len(words_of(text, "eng_Latn"))
    assert m["top_2_gram"] == len("a b") * 2 / len(text)
    assert m["bullet_lines_ratio"] == 0.0 and m["end_ellipsis_lines_ratio"] == 0.0
    assert words_of(text, "eng_Latn") == ["a", "b", "c", "d", "a", "b", "c", "d", "x", "y."]
    assert m["avg_word_length"] == 1.1 and m["alpha_words_ratio"] == 1.0 and m["n_non_symbol_words"] == 10
    empty = document_metrics("", "eng_Latn")
    assert empty["n_chars"] == 0 and empty["dup_line_frac"] is None
    assert decide(empty, load_language_config("eng_Latn")) == "empty"
