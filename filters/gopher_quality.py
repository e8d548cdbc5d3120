"""datatrove 0.10.1's `GopherQualityFilter` with the same verdicts, its word statistics per distinct word.

datatrove tests two properties of every word of a document with a Python generator per word:
whether it holds a character outside `PUNCTUATION_SET` ("non-symbol" words: their count and mean
length) and whether it holds an alphabetic character (the alpha-word ratio). Both depend on the word
alone, and words repeat within a document and across a language's documents, so here they are
counted per distinct word (`Counter`) and each word's two answers are remembered per filter instance.

Everything else follows datatrove's order and arithmetic: the mean word length is an exact integer
sum divided by the count (what `np.mean` returns for integers), NaN when no word is left, and a
zero word count raises `ZeroDivisionError` where datatrove's would. `tests/filters/test_gopher_quality.py`
compares the verdicts with datatrove's filter on real pages and on generated texts.
"""
from __future__ import annotations

from collections import Counter

from datatrove.pipeline.filters import GopherQualityFilter
from datatrove.utils.text import PUNCTUATION_SET, split_into_words

_MEMO_ENTRIES = 1 << 20  # distinct words remembered per language; the memo restarts when full


def _word_flags(word: str) -> tuple[bool, bool]:
    """(holds a non-punctuation character, holds an alphabetic character)."""
    return any(ch not in PUNCTUATION_SET for ch in word), any(ch.isalpha() for ch in word)


class FastGopherQualityFilter(GopherQualityFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._flags: dict[str, tuple[bool, bool]] = {}

    def filter(self, doc) -> bool | tuple[bool, str]:
        text = doc.text
        words = split_into_words(text, self.language)
        n_words = len(words)
        counts = Counter(words)
        flags = self._flags
        if len(flags) + len(counts) > _MEMO_ENTRIES:
            flags.clear()
        n_kept = kept_chars = n_alpha = 0  # non-symbol words, their characters; words with a letter
        for word, count in counts.items():
            f = flags.get(word)
            if f is None:
                f = flags[word] = _word_flags(word)
            if f[0]:
                n_kept += count
                kept_chars += count * len(word)
            if f[1]:
                n_alpha += count

        if self.min_doc_words and n_kept < self.min_doc_words:
            return False, "gopher_short_doc"
        if self.max_doc_words and n_kept > self.max_doc_words:
            return False, "gopher_long_doc"
        avg_word_length = kept_chars / n_kept if n_kept else float("nan")
        if self.min_avg_word_length and avg_word_length < self.min_avg_word_length:
            return False, "gopher_below_avg_threshold"
        if self.max_avg_word_length and avg_word_length > self.max_avg_word_length:
            return False, "gopher_above_avg_threshold"

        if self.max_symbol_word_ratio and text.count("#") / n_words > self.max_symbol_word_ratio:
            return False, "gopher_too_many_hashes"
        if self.max_symbol_word_ratio and (text.count("...") + text.count("…")) / n_words > self.max_symbol_word_ratio:
            return False, "gopher_too_many_ellipsis"

        lines = text.splitlines()
        if self.max_bullet_lines_ratio:
            bullets = sum(line.lstrip().startswith(("•", "-")) for line in lines)
            if bullets / len(lines) > self.max_bullet_lines_ratio:
                return False, "gopher_too_many_bullets"
        if self.max_ellipsis_lines_ratio:
            ellipses = sum(line.rstrip().endswith(("...", "…")) for line in lines)
            if ellipses / len(lines) > self.max_ellipsis_lines_ratio:
                return False, "gopher_too_many_end_ellipsis"

        if self.max_non_alpha_words_ratio and n_alpha / n_words < self.max_non_alpha_words_ratio:
            return False, "gopher_below_alpha_threshold"
        if self.min_stop_words and len(self.stop_words.intersection(counts)) < self.min_stop_words:
            return False, "gopher_enough_stop_words"
        return True
