"""Distributed connected components must equal a plain union-find, for any partition count."""
import numpy as np
import pytest

from curate import dedup


def components_reference(buckets, keys):
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first = {}
    for b, k in zip(buckets.tolist(), keys.tolist()):
        if b in first:
            ra, rb = find(first[b]), find(k)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        else:
            first[b] = k
            find(k)
    comps = {}
    for k in set(keys.tolist()):
        comps.setdefault(find(k), set()).add(k)
    return {k: (min(c), len(c)) for c in comps.values() if len(c) > 1 for k in c}


def run_distributed(buckets, keys, n, split_maps=3):
    chunks = np.array_split(np.arange(len(keys)), split_maps)
    maps = []
    for idx in chunks:
        b, k = buckets[idx], keys[idx]
        maps.append(dedup._split(b, {"bucket": b, "doc_key": k}, n))
    reds = [dedup.bucket_reduce([m[p] for m in maps], n) for p in range(n)]
    states = [dedup.cc_init([r[p] for r in reds]) for p in range(n)]
    msgs, first, rounds = [[] for _ in range(n)], True, 0
    while True:
        outs, sent = [], 0
        for p in range(n):
            states[p], s, o = dedup.cc_round(states[p], msgs[p], n, first)
            outs.append(o)
            sent += s
        first, rounds = False, rounds + 1
        msgs = [[outs[q][p] for q in range(n)] for p in range(n)]
        if sent == 0:
            break
    labels = {}
    for s in states:
        labels.update(zip(s.nodes.tolist(), s.labels.tolist()))
    sizes = {}
    for lab in labels.values():
        sizes[lab] = sizes.get(lab, 0) + 1
    return {k: (lab, sizes[lab]) for k, lab in labels.items()}, rounds


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n", [1, 2, 5])
def test_components_equal_union_find(seed, n):
    rng = np.random.default_rng(seed)
    docs = rng.choice(2**62, size=400, replace=False).astype(np.int64)
    # 14 band keys per doc; a few shared keys create chains and stars
    keys = np.repeat(docs, 14)
    buckets = rng.integers(0, 2**63, size=keys.size, dtype=np.uint64)
    shared = rng.integers(0, 60, size=keys.size)
    mask = rng.random(keys.size) < 0.02
    buckets[mask] = shared[mask].astype(np.uint64)
    got, _ = run_distributed(buckets, keys, n)
    assert got == components_reference(buckets, keys)
    assert len(got) > 20  # the case exercises real clusters


def test_long_chain_converges_and_representative_is_smallest():
    # doc i shares a bucket with doc i+1: a path of 100 nodes
    buckets = np.array([b for i in range(99) for b in (i, i)], np.uint64)
    keys = np.array([k for i in range(99) for k in (i + 1, i + 2)], np.int64)
    got, rounds = run_distributed(buckets, keys, 3)
    assert set(got.values()) == {(1, 100)} and len(got) == 100
