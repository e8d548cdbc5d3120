"""Distributed dedup must equal a plain union-find, for any partition count, with exact folding,
date priorities, and incremental runs through the index."""
import numpy as np
import pytest

from curate.stages import dedup

B = 4  # bands per document in these synthetic cases


def reference(buckets, keys, prios):
    """Union-find over shared band keys; representative = smallest (priority, key)."""
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
                parent[ra] = rb
        else:
            first[b] = k
            find(k)
    comps = {}
    for k in set(keys.tolist()):
        comps.setdefault(find(k), set()).add(k)
    out = {}
    for c in comps.values():
        if len(c) > 1:
            rep = min(c, key=lambda k: (prios[k], k))
            out.update({k: (rep, len(c)) for k in c})
    return out


def run(docs, n, splits=3):
    """docs: list of (key, prio, exact, bands). Runs map -> exact -> buckets -> rounds -> sizes in-process."""
    keys = np.array([d[0] for d in docs], np.int64)
    idx_chunks = np.array_split(np.arange(len(docs)), splits)
    maps = []
    for idx in idx_chunks:
        cols = {"exact": np.array([docs[i][2] for i in idx], np.uint64), "key": keys[idx],
                "prio": np.array([docs[i][1] for i in idx], np.int64),
                "bands": np.array([docs[i][3] for i in idx], np.uint64).reshape(len(idx), B)}
        maps.append(dedup._split(cols["exact"], cols, n))
    exact = [dedup.exact_reduce(n, [m[p] for m in maps]) for p in range(n)]
    buckets = [dedup.bucket_reduce(n, [e[0][p] for e in exact]) for p in range(n)]
    states = [dedup.cc_init([b[p] for b in buckets] + [e[1][p] for e in exact]) for p in range(n)]
    msgs, first = [[] for _ in range(n)], True
    for _round in range(100):
        outs, sent = [], 0
        for p in range(n):
            states[p], s, o = dedup.cc_round(states[p], n, first, msgs[p])
            outs.append(o)
            sent += s
        first = False
        msgs = [[outs[q][p] for q in range(n)] for p in range(n)]
        if sent == 0:
            break
    labels, sizes = {}, {}
    for s in states:
        labels.update(zip(s.nodes.tolist(), s.label_key.tolist()))
    for lab in labels.values():
        sizes[lab] = sizes.get(lab, 0) + 1
    return {k: (lab, sizes[lab]) for k, lab in labels.items()}


def random_docs(seed, n_docs=300):
    rng = np.random.default_rng(seed)
    keys = rng.choice(2**62, size=n_docs, replace=False)
    docs = []
    for i, k in enumerate(keys):
        bands = rng.integers(1, 2**63, size=B, dtype=np.uint64)
        shared = rng.random(B) < 0.05
        bands[shared] = rng.integers(1, 40, size=int(shared.sum()))
        docs.append([int(k), int(rng.integers(0, 5)), int(rng.integers(0, 2**63)), bands])
    for i in range(0, n_docs, 17):  # exact copies: same normalised text, same bands
        j = (i * 7 + 3) % n_docs
        docs[j][2], docs[j][3] = docs[i][2], docs[i][3].copy()
    return docs


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n", [1, 2, 5])
def test_components_equal_union_find(seed, n):
    docs = random_docs(seed)
    # reference graph: shared band keys, and exact copies (same exact hash) are one bucket too
    b = np.concatenate([d[3] for d in docs] + [np.array([d[2] | 1 << 63 for d in docs], np.uint64)])
    k = np.concatenate([np.repeat(np.array([d[0] for d in docs], np.int64), B), np.array([d[0] for d in docs], np.int64)])
    expected = reference(b, k, {d[0]: d[1] for d in docs})
    got = run(docs, n)
    assert got == expected
    assert len(got) > 20


def test_partition_count_does_not_change_survivors():
    docs = random_docs(7)
    assert run(docs, 1) == run(docs, 3) == run(docs, 8)


def test_long_chain_converges_and_earliest_document_represents():
    # doc i shares a band with doc i+1: a path of 60 nodes; doc 30 has the earliest date
    docs = []
    for i in range(60):
        bands = np.array([1000 + i, 1000 + i + 1, 5_000_000 + i, 6_000_000 + i], np.uint64)
        docs.append([10 + i, 0 if i == 30 else 5, 10_000 + i, bands])
    got = run(docs, 3)
    assert set(got.values()) == {(40, 60)} and len(got) == 60


def test_documents_too_short_to_shingle_are_never_clustered(tmp_path):
    """FineWeb2 gives no signature to texts under 5 words: identical short texts stay separate
    (they reach the filters, e.g. gopher_short_doc, instead of counting as duplicates)."""
    import pyarrow as pa

    from curate.config import PipelineConfig
    from curate.run.orchestrate import dedup_documents

    texts = ["Hallo Welt!", "hallo welt", "HALLO, WELT.", "", "   ",
             "Die Stadt liegt am Ufer des Flusses und ist seit langem ein Handelsplatz.",
             "Die Stadt liegt am Ufer des Flusses und ist seit langem ein Handelsplatz."]
    table = pa.table({"text": texts, "id": [f"<urn:{i}>" for i in range(len(texts))], "date": ["2024-01-01T00:00:00Z"] * len(texts)})
    cfg = PipelineConfig(output=str(tmp_path), ray_address="local", num_cpus=1)
    out = dedup_documents(table, "deu_Latn", cfg).to_pylist()
    assert [r["cluster_size"] for r in out] == [1, 1, 1, 1, 1, 2, 2]
    assert [r["is_representative"] for r in out].count(False) == 1
