"""Stage 2, per language: LSH buckets -> candidate edges -> connected components -> cluster sizes.

Every step works on one hash partition of the data, so no process ever holds all of a
language's signatures or pairs (the orchestrator wires partitions together as Ray tasks):

1. `bucket_map`: a group of staged parts -> (bucket key, doc) rows, split by bucket key % P.
2. `bucket_reduce`: one bucket partition -> star edges (smallest doc of a bucket <-> each other
   doc), both directions, split by source % P.
3. `cc_round` (repeated): min-label propagation over a node partition. Every node's label
   starts as its own key; each round a node takes the smallest label it hears from a neighbour
   and forwards only changed labels. It ends when nothing changes: each component is then
   labelled by its smallest doc key, whatever the partitioning or the order tasks finish in,
   and that document is the cluster's representative.
4. `cluster_map` / `cluster_reduce`: (label, node) rows shuffled by label give each cluster's
   size, written back per node.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from curate import storage
from curate.schema import CLUSTER_SCHEMA


def _split(keys: np.ndarray, cols: dict[str, np.ndarray], n: int) -> list[dict[str, np.ndarray]]:
    part = (keys % n).astype(np.int64) if keys.dtype != np.uint64 else (keys % np.uint64(n)).astype(np.int64)
    return [{k: v[part == p] for k, v in cols.items()} for p in range(n)]


def bucket_map(part_uris: list[str], n_partitions: int) -> list[dict[str, np.ndarray]]:
    buckets, keys = [], []
    for uri in part_uris:
        t = storage.read_parquet(uri, columns=["doc_key", "minhash_bands"])
        bands = t.column("minhash_bands")
        has = pa.compute.is_valid(bands)
        t = t.filter(has)
        if t.num_rows == 0:
            continue
        flat = pa.compute.list_flatten(t.column("minhash_bands")).to_numpy()
        lengths = pa.compute.list_value_length(t.column("minhash_bands")).to_numpy()
        buckets.append(flat)
        keys.append(np.repeat(t.column("doc_key").to_numpy(), lengths))
    b = np.concatenate(buckets) if buckets else np.zeros(0, np.uint64)
    k = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    return _split(b, {"bucket": b, "doc_key": k}, n_partitions)


def bucket_reduce(pieces: list[dict[str, np.ndarray]], n_partitions: int) -> list[dict[str, np.ndarray]]:
    b = np.concatenate([p["bucket"] for p in pieces])
    k = np.concatenate([p["doc_key"] for p in pieces])
    if b.size == 0:
        empty = np.zeros(0, np.int64)
        return _split(empty, {"src": empty, "dst": empty}, n_partitions)
    order = np.lexsort((k, b))
    b, k = b[order], k[order]
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    head = np.repeat(k[starts], np.diff(np.r_[starts, len(b)]))  # smallest doc of each bucket
    mask = head != k
    src, dst = head[mask], k[mask]
    both_src = np.concatenate([src, dst])
    both_dst = np.concatenate([dst, src])
    if both_src.size:
        pairs = np.unique(np.stack([both_src, both_dst], axis=1), axis=0)
        both_src, both_dst = pairs[:, 0], pairs[:, 1]
    return _split(both_src, {"src": both_src, "dst": both_dst}, n_partitions)


@dataclass
class NodePartition:
    """One node partition's edges (sorted by src) and current labels (aligned with `nodes`)."""

    src: np.ndarray
    dst: np.ndarray
    nodes: np.ndarray
    labels: np.ndarray


def cc_init(pieces: list[dict[str, np.ndarray]]) -> NodePartition:
    src = np.concatenate([p["src"] for p in pieces]) if pieces else np.zeros(0, np.int64)
    dst = np.concatenate([p["dst"] for p in pieces]) if pieces else np.zeros(0, np.int64)
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    nodes = np.unique(src)
    return NodePartition(src, dst, nodes, nodes.copy())


def cc_round(state: NodePartition, messages: list[dict[str, np.ndarray]], n_partitions: int, first: bool):
    """Apply incoming (node, label) messages; return (state, messages sent, outgoing messages).
    The components are final once a round sends no message."""
    labels = state.labels.copy()
    for m in messages:
        if m["node"].size:
            idx = np.searchsorted(state.nodes, m["node"])
            np.minimum.at(labels, idx, m["label"])
    changed = np.ones(len(labels), bool) if first else labels < state.labels
    state = NodePartition(state.src, state.dst, state.nodes, labels)
    changed_nodes = state.nodes[changed]
    sel = np.isin(state.src, changed_nodes)
    src, dst = state.src[sel], state.dst[sel]
    lab = labels[np.searchsorted(state.nodes, src)]
    if dst.size:  # pre-reduce: one message per destination, the smallest label
        order = np.lexsort((lab, dst))
        dst, lab = dst[order], lab[order]
        first_of = np.r_[True, dst[1:] != dst[:-1]]
        dst, lab = dst[first_of], lab[first_of]
        keep = lab < dst  # a label never exceeds a node's own key, so larger ones cannot win
        dst, lab = dst[keep], lab[keep]
    return state, int(dst.size), _split(dst, {"node": dst, "label": lab}, n_partitions)


def cluster_map(state: NodePartition, n_partitions: int) -> list[dict[str, np.ndarray]]:
    return _split(state.labels, {"label": state.labels, "node": state.nodes}, n_partitions)


def cluster_reduce(pieces: list[dict[str, np.ndarray]], out_uri: str) -> int:
    """Write (doc_key, cluster_id, cluster_size) for one label partition; returns rows written."""
    label = np.concatenate([p["label"] for p in pieces]) if pieces else np.zeros(0, np.int64)
    node = np.concatenate([p["node"] for p in pieces]) if pieces else np.zeros(0, np.int64)
    uniq, inverse, counts = np.unique(label, return_inverse=True, return_counts=True)
    order = np.argsort(node)
    table = pa.table({"doc_key": node[order], "cluster_id": label[order], "cluster_size": counts[inverse][order]},
                     schema=CLUSTER_SCHEMA)
    storage.write_parquet(out_uri, table)
    return table.num_rows


def load_clusters(cluster_uris: list[str], doc_keys: np.ndarray) -> dict[int, tuple[int, int]]:
    """doc_key -> (cluster_id, cluster_size) for the given documents (non-singletons only)."""
    out: dict[int, tuple[int, int]] = {}
    keys = pa.array(doc_keys, pa.int64())
    for uri in cluster_uris:
        t = storage.read_parquet(uri)
        t = t.filter(pa.compute.is_in(t.column("doc_key"), value_set=keys))
        for k, c, s in zip(*(t.column(n).to_numpy() for n in ("doc_key", "cluster_id", "cluster_size"))):
            out[int(k)] = (int(c), int(s))
    return out
