"""Shared pieces of the dedup benchmark: FineWeb2 shingles, union-find, clustering agreement. Importing it
puts the repository and bench/ (measure.py, procfs.py, run_failed.py, ...) on sys.path.

Shingles are exactly what datatrove's `MinhashDedupSignature` hashes: `simplify_text` with the default
`TextNormConfig`, the language's word tokenizer (`filters.tokenizers.word_tokenizer(lang)[0]`, which is
datatrove's assigned tokenizer for every language used here), word 5-grams joined by one space. The
ground-truth Jaccard of two documents is the Jaccard of these shingle *string* sets.
"""
from __future__ import annotations

import os
import sys
from itertools import combinations

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BENCH = os.path.join(REPO, "bench")
for _p in (REPO, BENCH):  # after bench/dedup itself, so that its modules come first
    if _p not in sys.path:
        sys.path.insert(1, _p)

from datatrove_minhash import BANDS, N_GRAMS, ROWS  # noqa: E402  FineWeb2's MinHash parameters

WORK_DEFAULT = os.environ.get("CURATE_DEDUP_BENCH_WORK", "/tmp/curate-dedup-bench")

# iso-639-1 (lingua sentence dirs) -> FineWeb2 code; one language per script family asked for.
LANGS = {"de": "deu_Latn", "fr": "fra_Latn", "ru": "rus_Cyrl", "zh": "cmn_Hani", "th": "tha_Thai", "ar": "arb_Arab"}


def tokenizer(lang: str):
    from filters.tokenizers import word_tokenizer

    return word_tokenizer(lang)[0]


def shingle_set(text: str, lang: str) -> frozenset[str]:
    from datatrove.utils.text import TextNormConfig, ngrams, simplify_text

    words = tokenizer(lang).word_tokenize(simplify_text(text, TextNormConfig()))
    return frozenset(" ".join(g) for g in ngrams(words, N_GRAMS))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 0.0  # no shingles: never a MinHash candidate in any of the three systems
    return len(a & b) / len(a | b)


def lsh_probability(j: float, b: int = BANDS, r: int = ROWS) -> float:
    """P(two docs with Jaccard j share at least one band) for b bands of r rows."""
    return 1.0 - (1.0 - j ** r) ** b


class UnionFind:
    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        p = self.parent.setdefault(x, x)
        root = x
        while p != root:
            root, p = p, self.parent.setdefault(p, p)
        while x != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def labels_from_pairs(ids: list[str], pairs) -> dict[str, str]:
    """id -> cluster label (smallest id of its component); singletons label themselves."""
    uf = UnionFind()
    for a, b in pairs:
        uf.union(a, b)
    return {i: uf.find(i) for i in ids}


def co_clustered_pairs(labels: dict[str, object]) -> set[tuple[str, str]]:
    """Every unordered pair (a < b) of documents that share a cluster label."""
    groups: dict[object, list[str]] = {}
    for i, lab in labels.items():
        groups.setdefault(lab, []).append(i)
    out = set()
    for members in groups.values():
        if len(members) > 1:
            out.update(combinations(sorted(members), 2))
    return out


def _comb2(x: np.ndarray) -> float:
    return float((x * (x - 1) // 2).sum())


def adjusted_rand_index(a: dict[str, object], b: dict[str, object]) -> float:
    """ARI of two clusterings of the same ids (labels are arbitrary hashables)."""
    ids = sorted(a)
    assert set(ids) == set(b), "clusterings cover different documents"
    la = {lab: k for k, lab in enumerate(dict.fromkeys(a[i] for i in ids))}
    lb = {lab: k for k, lab in enumerate(dict.fromkeys(b[i] for i in ids))}
    ia = np.fromiter((la[a[i]] for i in ids), dtype=np.int64, count=len(ids))
    ib = np.fromiter((lb[b[i]] for i in ids), dtype=np.int64, count=len(ids))
    pair = ia * (len(lb) + 1) + ib
    _, nij = np.unique(pair, return_counts=True)
    _, ai = np.unique(ia, return_counts=True)
    _, bj = np.unique(ib, return_counts=True)
    n = len(ids)
    sum_ij, sum_a, sum_b, total = _comb2(nij), _comb2(ai), _comb2(bj), n * (n - 1) / 2
    expected = sum_a * sum_b / total if total else 0.0
    max_index = (sum_a + sum_b) / 2
    if max_index == expected:
        return 1.0
    return (sum_ij - expected) / (max_index - expected)


def pairwise_f1(a: dict[str, object], b: dict[str, object]) -> dict:
    """Co-clustered-pair precision/recall/F1 of clustering `a` against clustering `b`."""
    pa, pb = co_clustered_pairs(a), co_clustered_pairs(b)
    inter = len(pa & pb)
    p = inter / len(pa) if pa else 1.0
    r = inter / len(pb) if pb else 1.0
    return {"pairs_a": len(pa), "pairs_b": len(pb), "common": inter, "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0}


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2
