"""curate/patches/ftfy_mojibake.py answers as ftfy's `is_bad` does, and FTFY fixes the same texts the same way."""
import re

import ftfy
import ftfy.badness
import ftfy.fixes
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from curate.patches import ftfy_mojibake as mojibake_check
from tests.filters.test_filters_tokenizers import _sample_texts

windowed = mojibake_check.windowed_search(ftfy.badness.BADNESS_RE)
ENCODINGS = ["latin-1", "cp1252", "mac_roman", "cp1251", "cp1253", "cp1257"]


def _lines(texts):
    return [line for t in texts for line in t.splitlines(True)]


def _mojibake(texts):
    """The real texts as UTF-8 bytes read in each single-byte encoding ftfy knows (its own test cases)."""
    return [t.encode("utf-8").decode(enc, "replace") for enc in ENCODINGS for t in texts]


def test_the_shortcut_applies_to_ftfys_regex():
    chars, width = mojibake_check.required_chars(ftfy.badness.BADNESS_RE)
    assert width == 7  # ГўВЂВ.[A-Za-z ]
    assert not any(c.isascii() for c in chars)  # ASCII never needs a search


def test_same_answers_on_real_lines_and_their_mojibake():
    texts = _sample_texts()
    lines = _lines(texts + _mojibake(texts))
    expected = [ftfy.badness.is_bad(line) for line in lines]
    assert [windowed(line) for line in lines] == expected
    assert 200 < sum(expected) < len(lines) - 200  # both answers are well represented


# `^[ÃÂ][ ]` must not match where a window starts; `[a-z]\s?[ÃÂ][ ]` reaches back two characters;
# `ГўВЂВ.[A-Za-z ]` is the longest match (7); `[Œœ][^A-Za-z]` needs the next character
EDGES = ["Ã ", "1Ã ", "a Ã ", "a\nÃ ", "1 Ã ", "xÃ", "ГўВЂВx!", "ГўВЂВxy", "aГўВЂВ.b", "œ", "œ1", "œa", "x×²", "×",
         "Â ", "voilÃ le", "sÃ³", "“hello”", "é”", "ÉÉ", "\u0085", "Ø1Ø1", "Ø1Ø", "à²", "√±", "вЂ", "Ã\xa0",
         "1Ã 1111£"]  # a window that started at its first character would see `^Ã ` there


@pytest.mark.parametrize("text", EDGES)
def test_same_answers_at_the_edges(text):
    for t in (text, "x" + text, text + "x", "éé " + text + " éé"):
        assert windowed(t) == ftfy.badness.is_bad(t), t


ALPHABET = "aZ1 .\n\t\xa0ÃÂÎÐØÙ€œŒ©®°²³µ×àéüГўВЂβ€ΒΓāŠ“”‘’│┌£¢¥¿«»ÉÀ√≈‚Ä"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=14))
def test_same_answers_on_generated_texts(text):
    assert windowed(text) == ftfy.badness.is_bad(text)


def test_fix_text_gives_the_same_texts(monkeypatch):
    texts = _sample_texts()
    inputs = texts + _mojibake(texts[:10])
    expected = [ftfy.fix_text(t) for t in inputs]
    monkeypatch.setattr(ftfy, "is_bad", ftfy.is_bad)
    monkeypatch.setattr(ftfy.fixes, "is_bad", ftfy.fixes.is_bad)
    mojibake_check.install()
    mojibake_check.install()  # twice: still one wrapper
    assert ftfy.is_bad.windowed and ftfy.fixes.is_bad is ftfy.is_bad
    assert [ftfy.fix_text(t) for t in inputs] == expected
    assert sum(a != b for a, b in zip(inputs, expected)) >= 10  # the mojibake really got fixed


@pytest.mark.parametrize("pattern", [
    r"a(?=b)|[€]",          # look-ahead: a window could cut what it looks at
    r"[€]x|b$",             # end anchor: the window's end would look like the text's end
    r"(?m)^[€]",            # line starts
    r"[€]|\w\w",            # an alternative with no fixed set of characters
    r"(?i)[€]a",            # case-insensitive: literals are not their own sets
    r"[€](?i:a)|(?i:b)",
    r"(?m:^)[€]",
    r"[€]|[\d£]",          # a class with a category is not a fixed set
    r"[€]a+",               # unbounded match
    r"(?:a(?=b))?[€]",      # look-ahead inside a group
])
def test_patterns_it_cannot_prove_are_left_alone(pattern):
    assert mojibake_check.windowed_search(re.compile(pattern)) is None


@settings(max_examples=1500, deadline=None)
@example("xyabcdef€xy", r"abcdef[€]")
@example("xy€abcdefxy", r"[€]abcdef")
@example("xy€abcdeabcdef", r"[€]abcdef")
@given(st.text(alphabet="abcdef€xy \n", max_size=16),
       st.sampled_from([r"abcdef[€]", r"[€]abcdef", r"^ab[€]", r"x\s?[€]y", r"a.[€]|[€]x"]))
def test_windows_are_wide_enough_for_the_longest_match(text, pattern):
    # the needed character at either end of a match of the longest width
    rx = re.compile(pattern)
    assert mojibake_check.windowed_search(rx)(text) == bool(rx.search(text))


def test_a_provable_pattern_gets_the_rarest_sets():
    chars, width = mojibake_check.required_chars(re.compile(r"[a-z][€£]|x\s?[ÃÂ] |^é[²³]"))
    assert (chars, width) == ("£²³ÂÃ€", 4)
