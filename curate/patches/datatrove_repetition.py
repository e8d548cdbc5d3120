"""Gopher repetition statistics, computed exactly as datatrove 0.10.1 does, with less CPU.

datatrove's `GopherRepetitionFilter.filter` calls three module-level helpers; these are drop-in
equivalents (same results on every input, tested against the originals on real and fuzzed text):

* `find_all_duplicate(words, n)`: greedy scan over n-grams *concatenated without a separator*
  (so ("ab", "c") equals ("a", "bc")), skipping n words after each repeat. Here the scan is compiled
  (`_repetition_kernel`): n-grams are hashed slices of the concatenated text's code points, and every
  hash match is confirmed on the code points; on a collision the same scan runs in Python.
* `find_top_duplicate(ngrams)`: length x count of the most common n-gram (first one on ties): a
  C-level `Counter(...)` instead of a Python increment per n-gram.
* `get_n_grams(words, n)`: the n-grams joined by spaces, as slices of the whole text joined by
  spaces instead of a join of n words each.

The filter asks for 2-, 3- and 4-grams and for 5- to 10-grams of the same word list one after the
other, so each joined form, its word offsets and prefix hashes are kept for the last list seen (by
identity; the list is datatrove's cached tokenization, which nobody modifies).

`install()` points datatrove's filter at them; the unoptimised configuration leaves datatrove as is.
"""
from __future__ import annotations

from collections import Counter
from itertools import accumulate

_last: dict[str, tuple] = {}  # separator -> (words, sep.join(words), offset of each word and of the end)


def _joined(words: list[str], sep: str) -> tuple[str, list[int]]:
    cached = _last.get(sep)
    if cached is None or cached[0] is not words:
        cached = _last[sep] = (words, sep.join(words), [0, *accumulate(len(w) + len(sep) for w in words)])
    return cached[1], cached[2]


def get_n_grams(words: list[str], n: int) -> list[str]:
    full, off = _joined(words, " ")
    return [full[a:b - 1] for a, b in zip(off, off[n:])]  # b - 1: without the space after the last word


def find_all_duplicate(words: list[str], n: int) -> int:
    m = len(words) - n + 1
    if m <= 0:
        return 0
    found = _compiled_scan(words, n)
    return found if found >= 0 else _python_scan(words, n)


_scanned: list = [None]  # (words, code points, word offsets, prefix hashes, powers) of the last list


def _compiled_scan(words: list[str], n: int) -> int:
    import numpy as np

    from curate.patches import _repetition_kernel as kernel  # here: numba only where a filter runs

    c = _scanned[0]
    if c is None or c[0] is not words:
        full, off = _joined(words, "")
        cp = np.frombuffer(full.encode("utf-32-le"), np.uint32)
        c = _scanned[0] = (words, cp, np.asarray(off, np.int64), *kernel.prefix_hashes(cp))
    return kernel.duplicated_chars(*c[1:], n)


def _python_scan(words: list[str], n: int) -> int:
    """The scan in Python, over slices of the joined text; for the rare text whose hashes collide."""
    m = len(words) - n + 1
    full, off = _joined(words, "")
    grams = [full[a:b] for a, b in zip(off, off[n:])]
    seen: set[str] = set()
    repeated, idx = 0, 0
    while idx < m:
        gram = grams[idx]
        if gram in seen:
            repeated += len(gram)
            idx += n
        else:
            seen.add(gram)
            idx += 1
    return repeated


def find_top_duplicate(ngrams: list[str]) -> int:
    (gram, count), = Counter(ngrams).most_common(1)
    return len(gram) * count


LIBRARY, WRITTEN_FOR = "datatrove", "0.10.1"
_HELPERS = ("find_all_duplicate", "find_top_duplicate", "get_n_grams")
_originals: dict = {}


def install(on: bool = True) -> None:
    """Point datatrove's filter at these helpers, or back at its own (``on=False``)."""
    from datatrove.pipeline.filters import gopher_repetition_filter as grf

    if not _originals:
        _originals.update((name, getattr(grf, name)) for name in _HELPERS)
    for name in _HELPERS:
        setattr(grf, name, globals()[name] if on else _originals[name])
