"""filters/repetition.py computes datatrove's Gopher repetition statistics exactly."""
import importlib

from hypothesis import given, settings, strategies as st

from filters import repetition
from tests.filters.test_filters_tokenizers import _sample_texts

# datatrove's own helpers, from a fresh copy of the module (install() may have patched the imported one)
_original = importlib.util.module_from_spec(importlib.util.find_spec("datatrove.pipeline.filters.gopher_repetition_filter"))
_original.__spec__.loader.exec_module(_original)


def _stats(module, words):
    tops = [module.find_top_duplicate(_original.get_n_grams(words, n)) for n in (2, 3, 4) if len(words) >= n]
    return tops, [module.find_all_duplicate(words, n) for n in range(1, 11)]


def test_equal_to_datatrove_on_real_text():
    from filters.tokenizers import word_tokenizer

    for lang in ("deu_Latn", "cmn_Hani", "fra_Latn"):
        tok = word_tokenizer(lang)[0]
        for text in _sample_texts():
            words = tok.word_tokenize(text)
            assert _stats(repetition, words) == _stats(_original, words)
    boilerplate = tok.word_tokenize("Impressum Kontakt Datenschutz " * 40 + "Ende.")
    assert _stats(repetition, boilerplate)[1][4] > 0  # the scan path, not only the all-distinct shortcut


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "ba", "", "c", "abc", "x y"]), max_size=40))
def test_equal_to_datatrove_on_colliding_words(words):
    # tiny vocabularies with "ab" vs "a"+"b": concatenation collisions, ties and overlapping repeats
    assert _stats(repetition, words) == _stats(_original, words)
