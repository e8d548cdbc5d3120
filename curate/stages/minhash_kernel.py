"""Compiled inner loop of a MinHash signature: n-gram hashing, permutations and band keys.

numba-compiled because this loop is ~85% of the dedup stage's CPU (bench/dedup) and in numpy it
pays Python objects per shingle (joined n-gram strings) and seven passes over a 112-column array.
It computes exactly what datatrove does: xxh64 (seed 0) of the UTF-8 bytes of each word n-gram
joined by single spaces, (a*h + b) mod (2^61 - 1) with uint64 wrap-around in `a*h + b`, the
minimum per permutation, and each band's 8 values reduced to xxh64(band bytes, seed=band index).
tests/test_minhash.py checks it against the `xxhash` package and datatrove's signatures.
"""
from __future__ import annotations

import numba as nb
import numpy as np

_P1 = np.uint64(0x9E3779B185EBCA87)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_P3 = np.uint64(0x165667B19E3779F9)
_P4 = np.uint64(0x85EBCA77C2B2AE63)
_P5 = np.uint64(0x27D4EB2F165667C5)
MERSENNE = np.uint64((1 << 61) - 1)

_jit = nb.njit(cache=True, nogil=True, boundscheck=False)


@_jit
def _rotl(x, r):
    return (x << np.uint64(r)) | (x >> np.uint64(64 - r))


@_jit
def _read_le(buf, p, n):
    """n bytes from buf[p] as a little-endian integer (LLVM turns the loop into one load)."""
    v = np.uint64(0)
    for k in range(n):
        v |= np.uint64(buf[p + k]) << np.uint64(8 * k)
    return v


@_jit
def _round(acc, lane):
    return _rotl(acc + lane * _P2, 31) * _P1


@_jit
def xxh64(buf, start, length, seed):
    """XXH64 of buf[start:start+length] (the reference algorithm, as in the xxhash package)."""
    p, end = start, start + length
    if length >= 32:
        v1 = seed + _P1 + _P2
        v2 = seed + _P2
        v3 = seed
        v4 = seed - _P1
        while p + 32 <= end:
            v1 = _round(v1, _read_le(buf, p, 8))
            v2 = _round(v2, _read_le(buf, p + 8, 8))
            v3 = _round(v3, _read_le(buf, p + 16, 8))
            v4 = _round(v4, _read_le(buf, p + 24, 8))
            p += 32
        h = _rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)
        for v in (v1, v2, v3, v4):
            h = (h ^ _round(np.uint64(0), v)) * _P1 + _P4
    else:
        h = seed + _P5
    h += np.uint64(length)
    while p + 8 <= end:
        h = _rotl(h ^ _round(np.uint64(0), _read_le(buf, p, 8)), 27) * _P1 + _P4
        p += 8
    if p + 4 <= end:
        h = _rotl(h ^ (_read_le(buf, p, 4) * _P1), 23) * _P2 + _P3
        p += 4
    while p < end:
        h = _rotl(h ^ (np.uint64(buf[p]) * _P5), 11) * _P1
        p += 1
    h ^= h >> np.uint64(33)
    h *= _P2
    h ^= h >> np.uint64(29)
    h *= _P3
    h ^= h >> np.uint64(32)
    return h


@_jit
def word_starts(buf):
    """Byte offset of every word of space-joined words, plus len(buf) + 1 (one past the last)."""
    count = 1
    for i in range(buf.size):
        if buf[i] == 32:
            count += 1
    out = np.empty(count + 1, np.int64)
    out[0] = 0
    j = 1
    for i in range(buf.size):
        if buf[i] == 32:
            out[j] = i + 1
            j += 1
    out[count] = buf.size + 1
    return out


@_jit
def ngram_hashes(buf, starts, n_grams):
    """xxh64 of each word n-gram of space-joined words: n-gram i is words i .. i+n-1, i.e. the bytes
    from starts[i] up to the space before starts[i + n]."""
    out = np.empty(max(starts.size - n_grams, 0), np.uint64)
    for i in range(out.size):
        out[i] = xxh64(buf, starts[i], starts[i + n_grams] - 1 - starts[i], np.uint64(0))
    return out


@_jit
def min_permuted(hashes, a, b):
    """min over h in hashes of (a*h + b) mod (2^61 - 1), per permutation (a, b)."""
    sig = np.full(a.size, np.uint64(0xFFFFFFFFFFFFFFFF))
    for h in hashes:
        for j in range(a.size):
            x = a[j] * h + b[j]  # wraps around like datatrove's uint64 numpy arithmetic
            x = (x & MERSENNE) + (x >> np.uint64(61))  # 2^61 = 1 (mod 2^61 - 1): no division
            if x >= MERSENNE:
                x -= MERSENNE
            if x < sig[j]:
                sig[j] = x
    return sig


@_jit
def band_keys(sig, bands, rows):
    """xxh64 of each band's `rows` values (their bytes), seeded with the band's index."""
    sig_bytes = sig.view(np.uint8)
    out = np.empty(bands, np.uint64)
    for i in range(bands):
        out[i] = xxh64(sig_bytes, i * rows * 8, rows * 8, np.uint64(i))
    return out
