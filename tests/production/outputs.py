"""Comparing two pipeline outputs the way a user would: the dataset files and stats.json byte for
byte, and the documents they hold (none lost, none duplicated)."""
from __future__ import annotations

import collections
from pathlib import Path

import pyarrow.parquet as pq


def dataset_files(out: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(out)): p.read_bytes() for p in (out / "data").rglob("*") if p.is_file()}
    files["stats.json"] = (out / "stats.json").read_bytes()
    return files


def documents(out: Path) -> collections.Counter:
    """(subset, split, WARC-Record-ID) of every document in the dataset, with multiplicity."""
    docs = collections.Counter()
    for p in (out / "data").rglob("*.parquet"):
        subset, split = p.parent.parent.name, p.parent.name
        docs.update((subset, split, i) for i in pq.read_table(p, columns=["id"]).column("id").to_pylist())
    return docs


def assert_same_output(got: Path, want: Path, context: str) -> None:
    g, w = documents(got), documents(want)
    dup = [k for k, n in g.items() if n > 1]
    assert not dup, f"{context}: duplicated documents {dup[:5]}"
    assert set(g) == set(w), f"{context}: lost {sorted(set(w) - set(g))[:5]} extra {sorted(set(g) - set(w))[:5]}"
    gf, wf = dataset_files(got), dataset_files(want)
    assert sorted(gf) == sorted(wf), f"{context}: file sets differ: {sorted(set(gf) ^ set(wf))[:10]}"
    differ = [k for k in wf if gf[k] != wf[k]]
    assert not differ, f"{context}: files differ: {differ[:10]}"
    leftovers = [str(p) for p in got.rglob("*") if ".tmp-" in p.name]
    assert not leftovers, f"{context}: temporaries left in the output: {leftovers[:5]}"
