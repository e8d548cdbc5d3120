"""Deduplicating snapshot B after snapshot A through the persisted index gives the same
survivors and cluster sizes as deduplicating A and B together."""
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from curate.stages.dedup_index import committed_runs, files, load_clusters_and_aliases
from tests.util import SAMPLE, run_cli

SHARDS = sorted((SAMPLE / "CC-MAIN-SAMPLE").glob("*.warc.gz"))


def later_copy(src: Path, dst: Path) -> None:
    """The same records crawled 15 years later (snapshot B comes after A)."""
    with open(src, "rb") as f, open(dst, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for rec in ArchiveIterator(f):
            date = rec.rec_headers.get_header("WARC-Date")
            if date:
                rec.rec_headers.replace_header("WARC-Date", str(int(date[:4]) + 15) + date[4:])
            rec.rec_headers.replace_header("WARC-Record-ID", rec.rec_headers.get_header("WARC-Record-ID").replace("-", "b", 1))
            writer.write_record(rec)


def survivors(out: Path) -> dict[str, int]:
    """id -> minhash_cluster_size of every document that survived deduplication."""
    result = {}
    for f in (out / "data").rglob("*.parquet"):
        for r in pq.read_table(f, columns=["id", "minhash_cluster_size"]).to_pylist():
            if r["minhash_cluster_size"] is not None:  # None: below the LID threshold, never deduplicated
                result[r["id"]] = r["minhash_cluster_size"]
    return result


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    a, b, both = root / "A", root / "B", root / "AB"
    for d in (a, b, both):
        d.mkdir()
    for s in SHARDS[:2]:
        shutil.copy(s, a / s.name)
        shutil.copy(s, both / s.name)
    for s in SHARDS[2:]:
        later_copy(s, b / s.name)
        shutil.copy(b / s.name, both / s.name)
    return root


def test_incremental_equals_together(snapshots):
    root = snapshots
    cfg = root / "c.yaml"
    cfg.write_text(f"dedup_index: {root / 'index'}\ndedup_docs_per_partition: 16\n")
    plain = root / "plain.yaml"
    plain.write_text("dedup_docs_per_partition: 16\n")
    for args in (("--input", str(root / "AB"), "--output", str(root / "out_AB"), "--config", str(plain)),
                 ("--input", str(root / "A"), "--output", str(root / "out_A"), "--config", str(cfg)),
                 ("--input", str(root / "B"), "--output", str(root / "out_B"), "--config", str(cfg))):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr[-3000:]

    together = survivors(root / "out_AB")
    a, b = survivors(root / "out_A"), survivors(root / "out_B")
    assert not set(a) & set(b)
    assert set(a) | set(b) == set(together)
    # sizes of A's released clusters grew with B's duplicates: the index holds the current sizes
    from curate.stages.shard import doc_key

    index = str(root / "index")
    current = {}
    for lang in sorted(p.name for p in (root / "index").iterdir()):
        runs = committed_runs(index, lang, exclude="none")
        weights, _ = load_clusters_and_aliases(files(index, lang, runs, "clusters"), files(index, lang, runs, "aliases"))
        current.update(weights)
    sizes = {**{i: current.get(doc_key(i), (0, s))[1] for i, s in a.items()}, **b}
    assert sizes == together
    grown = [i for i in a if sizes[i] > a[i]]
    assert grown, "the sample has clusters spanning both snapshots"
    # B's copies of documents A already released were dropped, not re-released
    assert sum(s for s in b.values()) < sum(s for s in together.values())
