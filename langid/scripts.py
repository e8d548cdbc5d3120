"""Dominant writing system of a text, as an ISO 15924 code.

lid.176 labels carry no script, so the script comes from the text itself. One compiled
alternation of per-script letter runs lets `regex` (C code) do the scan; Python only sums
run lengths. Only script-specific characters count (letters and their combining marks);
digits, punctuation and spaces belong to the Common/Inherited scripts and are skipped.
"""
from __future__ import annotations

import regex

# Scripts of FineWeb2's configs and `und_*` subsets, plus a few more; most frequent first
# because the alternation is tried in order at each position. `Jpan` is not a Unicode
# script: it is derived below from Han + kana.
_SCRIPTS = (
    "Latn Cyrl Arab Hani Hira Kana Hang Deva Thai Grek Hebr Beng Taml Telu Knda Mlym Gujr "
    "Guru Orya Sinh Geor Armn Ethi Khmr Laoo Mymr Tibt Thaa Syrc Mong Tfng Cans Cher Nkoo "
    "Olck Mtei Lisu Limb Kali Wara Goth Copt Bopo Yiii Vaii Bali Bamu Brai Egyp Hluw Hung "
    "Lana Lina Newa Sgnw Shaw Sylo Tang Xsux Java Sund Bugi Tglg Runr Ogam Adlm Samr Tale"
).split()

# A plain \p{sc=X} class (no set intersection with \p{L}) keeps Indic runs whole: their
# vowel signs are script-specific marks. This is about twice as fast as letters-only.
_RUNS = regex.compile("|".join(rf"(?P<{s}>\p{{sc={s}}}+)" for s in _SCRIPTS))

# Scan at most this many characters: enough to find the dominant script of a web page,
# and it bounds the cost on very long documents.
MAX_CHARS = 5_000


def script_counts(text: str) -> dict[str, int]:
    """Letters per ISO 15924 script in (the start of) ``text``."""
    counts: dict[str, int] = {}
    for m in _RUNS.finditer(text, 0, MAX_CHARS):
        s = m.lastgroup
        counts[s] = counts.get(s, 0) + (m.end() - m.start())
    return counts


def dominant_script(text: str) -> str:
    """ISO 15924 code of the script with most letters; ``Zyyy`` (Common) if none.

    Japanese mixes kanji and kana: any meaningful kana share (>=10% of Han+kana letters)
    makes the Han+kana block ``Jpan``; Chinese text has no kana.
    """
    counts = script_counts(text)
    if not counts:
        return "Zyyy"
    kana = counts.pop("Hira", 0) + counts.pop("Kana", 0)
    if kana:
        han = counts.pop("Hani", 0)
        if kana >= 0.1 * (kana + han):
            counts["Jpan"] = kana + han
        else:
            counts["Hani"] = han + kana
    return max(counts.items(), key=lambda kv: kv[1])[0]
