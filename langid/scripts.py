"""Dominant writing system of a text, as an ISO 15924 code.

lid.176 labels carry no script, so the script comes from the text itself. Only
script-specific characters count (letters and their combining marks); digits, punctuation and
spaces belong to the Common/Inherited scripts and are skipped. `collections.Counter` (C code)
counts the characters; each distinct character's script is looked up once per process with
`regex`'s Unicode tables, so Python works per distinct character, not per character.
"""
from __future__ import annotations

from collections import Counter

import regex

# Scripts of FineWeb2's configs and `und_*` subsets, plus a few more; most frequent first
# (the alternation below tries them in order). `Jpan` is not a Unicode script: it is derived
# below from Han + kana.
_SCRIPTS = (
    "Latn Cyrl Arab Hani Hira Kana Hang Deva Thai Grek Hebr Beng Taml Telu Knda Mlym Gujr "
    "Guru Orya Sinh Geor Armn Ethi Khmr Laoo Mymr Tibt Thaa Syrc Mong Tfng Cans Cher Nkoo "
    "Olck Mtei Lisu Limb Kali Wara Goth Copt Bopo Yiii Vaii Bali Bamu Brai Egyp Hluw Hung "
    "Lana Lina Newa Sgnw Shaw Sylo Tang Xsux Java Sund Bugi Tglg Runr Ogam Adlm Samr Tale"
).split()

# One alternative per script; which one matches a character names its script. A plain
# \p{sc=X} class (no intersection with \p{L}) counts Indic vowel signs, which are script-specific.
_SCRIPT_OF = regex.compile("|".join(rf"(?P<{s}>\p{{sc={s}}})" for s in _SCRIPTS))

# Scan at most this many characters: enough to find the dominant script of a web page,
# and it bounds the cost on very long documents.
MAX_CHARS = 5_000

_seen: dict[str, str | None] = {}  # character -> its script among _SCRIPTS, or None


def _script_of(ch: str) -> str | None:
    script = _seen.get(ch, "")
    if script == "":
        if len(_seen) >= 200_000:  # bounds memory on adversarial input (~20 MB)
            _seen.clear()
        m = _SCRIPT_OF.match(ch)
        script = _seen[ch] = m.lastgroup if m else None
    return script


def script_counts(text: str) -> dict[str, int]:
    """Letters per ISO 15924 script in (the start of) ``text``, in order of first appearance
    (`dominant_script` breaks ties by that order)."""
    counts: dict[str, int] = {}
    for ch, n in Counter(text[:MAX_CHARS]).items():  # keys in order of first appearance
        script = _script_of(ch)
        if script:
            counts[script] = counts.get(script, 0) + n
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
