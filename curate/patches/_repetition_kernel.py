"""Compiled greedy scan of `datatrove_repetition.find_all_duplicate`: the Gopher "duplicated n-gram"
statistic, about 60 % of the repetition filter's CPU in Python (cProfile of a shard task on the bench
pages; bench/repetition_filter.py compares the two).

Each n-gram of the words concatenated without a separator is a slice ``cp[off[i]:off[i+n]]`` of the
text's code points; its polynomial hash comes from prefix hashes in O(1), and an open-addressing
table maps a hash to the first n-gram that was added with it. A hash found again is compared code
point by code point with that n-gram: equal strings count as a repeat, and two different strings with
one hash (a collision, not expected on real text) make the scan return -1 so that the caller falls back
to the Python scan. So the result is datatrove's exactly, whatever the hash does.
"""
from __future__ import annotations

import numba as nb
import numpy as np

_B = np.uint64(0x100000001B3)  # odd multiplier; arithmetic wraps around mod 2**64
_jit = nb.njit(cache=True, nogil=True, boundscheck=False)


@_jit
def prefix_hashes(cp):
    """H[k] = hash of cp[:k], and B**k, for k = 0..len(cp) (code points shifted by 1: "\\0" counts)."""
    hashes, powers = np.empty(len(cp) + 1, np.uint64), np.empty(len(cp) + 1, np.uint64)
    hashes[0], powers[0] = 0, 1
    for k in range(len(cp)):
        hashes[k + 1] = hashes[k] * _B + np.uint64(cp[k]) + np.uint64(1)
        powers[k + 1] = powers[k] * _B
    return hashes, powers


@_jit
def duplicated_chars(cp, off, hashes, powers, n):
    """Characters in repeated n-grams, datatrove's greedy way (skip n words after a repeat); -1 on a
    hash collision."""
    m = len(off) - n
    if m <= 0:
        return 0
    size = 1
    while size < 2 * m:
        size *= 2
    mask = size - 1
    keys, first = np.empty(size, np.uint64), np.full(size, -1, np.int64)
    repeated, idx = 0, 0
    while idx < m:
        a, b = off[idx], off[idx + n]
        h = hashes[b] - hashes[a] * powers[b - a]
        s = np.int64((h ^ (h >> np.uint64(29))) & np.uint64(mask))
        while first[s] >= 0 and keys[s] != h:
            s = (s + 1) & mask
        j = first[s]
        if j < 0:
            keys[s], first[s] = h, idx
            idx += 1
            continue
        a2 = off[j]
        if off[j + n] - a2 != b - a:
            return -1
        for k in range(b - a):
            if cp[a + k] != cp[a2 + k]:
                return -1
        repeated += b - a
        idx += n
    return repeated
