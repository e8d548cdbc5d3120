"""MinHash signatures and LSH band keys with FineWeb2's parameters, datatrove-compatible.

Shingles follow datatrove's `MinhashDedupSignature`: `simplify_text` (lowercase, digits -> 0,
punctuation removed, diacritics stripped), the language's word tokenizer, word 5-grams joined
by a space, 64-bit xxhash; 112 permutations (a*h + b) mod (2^61 - 1) seeded like datatrove, so
signatures equal datatrove's for the same text and tokenizer. Each of the 14 bands (8 values)
is reduced to one 64-bit bucket key (xxhash of its bytes, seeded with the band index), which is
all the LSH stage needs to compare.
"""
from __future__ import annotations

import functools

import numpy as np
import xxhash
from datatrove.utils.hashing import HashConfig, create_hash_func
from datatrove.utils.text import TextNormConfig, ngrams, simplify_text

from curate.config import MinhashParams

_MERSENNE = np.uint64((1 << 61) - 1)
_HASH = create_hash_func(HashConfig(precision=64, hash_fc="xxhash"))
_NORM = TextNormConfig()


@functools.lru_cache(maxsize=None)
def _permutations(seed: int, num_hashes: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(seed)
    a = gen.randint(1, _MERSENNE, dtype=np.uint64, size=(1, num_hashes))
    b = gen.randint(0, _MERSENNE, dtype=np.uint64, size=(1, num_hashes))
    return a, b


def shingles(text: str, tokenizer, n_grams: int, simplified: str | None = None) -> np.ndarray:
    words = tokenizer.word_tokenize(simplify_text(text, _NORM) if simplified is None else simplified)
    return np.fromiter((_HASH(" ".join(g)) for g in ngrams(words, n_grams)), dtype=np.uint64)


def signature(sh: np.ndarray, params: MinhashParams) -> np.ndarray | None:
    """112 uint64 min-hashes, or None when the text has fewer words than one shingle."""
    if sh.size == 0:
        return None
    a, b = _permutations(params.seed, params.num_buckets * params.hashes_per_bucket)
    with np.errstate(over="ignore"):  # uint64 wrap-around is part of datatrove's definition
        return ((sh.reshape(-1, 1) * a + b) % _MERSENNE).min(axis=0)


def band_keys(sig: np.ndarray, params: MinhashParams) -> list[int]:
    bands = sig.reshape(params.num_buckets, params.hashes_per_bucket)
    return [xxhash.xxh64_intdigest(bands[i].tobytes(), seed=i) for i in range(params.num_buckets)]


def doc_bands(text: str, tokenizer, params: MinhashParams) -> list[int] | None:
    return doc_hashes(text, tokenizer, params)[0]


def doc_hashes(text: str, tokenizer, params: MinhashParams) -> tuple[list[int] | None, int]:
    """(LSH band keys or None, exact hash of the normalised text): exact duplicates share the second."""
    simplified = simplify_text(text, _NORM)
    sig = signature(shingles(text, tokenizer, params.n_grams, simplified), params)
    return (None if sig is None else band_keys(sig, params)), xxhash.xxh64_intdigest(simplified)
