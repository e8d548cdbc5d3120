"""Stage 2, per language: exact folding -> LSH buckets -> connected components -> cluster sizes.

Every step works on one hash partition of the data, so no process holds all of a language's
signatures or pairs (the orchestrator wires partitions together as Ray tasks):

1. `sig_map`: staged parts -> one row per document (exact hash, key, priority, 14 band keys),
   split by exact hash.
2. `exact_reduce`: documents with the same normalised text are folded onto one (edges to it);
   only that one enters LSH: its band keys are split by bucket.
3. `bucket_reduce`: one bucket partition -> star edges (first document of a bucket <-> each other).
4. `cc_round` (repeated): min-label propagation over a node partition. A label is the pair
   (priority, key); each node takes the smallest label it hears and forwards only changes; when
   a round sends nothing, each component carries its smallest pair, whatever the partitioning
   or the order tasks finish in. That node is the representative.
5. `cluster_map` / `cluster_reduce`: labels shuffled by cluster give sizes, written per node.

Priority: the WARC date (seconds), so a cluster keeps its earliest-crawled document. Nodes from
the persisted index (clusters released by earlier runs) get `OLD` added: they always win, so a
new snapshot never displaces a document already released. Index nodes stand for whole earlier
clusters and weigh their size.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curate.store import storage
from curate.store.schema import CLUSTER_SCHEMA

OLD = -(1 << 62)
NO_DATE = 1 << 40  # undated documents come after dated ones
Cols = dict[str, np.ndarray]


def _split(keys: np.ndarray, cols: Cols, n: int) -> list[Cols]:
    part = (keys.astype(np.uint64) % np.uint64(n)).astype(np.int64)
    return [{k: v[part == p] for k, v in cols.items()} for p in range(n)]


def _concat(pieces: list[Cols], names: tuple[str, ...], dtypes: tuple) -> Cols:
    return {n: (np.concatenate([p[n] for p in pieces]) if pieces else np.zeros(0, d)) for n, d in zip(names, dtypes)}


def _first_per_group(*sorted_keys: np.ndarray) -> np.ndarray:
    """Mask of the first row of each run of equal keys (arrays already sorted)."""
    if sorted_keys[0].size == 0:
        return np.zeros(0, bool)
    diff = np.zeros(sorted_keys[0].size, bool)
    diff[0] = True
    for k in sorted_keys:
        diff[1:] |= k[1:] != k[:-1]
    return diff


def date_priority(dates: pa.Array) -> np.ndarray:
    ts = pc.strptime(pc.utf8_slice_codeunits(dates, 0, 19), format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    return pc.fill_null(pc.cast(ts, pa.int64()), NO_DATE).to_numpy(zero_copy_only=False)


EDGE = ("src", "dst", "src_prio", "dst_prio", "src_w")
EDGE_T = (np.int64, np.int64, np.int64, np.int64, np.int64)
ROW = ("bucket", "key", "prio", "w")
ROW_T = (np.uint64, np.int64, np.int64, np.int64)


def _edges(a_key, a_prio, a_w, b_key, b_prio, b_w) -> Cols:
    """Both directions of each (a, b) edge, keyed by source."""
    return {"src": np.concatenate([a_key, b_key]), "dst": np.concatenate([b_key, a_key]),
            "src_prio": np.concatenate([a_prio, b_prio]), "dst_prio": np.concatenate([b_prio, a_prio]),
            "src_w": np.concatenate([a_w, b_w])}


# ---------------------------------------------------------------- 1-3: candidate edges
def read_staged_part(uri: str, columns: list[str] | None = None) -> pa.Table:
    """A shard's staged part; a missing one is named with the setting that redoes its shard (the resume
    scan trusts committed parts unless told to verify them)."""
    try:
        return storage.read_parquet(uri, columns=columns)
    except Exception as e:
        if storage.is_not_found(e):
            raise FileNotFoundError(f"staged part {uri} is missing, although its shard committed: run again with "
                                    "resume_verify_parts: true, which redoes the shards whose parts are gone") from e
        raise


def sig_map(n: int, part_uris: list[str]) -> list[Cols]:
    tables = []
    for uri in part_uris:
        t = read_staged_part(uri, columns=["doc_key", "date", "exact_hash", "minhash_bands"])
        # only documents long enough to shingle take part (FineWeb2 never clusters shorter ones)
        tables.append(t.filter(pc.is_valid(t.column("minhash_bands"))))
    t = pa.concat_tables(tables) if tables else None
    if t is None or t.num_rows == 0:
        return _split(np.zeros(0, np.uint64), {"exact": np.zeros(0, np.uint64), "key": np.zeros(0, np.int64),
                                               "prio": np.zeros(0, np.int64), "bands": np.zeros((0, 0), np.uint64)}, n)
    bands = t.column("minhash_bands").combine_chunks()
    lengths = pc.list_value_length(bands).to_numpy(zero_copy_only=False)
    width = int(lengths.max()) if lengths.size else 0
    if (lengths == width).all():  # every document has all its band keys: one reshape, no Python loop
        arr = bands.flatten().to_numpy(zero_copy_only=False).reshape(t.num_rows, width)
    else:
        arr = np.zeros((t.num_rows, width), np.uint64)
        for i, b in enumerate(bands.to_pylist()):
            arr[i, :len(b)] = b
    exact = t.column("exact_hash").to_numpy()
    cols = {"exact": exact, "key": t.column("doc_key").to_numpy(), "prio": date_priority(t.column("date")), "bands": arr}
    return _split(exact, cols, n)


def exact_reduce(n: int, pieces: list[Cols]) -> tuple[list[Cols], list[Cols], list[Cols]]:
    """Returns (bucket rows by bucket, exact-duplicate edges by source, index rows by node)."""
    ex = np.concatenate([p["exact"] for p in pieces]) if pieces else np.zeros(0, np.uint64)
    key = np.concatenate([p["key"] for p in pieces]) if pieces else np.zeros(0, np.int64)
    prio = np.concatenate([p["prio"] for p in pieces]) if pieces else np.zeros(0, np.int64)
    widths = [p["bands"].shape[1] for p in pieces if p["bands"].size]
    width = max(widths, default=0)
    bands = np.concatenate([p["bands"] if p["bands"].shape[1] == width else np.zeros((len(p["key"]), width), np.uint64)
                            for p in pieces]) if pieces else np.zeros((0, 0), np.uint64)
    order = np.lexsort((key, prio, ex))
    ex, key, prio, bands = ex[order], key[order], prio[order], bands[order]
    first = _first_per_group(ex)
    head = np.flatnonzero(first)
    rep_idx = head[np.cumsum(first) - 1] if ex.size else np.zeros(0, np.int64)
    dup = ~first
    ones = np.ones(int(dup.sum()), np.int64)
    edges = _edges(key[rep_idx[dup]], prio[rep_idx[dup]], ones, key[dup], prio[dup], ones)
    # band keys of exact-group representatives that could be shingled (all-zero row: too short)
    has = first & (bands.any(axis=1) if bands.size else np.zeros(ex.size, bool))
    k = np.repeat(key[has], width)
    rows = {"bucket": bands[has].reshape(-1), "key": k, "prio": np.repeat(prio[has], width), "w": np.ones(k.size, np.int64)}
    return _split(rows["bucket"], rows, n), _split(edges["src"], edges, n), _split(rows["key"], rows, n)


def index_map(n: int, bucket_uris: list[str], cluster_uris: list[str], alias_uris: list[str]) -> list[Cols]:
    """Bucket rows of the persisted index, as nodes standing for whole earlier clusters."""
    from curate.stages.dedup_index import load_clusters_and_aliases

    weights, alias = load_clusters_and_aliases(cluster_uris, alias_uris)
    tables = [storage.read_parquet(u) for u in bucket_uris]
    if not tables:
        return _split(np.zeros(0, np.uint64), {r: np.zeros(0, t) for r, t in zip(ROW, ROW_T)}, n)
    t = pa.concat_tables(tables)
    node = np.array([alias.get(int(x), int(x)) for x in t.column("node").to_numpy()], np.int64)
    prio = np.array([weights.get(int(x), (p, 1))[0] for x, p in zip(node, t.column("prio").to_numpy())], np.int64) + OLD
    w = np.array([weights.get(int(x), (0, 1))[1] for x in node], np.int64)
    rows = {"bucket": t.column("bucket").to_numpy(), "key": node, "prio": prio, "w": w}
    return _split(rows["bucket"], rows, n)


def bucket_reduce(n: int, pieces: list[Cols]) -> list[Cols]:
    r = _concat(pieces, ROW, ROW_T)
    order = np.lexsort((r["key"], r["prio"], r["bucket"]))
    b, k, p, w = (r[c][order] for c in ROW)
    uniq = _first_per_group(b, k)  # one row per (bucket, node)
    b, k, p, w = b[uniq], k[uniq], p[uniq], w[uniq]
    first = _first_per_group(b)
    head = np.flatnonzero(first)
    h = head[np.cumsum(first) - 1] if b.size else np.zeros(0, np.int64)
    # earlier clusters sharing a bucket were merged when they were indexed: no edge needed between them
    m = ~first & ~((p[h] < 0) & (p < 0))
    edges = _edges(k[h[m]], p[h[m]], w[h[m]], k[m], p[m], w[m])
    return _split(edges["src"], edges, n)


# ---------------------------------------------------------------- 4: connected components
@dataclass
class NodePartition:
    """One node partition: edges sorted by source, nodes with priority, weight and current label."""

    src: np.ndarray
    dst: np.ndarray
    dst_prio: np.ndarray
    nodes: np.ndarray
    prio: np.ndarray
    w: np.ndarray
    label_prio: np.ndarray
    label_key: np.ndarray


def cc_init(pieces: list[Cols]) -> NodePartition:
    e = _concat(pieces, EDGE, EDGE_T)
    order = np.lexsort((e["dst"], e["src"]))
    e = {k: v[order] for k, v in e.items()}
    keep = _first_per_group(e["src"], e["dst"])  # drop repeated edges
    e = {k: v[keep] for k, v in e.items()}
    first = _first_per_group(e["src"])
    nodes, prio, w = e["src"][first], e["src_prio"][first], e["src_w"][first]
    return NodePartition(e["src"], e["dst"], e["dst_prio"], nodes, prio, w, prio.copy(), nodes.copy())


def _lexmin_per(node: np.ndarray, lp: np.ndarray, lk: np.ndarray):
    order = np.lexsort((lk, lp, node))
    node, lp, lk = node[order], lp[order], lk[order]
    f = _first_per_group(node)
    return node[f], lp[f], lk[f]


def cc_round(state: NodePartition, n: int, first: bool, messages: list[Cols]):
    """Apply incoming (node, label) messages; return (state, messages sent, outgoing by node).
    The components are final once a round sends no message."""
    lp, lk = state.label_prio.copy(), state.label_key.copy()
    m = _concat(messages, ("node", "lp", "lk"), (np.int64,) * 3)
    if m["node"].size:
        node, mp, mk = _lexmin_per(m["node"], m["lp"], m["lk"])
        idx = np.searchsorted(state.nodes, node)
        better = (mp < lp[idx]) | ((mp == lp[idx]) & (mk < lk[idx]))
        lp[idx[better]], lk[idx[better]] = mp[better], mk[better]
    changed = np.ones(len(lp), bool) if first else (lp != state.label_prio) | (lk != state.label_key)
    state = NodePartition(state.src, state.dst, state.dst_prio, state.nodes, state.prio, state.w, lp, lk)
    sel = np.isin(state.src, state.nodes[changed])
    at = np.searchsorted(state.nodes, state.src[sel])
    dst, dprio, op, ok = state.dst[sel], state.dst_prio[sel], lp[at], lk[at]
    useful = (op < dprio) | ((op == dprio) & (ok < dst))  # cannot beat the destination's own pair otherwise
    dst, op, ok = _lexmin_per(dst[useful], op[useful], ok[useful])
    return state, int(dst.size), _split(dst, {"node": dst, "lp": op, "lk": ok}, n)


# ---------------------------------------------------------------- 5: cluster sizes
def cluster_map(state: NodePartition, n: int) -> list[Cols]:
    return _split(state.label_key, {"label": state.label_key, "label_prio": state.label_prio,
                                    "node": state.nodes, "w": state.w, "prio": state.prio}, n)


def cluster_reduce(out_uri: str, pieces: list[Cols]) -> Cols:
    """Write (doc_key, cluster_id, cluster_size) for one cluster partition; return the index
    updates it implies: cluster sizes and the earlier clusters merged into another."""
    c = _concat(pieces, ("label", "label_prio", "node", "w", "prio"), (np.int64,) * 5)
    uniq, inverse = np.unique(c["label"], return_inverse=True)
    sizes = np.bincount(inverse, weights=c["w"]).astype(np.int64) if c["label"].size else np.zeros(0, np.int64)
    new = c["prio"] >= 0  # documents of this run (earlier clusters have OLD priorities)
    order = np.argsort(c["node"][new])
    table = pa.table({"doc_key": c["node"][new][order], "cluster_id": c["label"][new][order],
                      "cluster_size": sizes[inverse][new][order]}, schema=CLUSTER_SCHEMA)
    storage.write_parquet(out_uri, table)
    lp = np.zeros(uniq.size, np.int64)
    lp[inverse] = c["label_prio"]
    merged = ~new & (c["node"] != c["label"])
    return {"cluster_id": uniq, "prio": np.where(lp < 0, lp - OLD, lp), "size": sizes,
            "old_id": c["node"][merged], "new_id": c["label"][merged], "rows": np.array([table.num_rows])}


def index_labels(state: NodePartition | None, rows: list[Cols]) -> Cols:
    """Bucket rows of this run's documents under their final cluster id (for the index)."""
    r = _concat(rows, ROW, ROW_T)
    node = r["key"]
    lp, lk = r["prio"].copy(), node.copy()
    if state is not None and state.nodes.size and node.size:
        idx = np.clip(np.searchsorted(state.nodes, node), 0, state.nodes.size - 1)
        hit = state.nodes[idx] == node
        lk[hit], lp[hit] = state.label_key[idx[hit]], state.label_prio[idx[hit]]
    return {"bucket": r["bucket"], "node": lk, "prio": np.where(lp < 0, lp - OLD, lp)}


def load_clusters(cluster_uris: list[str], doc_keys: np.ndarray) -> dict[int, tuple[int, int]]:
    """doc_key -> (cluster_id, cluster_size) for the given documents (non-singletons only)."""
    out: dict[int, tuple[int, int]] = {}
    keys = pa.array(doc_keys, pa.int64())
    for uri in cluster_uris:
        t = storage.read_parquet(uri)
        t = t.filter(pc.is_in(t.column("doc_key"), value_set=keys))
        for k, c, s in zip(*(t.column(n).to_numpy() for n in ("doc_key", "cluster_id", "cluster_size"))):
            out[int(k)] = (int(c), int(s))
    return out
