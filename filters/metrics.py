"""Per-document values of every metric behind FineWeb2's filter thresholds, as the filters compute them.

``document_metrics(text, "fra_Latn") -> dict`` gives, for one document, the number each config key is
compared with (see :data:`THRESHOLDS`), computed with datatrove 0.10.1's own helper functions
(``find_duplicates``, ``find_top_duplicate``, ``find_all_duplicate``, ``get_n_grams``,
``split_into_words``, ``PUNCTUATION_SET``, ``TERMINAL_PUNCTUATION``) and the same word tokenizer
instance :mod:`filters.quality` hands to the filters (:func:`filters.tokenizers.word_tokenizer`). So a
threshold calibrated on these values means exactly what the filter checks: :func:`decide` replays
the three filters' tests, in their order, on the metrics alone, and the tests check that
``decide(document_metrics(t, lang), config) == quality_filter(lang).check(t)`` on many real texts.

This module is plain Python (no Ray); :mod:`filters.calibrate` distributes it when a corpus is large.

Metric -> filter test (``remove if ...``):

* GopherRepetition, lines = ``re.split("\\n+", text)``, words = the tokenizer's words:
  ``dup_line_frac`` (duplicate lines / lines ``> thr``); ``top_{n}_gram`` (n=2,3,4: length of the most
  common space-joined n-gram x its count / ``len(text)`` ``> thr``; None when there are fewer than n
  words, which the filter skips); ``duplicated_{n}_n_grams`` (n=5..10: characters of repeated n-grams,
  joined without spaces, skipping n words after each hit, / ``len(text)`` ``> thr``).
* FineWebQuality, lines = non-blank lines of ``text.split("\\n")``: ``line_punct_ratio`` (lines ending
  in terminal punctuation / lines ``< thr``); ``char_dup_ratio`` (characters in duplicate lines /
  ``len(text)`` without ``\\n`` ``> 0.1``, fixed); ``list_ratio`` (``text.count("\\n")`` / words ``>
  new_line_ratio``). The short-line check is off in FineWeb2 (threshold 999) and is not computed.
* GopherQuality: ``n_non_symbol_words`` (words with a character outside PUNCTUATION_SET; 50..100,000,
  fixed); ``avg_word_length`` (mean length of those words; ``< min_avg_word_length`` or ``>
  max_avg_word_length``); ``hash_ratio``, ``ellipsis_ratio`` (``#`` and ``...``/``…`` per word, ``> 0.1``);
  ``bullet_lines_ratio`` (``> 0.9``), ``end_ellipsis_lines_ratio`` (``> 0.3``) over ``text.splitlines()``;
  ``alpha_words_ratio`` (words with an ``isalpha()`` character / words ``< max_non_alpha_words_ratio``:
  the config name is misleading, it is a minimum); stop words are checked against the word *set*
  (:func:`distinct_stop_words`).

Every ratio is the same Python expression the filter evaluates (same operands, same order), so the
floats are bit-identical and ``metric > thr`` gives the filter's decision exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from datatrove.pipeline.filters.gopher_repetition_filter import (
    find_all_duplicate,
    find_duplicates,
    find_top_duplicate,
    get_n_grams,
)
from datatrove.utils.text import PUNCTUATION_SET, TERMINAL_PUNCTUATION, split_into_words

from filters.config import LanguageConfig
from filters.tokenizers import word_tokenizer

TOP_NS = (2, 3, 4)
DUP_NS = (5, 6, 7, 8, 9, 10)

# FineWeb2's fixed settings (fineweb2-pipeline.py; the same values filters/quality.py passes to datatrove).
MIN_DOC_WORDS = 50
MAX_DOC_WORDS = 100000
MAX_SYMBOL_WORD_RATIO = 0.1
MAX_BULLET_LINES_RATIO = 0.9
MAX_ELLIPSIS_LINES_RATIO = 0.3
CHAR_DUPLICATES_RATIO = 0.1
SHORT_LINE_THR = 999  # FineWebQuality's short-line check: off (a ratio <= 1 is never > 999)

_LINE_SPLITTER = re.compile("\n+")  # GopherRepetitionFilter._line_splitter
_STOP_CHARS = tuple(TERMINAL_PUNCTUATION)  # FineWebQualityFilter's default stop_chars


@dataclass(frozen=True)
class Threshold:
    """How one config value is applied: ``metric`` compared with it, the document removed when
    ``metric < value`` (side "lower") or ``metric > value`` (side "upper")."""

    key: str  # config key, with the n for n-gram lists: "top_n_grams[2]"
    metric: str
    side: str  # "lower" | "upper"
    group: str  # FineWeb2's metric group: fwq | goq | gor | lid
    integer: bool = False  # FineWeb2 ships word lengths as integers


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("dup_line_frac", "dup_line_frac", "upper", "gor"),
    *(Threshold(f"top_n_grams[{n}]", f"top_{n}_gram", "upper", "gor") for n in TOP_NS),
    *(Threshold(f"dup_n_grams[{n}]", f"duplicated_{n}_n_grams", "upper", "gor") for n in DUP_NS),
    Threshold("line_punct_thr", "line_punct_ratio", "lower", "fwq"),
    Threshold("new_line_ratio", "list_ratio", "upper", "fwq"),
    Threshold("min_avg_word_length", "avg_word_length", "lower", "goq", integer=True),
    Threshold("max_avg_word_length", "avg_word_length", "upper", "goq", integer=True),
    Threshold("max_non_alpha_words_ratio", "alpha_words_ratio", "lower", "goq"),
    Threshold("language_score", "language_score", "lower", "lid"),
)
THRESHOLD_BY_KEY = {t.key: t for t in THRESHOLDS}

METRICS: tuple[str, ...] = (
    "n_chars",
    "n_words",
    "dup_line_frac",
    *(f"top_{n}_gram" for n in TOP_NS),
    *(f"duplicated_{n}_n_grams" for n in DUP_NS),
    "line_punct_ratio",
    "char_dup_ratio",
    "list_ratio",
    "n_non_symbol_words",
    "avg_word_length",
    "hash_ratio",
    "ellipsis_ratio",
    "bullet_lines_ratio",
    "end_ellipsis_lines_ratio",
    "alpha_words_ratio",
)


def words_of(text: str, lang_script: str) -> list[str]:
    """The word tokens the three filters see for ``text`` (same tokenizer instance, shared cache)."""
    return split_into_words(text, word_tokenizer(lang_script)[0])


def document_metrics(text: str, lang_script: str, words: list[str] | None = None) -> dict[str, float | int | None]:
    """Every metric of :data:`METRICS` for one document; None where the filter would not compute it
    (empty text, no non-blank line, no word, fewer than n words for a top n-gram)."""
    if words is None:
        words = words_of(text, lang_script)
    m: dict[str, float | int | None] = dict.fromkeys(METRICS)
    m["n_chars"] = len(text)
    m["n_words"] = len(words)
    if not text:
        return m

    # GopherRepetitionFilter
    lines = _LINE_SPLITTER.split(text)
    m["dup_line_frac"] = find_duplicates(lines)[0] / len(lines)
    for n in TOP_NS:
        n_grams = get_n_grams(words, n)
        if n_grams:
            m[f"top_{n}_gram"] = find_top_duplicate(n_grams) / len(text)
    for n in DUP_NS:
        m[f"duplicated_{n}_n_grams"] = find_all_duplicate(words, n) / len(text)

    # FineWebQualityFilter
    fw_lines = [line for line in text.split("\n") if line.strip() != ""]
    if fw_lines:
        m["line_punct_ratio"] = sum(1 for line in fw_lines if line.endswith(_STOP_CHARS)) / len(fw_lines)
        m["char_dup_ratio"] = find_duplicates(fw_lines)[1] / len(text.replace("\n", ""))
        if words:
            m["list_ratio"] = text.count("\n") / len(words)

    # GopherQualityFilter
    non_symbol_words = [w for w in words if any(ch not in PUNCTUATION_SET for ch in w)]
    m["n_non_symbol_words"] = len(non_symbol_words)
    if non_symbol_words:
        m["avg_word_length"] = float(np.mean([len(w) for w in non_symbol_words]))
    if words:
        n_words = len(words)
        m["hash_ratio"] = text.count("#") / n_words
        m["ellipsis_ratio"] = (text.count("...") + text.count("…")) / n_words
        m["alpha_words_ratio"] = sum([any(c.isalpha() for c in w) for w in words]) / n_words
    gq_lines = text.splitlines()
    if gq_lines:
        m["bullet_lines_ratio"] = sum(s.lstrip().startswith("•") or s.lstrip().startswith("-") for s in gq_lines) / len(gq_lines)
        m["end_ellipsis_lines_ratio"] = sum(s.rstrip().endswith("...") or s.rstrip().endswith("…") for s in gq_lines) / len(gq_lines)
    return m


def distinct_stop_words(words: list[str], stop_words) -> int:
    """Distinct stop words among the tokens (GopherQuality's ``len(stop_words ∩ set(words))``)."""
    return len(set(stop_words).intersection(set(words)))


def decide(m: dict, config: LanguageConfig, n_stop_words: int | None = None) -> str | None:
    """The reason :func:`filters.quality.quality_filter` would give, from the metrics alone.

    ``n_stop_words`` is :func:`distinct_stop_words` for ``config.stopwords`` (needed only when the
    stop-word check is reached and enabled). Falsy thresholds disable a check, as in datatrove.
    The language-ID threshold is not part of this chain (the pipeline applies it before).
    """
    c = config
    if not m["n_chars"]:
        return "empty"
    # GopherRepetition (paragraph and line-character checks are off in FineWeb2)
    if c.dup_line_frac and m["dup_line_frac"] > c.dup_line_frac:
        return "dup_line_frac"
    for n, thr in c.top_n_grams:
        v = m.get(f"top_{n}_gram")
        if v is not None and v > thr:
            return f"top_{n}_gram"
    for n, thr in c.dup_n_grams:
        if m[f"duplicated_{n}_n_grams"] > thr:
            return f"duplicated_{n}_n_grams"
    # FineWebQuality
    if m["line_punct_ratio"] is None:
        return "empty"
    if m["line_punct_ratio"] < c.line_punct_thr:
        return "line_punct_ratio"
    if m["char_dup_ratio"] > CHAR_DUPLICATES_RATIO:
        return "char_dup_ratio"
    if m["list_ratio"] is None:
        return "no_words"  # datatrove divides by zero here; filters/quality.py reports "no_words"
    if m["list_ratio"] > c.new_line_ratio:
        return "list_ratio"
    # GopherQuality
    if m["n_non_symbol_words"] < MIN_DOC_WORDS:
        return "gopher_short_doc"
    if m["n_non_symbol_words"] > MAX_DOC_WORDS:
        return "gopher_long_doc"
    if c.min_avg_word_length and m["avg_word_length"] < c.min_avg_word_length:
        return "gopher_below_avg_threshold"
    if c.max_avg_word_length and m["avg_word_length"] > c.max_avg_word_length:
        return "gopher_above_avg_threshold"
    if m["hash_ratio"] > MAX_SYMBOL_WORD_RATIO:
        return "gopher_too_many_hashes"
    if m["ellipsis_ratio"] > MAX_SYMBOL_WORD_RATIO:
        return "gopher_too_many_ellipsis"
    if m["bullet_lines_ratio"] > MAX_BULLET_LINES_RATIO:
        return "gopher_too_many_bullets"
    if m["end_ellipsis_lines_ratio"] > MAX_ELLIPSIS_LINES_RATIO:
        return "gopher_too_many_end_ellipsis"
    if c.max_non_alpha_words_ratio and m["alpha_words_ratio"] < c.max_non_alpha_words_ratio:
        return "gopher_below_alpha_threshold"
    if c.min_stop_words:
        if n_stop_words is None:
            raise ValueError("decide() reached the stop-word check: pass n_stop_words")
        if n_stop_words < c.min_stop_words:
            return "gopher_enough_stop_words"
    return None
