"""MinHash signatures and LSH band keys with FineWeb2's parameters, datatrove-compatible.

Shingles follow datatrove's `MinhashDedupSignature`: `simplify_text` (lowercase, digits -> 0,
punctuation removed, diacritics stripped), the language's word tokenizer, word 5-grams joined
by a space, 64-bit xxhash; 112 permutations (a*h + b) mod (2^61 - 1) seeded like datatrove, so
signatures equal datatrove's for the same text and tokenizer. Each of the 14 bands (8 values)
is reduced to one 64-bit bucket key (xxhash of its bytes, seeded with the band index), which is
all the LSH stage needs to compare.

`simplify` is datatrove's `simplify_text` rebuilt from regexes (bit-identical, tested against it
on real and fuzzed text) and the permutations use an in-place, division-free Mersenne reduction.
"""
from __future__ import annotations

import functools
import re
import sys
import unicodedata

import numpy as np
import regex
import xxhash
from datatrove.utils.text import NUMBERS_PATTERN, PUNCTUATION_TRANS

from curate.config import MinhashParams

_MERSENNE = np.uint64((1 << 61) - 1)
_PERM_CHUNK = 2048  # shingles per numpy block: 2k x 112 x 8 B = 1.8 MB of temporaries


@functools.cache
def _patterns() -> tuple[re.Pattern, regex.Pattern]:
    """datatrove's punctuation table as one character class, and the combining marks (category Mn)
    of *this* interpreter's unicodedata, the table datatrove's diacritics loop consults: `regex`'s
    own Unicode version differs (110 more Mn code points, one fewer), so the set is corrected and
    checked against unicodedata once per process."""
    punctuation = re.compile(f"[{''.join(re.escape(chr(cp)) for cp in PUNCTUATION_TRANS)}]")
    everything = "".join(chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF)
    wanted = {c for c in everything if unicodedata.category(c) == "Mn"}
    has = set(regex.findall(r"\p{Mn}", everything))
    esc = lambda chars: "".join(regex.escape(c) for c in sorted(chars))  # noqa: E731
    marks = regex.compile(rf"(?V1)[[\p{{Mn}}--[{esc(has - wanted)}]]{esc(wanted - has)}]+")
    if set("".join(marks.findall(everything))) != wanted:
        raise RuntimeError("combining-mark pattern disagrees with unicodedata")
    return punctuation, marks


def simplify(text: str) -> str:
    """datatrove's `simplify_text(text)` with its default settings, step by step (lowercase, digits
    -> 0, punctuation -> space, whitespace runs -> one space, NFD minus combining marks), same
    output, a sixth of the CPU: C-level passes instead of a Python loop over every character."""
    punctuation, marks = _patterns()
    # datatrove: WHITESPACE_PATTERN (\s+) -> " " after strip(); str.split() splits on the same
    # characters (both use Py_UNICODE_ISSPACE), at a quarter of the cost
    text = " ".join(punctuation.sub(" ", NUMBERS_PATTERN.sub("0", text.lower())).split())
    if text.isascii():  # NFD leaves ASCII unchanged and it holds no combining marks
        return text
    return marks.sub("", unicodedata.normalize("NFD", text)).strip()


@functools.cache
def _permutations(seed: int, num_hashes: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(seed)
    a = gen.randint(1, _MERSENNE, dtype=np.uint64, size=(1, num_hashes))
    b = gen.randint(0, _MERSENNE, dtype=np.uint64, size=(1, num_hashes))
    return a, b


def shingles(text: str, tokenizer, n_grams: int, simplified: str | None = None) -> np.ndarray:
    """xxh64 of every word n-gram joined by a space (datatrove's `ngrams` + `xxhash64`), with the
    hash called straight from C through `map` rather than a Python frame per shingle."""
    words = tokenizer.word_tokenize(simplify(text) if simplified is None else simplified)
    count = len(words) - n_grams + 1
    if count <= 0:
        return np.empty(0, np.uint64)
    grams = [" ".join(words[i:i + n_grams]) for i in range(count)]
    return np.fromiter(map(xxhash.xxh64_intdigest, grams), dtype=np.uint64, count=count)


def _min_permuted(sh: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """min over shingles h of (a*h + b) mod (2^61 - 1), per permutation: datatrove's `%` without a
    division, and in place (this is most of a signature's CPU)."""
    with np.errstate(over="ignore"):  # uint64 wrap-around is part of datatrove's definition
        x = sh.reshape(-1, 1) * a
        x += b
    high = x >> np.uint64(61)
    x &= _MERSENNE
    x += high  # 2^61 = 1 (mod 2^61 - 1), so x is now congruent and below 2^61 + 7
    if x.max() < _MERSENNE:  # all already reduced (x >= 2^61 - 1 has odds of ~2^-58 per value)
        return x.min(axis=0)
    return np.where(x >= _MERSENNE, x - _MERSENNE, x).min(axis=0)


def signature(sh: np.ndarray, params: MinhashParams) -> np.ndarray | None:
    """112 uint64 min-hashes, or None when the text has fewer words than one shingle."""
    if not sh.size:
        return None
    a, b = _permutations(params.seed, params.num_buckets * params.hashes_per_bucket)
    # long documents in blocks, so temporaries stay small (and in cache)
    blocks = [_min_permuted(sh[j:j + _PERM_CHUNK], a, b) for j in range(0, sh.size, _PERM_CHUNK)]
    return blocks[0] if len(blocks) == 1 else np.min(blocks, axis=0)


def band_keys(sig: np.ndarray, params: MinhashParams) -> list[int]:
    bands = sig.reshape(params.num_buckets, params.hashes_per_bucket)
    return [xxhash.xxh64_intdigest(bands[i].tobytes(), seed=i) for i in range(params.num_buckets)]


def doc_bands(text: str, tokenizer, params: MinhashParams) -> list[int] | None:
    return doc_hashes(text, tokenizer, params)[0]


def doc_hashes(text: str, tokenizer, params: MinhashParams) -> tuple[list[int] | None, int]:
    """(LSH band keys or None, exact hash of the normalised text): exact duplicates share the second."""
    simplified = simplify(text)
    sig = signature(shingles(text, tokenizer, params.n_grams, simplified), params)
    return (None if sig is None else band_keys(sig, params)), xxhash.xxh64_intdigest(simplified)
