"""curate/patches/datatrove_repetition.py computes datatrove's Gopher repetition statistics exactly."""
import importlib

from hypothesis import given, settings
from hypothesis import strategies as st

from curate.patches import datatrove_repetition as repetition
from tests.filters.test_filters_tokenizers import _sample_texts

# datatrove's own helpers, from a fresh copy of the module (install() may have patched the imported one)
_original = importlib.util.module_from_spec(importlib.util.find_spec("datatrove.pipeline.filters.gopher_repetition_filter"))
_original.__spec__.loader.exec_module(_original)


def _stats(module, words):
    grams = [module.get_n_grams(words, n) for n in (1, 2, 3, 4, 5)]
    tops = [module.find_top_duplicate(g) for g in grams if g]
    return grams, tops, [module.find_all_duplicate(words, n) for n in range(1, 11)]


def test_equal_to_datatrove_on_real_text():
    from filters.tokenizers import word_tokenizer

    for lang in ("deu_Latn", "cmn_Hani", "fra_Latn"):
        tok = word_tokenizer(lang)[0]
        for text in _sample_texts():
            words = tok.word_tokenize(text)
            assert _stats(repetition, words) == _stats(_original, words)
    boilerplate = tok.word_tokenize("Impressum Kontakt Datenschutz " * 40 + "Ende.")
    assert _stats(repetition, boilerplate)[2][4] > 0  # the scan path, not only the all-distinct shortcut


def test_joined_forms_follow_the_word_list():
    # the joined text is kept for the last list: alternating lists, and an equal but new list, must not mix
    a, b = ["x", "y", "x", "y", "z"], ["long", "words", "here", "long", "words"]
    for words in (a, b, a, list(a), b):
        assert _stats(repetition, words) == _stats(_original, words)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "ba", "", "c", "abc", "x y", " ", "é"]), max_size=40))
def test_equal_to_datatrove_on_colliding_words(words):
    # tiny vocabularies with "ab" vs "a"+"b": concatenation collisions, ties and overlapping repeats
    assert _stats(repetition, words) == _stats(_original, words)


def test_a_hash_collision_falls_back_to_the_exact_scan():
    # Thue-Morse words of 2,048 characters and their complements share every polynomial hash mod 2**64
    # (any odd multiplier): the compiled scan must notice that the strings differ and defer to Python.
    thue_morse = "".join("ab"[bin(i).count("1") % 2] for i in range(2048))
    complement = thue_morse.translate(str.maketrans("ab", "ba"))
    words = [thue_morse, complement, "x", thue_morse, "y"]
    assert repetition._compiled_scan(words, 1) == -1  # the collision is seen, not counted as a repeat
    for n in (1, 2):
        assert repetition.find_all_duplicate(words, n) == _original.find_all_duplicate(words, n)
    assert repetition.find_all_duplicate(words, 1) == 2048  # the real repeat of thue_morse still counts
