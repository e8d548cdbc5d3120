"""curate/patches/spacy_prefix.py: the same prefix matches as spaCy's own search, for the languages it changes."""
from __future__ import annotations

import functools
import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.patches import spacy_prefix
from curate.patches.spacy_prefix import PrefixSearch, split_prefix_regex, top_level_alternatives

INDONESIAN = [
    "Saya suka makan nasi goreng di Jakarta, kata Budi (32) kepada <b/>wartawan.",
    "Lihat <a href=\"https://contoh.id/berita\">berita</a> selengkapnya: Rp 10.000,- saja!",
    "\"Kami akan datang,\" ujarnya.<br/>Ia ber-main bola pada 17-08-1945 s.d. 2024.",
    "((<strong/>Harga)) $5 ...dan «lain-lain» <a  x>a<a>b <span/>  <div />",
]


def compile_prefix_regex(entries):
    """What a tokenizer built inside `spacy_prefix.installed()` gets for these prefix rules."""
    import spacy

    return split_prefix_regex(spacy.util.compile_prefix_regex(entries))


def _spacy_prefix_search(lang: str):
    import spacy

    return spacy.util.compile_prefix_regex(spacy.util.get_lang_class(lang).Defaults.prefixes)


@functools.lru_cache(maxsize=1)
def _indonesian():
    import spacy

    return compile_prefix_regex(spacy.util.get_lang_class("id").Defaults.prefixes), _spacy_prefix_search("id")


def _span(m):
    return None if m is None else m.span()


@pytest.mark.parametrize("lang", ["id", "ms"])
def test_indonesian_and_malay_prefix_search_finds_spacys_spans(lang):
    import spacy

    defaults = spacy.util.get_lang_class(lang).Defaults
    ours, ref = compile_prefix_regex(defaults.prefixes), _spacy_prefix_search(lang)
    assert isinstance(ours, PrefixSearch) and ours.pattern == ref.pattern
    strings = list(defaults.tokenizer_exceptions) + [w for t in INDONESIAN for w in t.split(" ")] + INDONESIAN
    strings += [s[i:] for s in INDONESIAN for i in range(len(s))]  # every suffix: matches at every position
    differ = [s for s in strings if _span(ours.search(s)) != _span(ref.search(s))]
    assert not differ
    assert any(ref.search(s).start() > 0 for s in strings if ref.search(s))  # the unanchored rule is exercised


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["<", ">", "a", "b", "/", " ", "strong", "br", "\\", "(", "\"", "$", "'", "x", "…", "«",
                                 ".", "-", "<a ", "<b/>", "<br />", "ab>"]), max_size=12).map("".join))
def test_generated_strings_match_like_spacy(text):
    ours, ref = _indonesian()
    assert _span(ours.search(text)) == _span(ref.search(text))


# Synthetic rules: a class holding '|' and ')', escapes, nesting, and unanchored alternatives whose look-behind or
# word boundary must see the character before position 1.
SYNTHETIC = [
    ["a[|)]b|(?<=x)y", "c"],
    [r"\|q|(?<=.)z", r"[\]|]w|w(x|y)"],
    [r"k|\bm", r"(?:n|o)|(p(q|r))s"],
    [r"[^]|]+e|(?<!x)f", "g"],
    ["(?i:h)|i"],
    ["a|bc?", "x|b"],  # two unanchored alternatives matching at one position: their order decides
]


@pytest.mark.parametrize("rules", SYNTHETIC)
@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="abcdefghikmnopqrsuvwxyz|)]\\ .", max_size=10))
def test_synthetic_rules_match_like_the_joined_regex(rules, text):
    ours = compile_prefix_regex(rules)
    ref = re.compile("|".join("^" + r for r in rules))
    assert isinstance(ours, PrefixSearch)
    assert _span(ours.search(text)) == _span(ref.search(text))


def test_split_respects_classes_escapes_and_groups():
    assert top_level_alternatives(r"^a[|)]b|(c|d)|\|e|[]|]f|[^]|]g") == ["^a[|)]b", "(c|d)", r"\|e", "[]|]f", "[^]|]g"]
    assert top_level_alternatives("a(b|c") is None and top_level_alternatives("a)|b") is None
    assert top_level_alternatives("[ab|c") is None


@pytest.mark.parametrize("rules", [
    ["a", "b"],                    # every alternative anchored: spaCy's own regex
    [r"(a)|\1b", "c"],            # a group reference would change meaning in the split pattern
    ["(?x:a # x|y\n)|b", "c"],    # a verbose group: layout and '#' comments
    ["a(?#x|y)|b", "c"],
    ["(?P<g>a)|(?P=g)", "c"],
])
def test_patterns_it_cannot_be_sure_of_keep_spacys_regex(rules):
    out = compile_prefix_regex(rules)
    assert isinstance(out, re.Pattern) and out.pattern == "|".join("^" + r for r in rules)


def test_german_and_french_keep_spacys_own_regex():
    import spacy

    for lang in ("de", "fr", "en"):
        assert isinstance(compile_prefix_regex(spacy.util.get_lang_class(lang).Defaults.prefixes), re.Pattern)


def test_prefix_search_pickles_and_serialises_with_the_tokenizer():
    import spacy

    ours = compile_prefix_regex(spacy.util.get_lang_class("ms").Defaults.prefixes)
    back = pickle.loads(pickle.dumps(ours))
    assert back.pattern == ours.pattern and _span(back.search("x<a b>")) == (1, 6)
    before = spacy.util.compile_prefix_regex
    with spacy_prefix.installed():
        nlp = spacy.blank("ms")
    assert isinstance(nlp.tokenizer.prefix_search.__self__, PrefixSearch)
    assert spacy.util.compile_prefix_regex is before  # restored after the block
    restored = spacy.blank("ms").tokenizer.from_bytes(nlp.tokenizer.to_bytes())
    assert restored.prefix_search.__self__.pattern == ours.pattern


@pytest.mark.parametrize("lang", ["ind_Latn", "zsm_Latn"])
def test_indonesian_and_malay_tokens_equal_datatrove(lang):
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    from filters.tokenizers import word_tokenizer

    ours, ref = word_tokenizer(lang)[0], load_word_tokenizer(lang)
    assert isinstance(ours.tokenizer.tokenizer.prefix_search.__self__, PrefixSearch)
    assert not isinstance(ref.tokenizer.tokenizer.prefix_search.__self__, PrefixSearch)
    for text in INDONESIAN + ["x<a b>y <b/>z", " ".join(INDONESIAN)]:
        assert ours.word_tokenize(text) == ref.word_tokenize(text)
