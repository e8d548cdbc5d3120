"""The dedup shuffle through Parquet on the storage backend: pieces come back exactly, S3 reads
fetch byte ranges (row groups) rather than whole files, and the pipeline's clusters are the same
as with Ray's object store, with nothing left behind."""
import os

import numpy as np
import pyarrow as pa

from curate.run.orchestrate import _task
from curate.stages import dedup, shuffle
from curate.store import storage
from tests.test_dedup import B, random_docs
from tests.test_pipeline_s3 import s3_server  # noqa: F401  (fixture: moto's S3 server on loopback)


def _pieces():
    rng = np.random.default_rng(0)
    rows = {"exact": rng.integers(0, 2**63, 5, dtype=np.uint64), "key": rng.integers(0, 2**62, 5),
            "prio": rng.integers(0, 10, 5), "bands": rng.integers(0, 2**63, (5, 14), dtype=np.uint64)}
    edges = {"src": np.arange(3), "dst": np.arange(3) + 10}
    return (dedup._split(rows["exact"], rows, 2) + [{k: v[:0] for k, v in rows.items()}]  # an empty piece too
            + [edges, {k: v[:0] for k, v in edges.items()}]
            + [{"exact": np.zeros(0, np.uint64), "bands": np.zeros((0, 0), np.uint64)}])


def _same(a, b):
    return a.keys() == b.keys() and all(a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]) for k in a)


def test_pieces_round_trip_one_file_per_kind(tmp_path):
    pieces = _pieces()
    assert any(len(p["exact"]) == 0 for p in pieces[:3])
    handles = shuffle.spill(str(tmp_path / "t"), pieces)
    assert len({h.uri for h in handles}) == 3 == len(os.listdir(tmp_path))
    assert all(_same(shuffle.load(h), p) for h, p in zip(handles, pieces))


def test_a_piece_past_a_million_rows_stays_one_piece(tmp_path):
    """A partition's bucket rows pass a million rows from about 75,000 documents (14 band keys each):
    each piece is still exactly one row group, so the pieces after it come back as written."""
    big = {"bucket": np.arange(1_300_000, dtype=np.uint64), "key": np.arange(1_300_000)}
    small = {"bucket": np.array([7, 8], np.uint64), "key": np.array([1, 2])}
    handles = shuffle.spill(str(tmp_path / "t"), [small, big, small])
    assert [len(shuffle.load(h)["key"]) for h in handles] == [2, 1_300_000, 2]
    assert all(_same(shuffle.load(h), p) for h, p in zip(handles, [small, big, small]))


def test_s3_pieces_are_read_by_byte_range(s3_server, monkeypatch):  # noqa: F811
    s3_server.create_bucket(Bucket="shuffle")
    pieces = _pieces()
    handles = shuffle.spill("s3://shuffle/run/map-00000", pieces)
    ranges = []
    real = storage._s3_get
    monkeypatch.setattr(storage, "_s3_get", lambda b, k, byte_range=None: ranges.append(byte_range) or real(b, k, byte_range))
    monkeypatch.setattr(storage._S3RangeReader, "TAIL", 64)  # smaller than the file: row groups need their own GETs
    assert all(_same(shuffle.load(h), p) for h, p in zip(handles, pieces))
    assert ranges and all(r is not None for r in ranges)  # never a whole-object GET
    assert any(not r.startswith("bytes=-") for r in ranges)


def test_spilled_stage_chain_equals_the_in_memory_one(tmp_path):
    """sig_map's pieces -> exact_reduce -> bucket_reduce, through `_task` as the workers run it."""
    docs, n = random_docs(3), 3
    cols = {"exact": np.array([d[2] for d in docs], np.uint64), "key": np.array([d[0] for d in docs], np.int64),
            "prio": np.array([d[1] for d in docs], np.int64), "bands": np.array([d[3] for d in docs], np.uint64).reshape(-1, B)}
    halves = [{k: v[i::2] for k, v in cols.items()} for i in range(2)]
    maps = [dedup._split(h["exact"], h, n) for h in halves]
    run = _task._function  # the task body, without Ray

    def chain(spill):
        prefix = (lambda name: str(tmp_path / name)) if spill else (lambda name: None)
        spilled_maps = [shuffle.spill(str(tmp_path / f"map{i}"), m) if spill else m for i, m in enumerate(maps)]
        exact = [run(dedup.exact_reduce, 3 * n, 1, True, prefix(f"exact{p}"), n, *[m[p] for m in spilled_maps]) for p in range(n)]
        return [run(dedup.bucket_reduce, n, 1, True, None, n, *[e[p] for e in exact]) for p in range(n)]

    plain, spilled = chain(False), chain(True)
    assert sum(len(piece["src"]) for out in plain for piece in out) > 0  # some candidate edges exist
    assert all(_same(a, b) for x, y in zip(plain, spilled) for a, b in zip(x, y))


def test_pipeline_dedup_is_the_same_spilled_or_in_memory(tmp_path):
    from curate.config import PipelineConfig
    from curate.run.orchestrate import dedup_documents

    rng = np.random.default_rng(7)
    vocab = ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), 6)) for _ in range(5000)]  # no digits: they normalise to 0
    texts = []
    for g in range(20):
        words = list(rng.choice(vocab, 80))
        for copy in range(1 + g % 3):  # groups of 1, 2 and 3 near-identical documents
            edited = list(words)
            edited[copy] = "anders"
            texts.append(" ".join(edited))
    table = pa.table({"text": texts, "id": [f"<urn:{i}>" for i in range(len(texts))], "date": ["2024-01-01T00:00:00Z"] * len(texts)})
    import pyarrow.parquet as pq

    pq.write_table(table, tmp_path / "docs.parquet", row_group_size=7)
    results = {}
    for spill, source in ((True, table), (False, table), ("file", str(tmp_path / "docs.parquet"))):
        cfg = PipelineConfig(output=str(tmp_path / str(spill)), ray_address="local", num_cpus=1, dedup_spill=bool(spill),
                             dedup_docs_per_partition=10, dedup_rows_per_map_task=15)  # 4 partitions, 3 map tasks
        results[spill] = dedup_documents(source, "deu_Latn", cfg, chunk=10).to_pylist()
        assert not os.path.exists(tmp_path / str(spill) / "_work" / "dedup" / "deu_Latn" / "shuffle")
    assert results[True] == results[False] == results["file"]  # the file read by the tasks, row group by row group
    assert sorted(r["cluster_size"] for r in results[True] if r["is_representative"]) == [1] * 7 + [2] * 7 + [3] * 6
