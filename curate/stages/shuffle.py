"""Shuffle pieces spilled to Parquet on the storage backend.

A dedup map task splits its output into n pieces, one per hash partition (`dedup._split`). With
`dedup_spill: true` (the default) it writes all n into ONE Parquet file, piece p as row group p
(one file per kind of piece when a task emits several, e.g. bucket rows and edges), and passes on
only `Spilled(uri, p)` handles; the reduce task for partition p reads row group p of
each map file (on S3 through ranged GETs). So bucket rows and candidate edges live on the storage
backend, not in Ray's object store or in any process beyond the partition being reduced, and a
language's shuffle costs one file per map task, not one per (map task, partition).

Pieces are dicts of numpy arrays with equal row counts: 1-D integer columns, and 2-D uint64
columns (a document's band keys) stored as fixed-size lists.
"""
from __future__ import annotations

import json
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from curate.store import storage

Cols = dict[str, np.ndarray]


class Spilled(NamedTuple):
    uri: str
    part: int


def _table(piece: Cols) -> pa.Table:
    cols = {}
    for name, a in piece.items():
        if a.ndim == 2:
            flat = pa.array(a.reshape(-1), pa.uint64())
            cols[name] = pa.FixedSizeListArray.from_arrays(flat, a.shape[1]) if a.shape[1] else pa.nulls(len(a), pa.null())
        else:
            cols[name] = pa.array(a)
    return pa.table(cols)


def spill(prefix: str, pieces: list[Cols]) -> list[Spilled]:
    """Write the pieces as row groups of `{prefix}-{k}.parquet`, one file (written atomically) per
    kind of piece (same columns), and return a handle per piece, in order."""
    import pyarrow.parquet as pq

    kinds: dict[tuple[str, ...], list[int]] = {}
    for i, piece in enumerate(pieces):
        kinds.setdefault(tuple(piece), []).append(i)
    handles: list[Spilled] = [None] * len(pieces)  # type: ignore[list-item]
    for k, idx in enumerate(kinds.values()):
        uri = f"{prefix}-{k}.parquet"
        first = pieces[idx[0]]
        meta = {name: [str(a.dtype), list(a.shape[1:])] for name, a in first.items()}
        tables = [_table(pieces[i]) for i in idx]
        schema = tables[0].schema.with_metadata({"curate.stages.shuffle": json.dumps(meta)})
        with storage.atomic_writer(uri) as f, pq.ParquetWriter(f, schema) as w:
            for t in tables:  # one row group per piece, empty ones included: row group j = piece idx[j]
                # whatever its size: pyarrow splits a table past 1,048,576 rows into several row groups
                # by default, which would shift every later piece (a partition past ~75,000 documents)
                w.write_table(t.cast(schema), row_group_size=max(1, t.num_rows))
        for j, i in enumerate(idx):
            handles[i] = Spilled(uri, j)
    return handles


def load(handle: Spilled) -> Cols:
    with storage.open_parquet(handle.uri) as f:
        meta = json.loads(f.schema_arrow.metadata[b"curate.stages.shuffle"])
        t = f.read_row_group(handle.part)
    out = {}
    for name, (dtype, tail) in meta.items():
        col = t.column(name).combine_chunks()
        if tail:  # 2-D
            width = tail[0]
            values = col.values.to_numpy() if width else np.zeros(0, np.uint64)
            out[name] = values.astype(dtype, copy=False).reshape(len(col), width)
        else:
            out[name] = col.to_numpy().astype(dtype, copy=False)
    return out
