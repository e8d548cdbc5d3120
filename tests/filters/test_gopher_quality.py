"""filters/gopher_quality.py gives datatrove's GopherQuality verdicts, reason for reason."""
import math

import pytest
from datatrove.data import Document
from datatrove.pipeline.filters import GopherQualityFilter
from hypothesis import given, settings, strategies as st

from filters.config import load_language_config
from filters.gopher_quality import FastGopherQualityFilter
from filters.tokenizers import word_tokenizer
from tests.filters.test_filters_tokenizers import _sample_texts


def _pair(lang: str, **overrides):
    c = load_language_config(lang)
    kw = dict(min_doc_words=50, max_doc_words=100000, min_avg_word_length=c.min_avg_word_length,
              max_avg_word_length=c.max_avg_word_length, max_symbol_word_ratio=0.1, max_bullet_lines_ratio=0.9,
              max_ellipsis_lines_ratio=0.3, max_non_alpha_words_ratio=c.max_non_alpha_words_ratio,
              min_stop_words=c.min_stop_words, stop_words=list(c.stopwords), language=word_tokenizer(lang)[0])
    kw.update(overrides)
    return GopherQualityFilter(**kw), FastGopherQualityFilter(**kw)


def _verdict(flt, text):
    try:
        return flt.filter(Document(text=text, id=""))
    except ZeroDivisionError:
        return "ZeroDivisionError"


# thresholds tight enough that every check decides some of the real pages
TIGHT = [dict(), dict(min_doc_words=0, min_avg_word_length=4.5), dict(min_doc_words=0, max_avg_word_length=4.6),
         dict(min_doc_words=0, max_symbol_word_ratio=0.002), dict(min_doc_words=0, max_bullet_lines_ratio=0.05),
         dict(min_doc_words=0, max_ellipsis_lines_ratio=0.01), dict(min_doc_words=0, max_non_alpha_words_ratio=0.9),
         dict(min_doc_words=0, min_stop_words=12), dict(max_doc_words=200)]


@pytest.mark.parametrize("lang", ["deu_Latn", "fra_Latn", "rus_Cyrl", "cmn_Hani", "arb_Arab", "jpn_Jpan"])
def test_same_verdicts_as_datatrove_on_real_pages(lang):
    texts = _sample_texts()
    reasons = set()
    for overrides in TIGHT:
        ref, fast = _pair(lang, **overrides)
        for text in texts + texts[:5]:  # the repeats meet the remembered words
            expected = _verdict(ref, text)
            assert _verdict(fast, text) == expected
            reasons.add(expected if expected is True else expected[1])
    assert len(reasons) >= 6  # the thresholds above really exercise the checks


WORDS = st.sampled_from(["der", "und", "die", "Haus", "...", "…", "#", "#tag", "-", "•", "42", "³", "x", "--", "¿", "«»",
                         "Straße", "ok.", "a", "\n", "\n- ", "\n• ", " ... \n", "œuvre", "١٢", "e.g."])


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=80), st.sampled_from(TIGHT + [dict(min_doc_words=0)]))
def test_same_verdicts_as_datatrove_on_generated_texts(words, overrides):
    # symbol-only words, digits, bullets, ellipses and empty texts (0 words: datatrove divides by zero)
    ref, fast = _pair("deu_Latn", **overrides)
    text = " ".join(words)
    assert _verdict(fast, text) == _verdict(ref, text)


def test_mean_word_length_is_datatrove_s_value_at_the_threshold():
    # 3 words of 4 and 5 characters: mean 4.333..., compared with a threshold equal to np.mean's result
    import numpy as np

    mean = float(np.mean([4, 4, 5]))
    for bound, reason in ((dict(min_avg_word_length=mean), None), (dict(min_avg_word_length=math.nextafter(mean, 9)), "gopher_below_avg_threshold")):
        ref, fast = _pair("deu_Latn", min_doc_words=0, min_stop_words=0, max_non_alpha_words_ratio=0, **bound)
        v = _verdict(fast, "abcd efgh ijklm")
        assert v == _verdict(ref, "abcd efgh ijklm")
        assert (v is True) if reason is None else v == (False, reason)


def test_the_pipeline_uses_it_only_when_optimised():
    from curate import patches
    from filters.quality import QualityFilter

    assert type(dict(QualityFilter("deu_Latn").stages)["gopher_quality"]) is FastGopherQualityFilter
    patches.install(False)
    try:
        assert type(dict(QualityFilter("deu_Latn").stages)["gopher_quality"]) is GopherQualityFilter
    finally:
        patches.install(True)
