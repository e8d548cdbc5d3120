"""Stage 4 (optional): model-based quality scores of the released documents, and selection by them.

Scores go to a sidecar per data file (``SCORES_SCHEMA``: id, doc_key, one float32 column per model, in
the file's row order), so a killed run never scores a committed file again. Selection then rewrites
the data file with the score columns and the documents the rule keeps; what it removes goes to the
language's ``_removed`` subset with ``filter_reason = quality_model:<name>`` and its scores. Selection
starts from the union of a data file and its quality-removed sibling, so running it again (after a
kill, or with another rule: a re-cut) gives the same files as running it once.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curate.stages.shard import doc_key
from curate.store import storage
from curate.store.schema import OUTPUT_SCHEMA, REMOVED_SCHEMA

SCORE_ROWS = 1024  # documents handed to a scorer at a time (it batches further by its own batch size)
METADATA_KEY = b"curate.quality"


def scores_schema(columns: list[str]) -> pa.Schema:
    return pa.schema([("id", pa.string()), ("doc_key", pa.int64())] + [(c, pa.float32()) for c in columns])


def score_table(table: pa.Table, scorers: list) -> pa.Table:
    """`id`, `text` -> SCORES_SCHEMA rows, in order; each scorer sees the texts SCORE_ROWS at a time."""
    texts = table.column("text").to_pylist()
    cols = {}
    for s in scorers:
        parts = [s.score(texts[i:i + SCORE_ROWS]) for i in range(0, len(texts), SCORE_ROWS)]
        cols[s.spec.column] = np.concatenate(parts) if parts else np.empty(0, np.float32)
    ids = table.column("id").to_pylist()
    schema = scores_schema([s.spec.column for s in scorers])
    return pa.table({"id": ids, "doc_key": [doc_key(i) for i in ids], **cols}, schema=schema)


def score_file(data_uri: str, sidecar_uri: str, scorers: list) -> dict:
    """Score one data file into its sidecar. A data file selected before is scored from its union
    with its quality-removed sibling (the documents finalize wrote), in their original order."""
    table = original_rows(data_uri, removed_sibling(data_uri))
    scores = score_table(table, scorers)
    storage.write_parquet(sidecar_uri, scores)
    return {"rows": scores.num_rows, "sha256": {s.spec.name: s.sha256 for s in scorers}}


def removed_sibling(data_uri: str) -> str:
    """data/{lang}/{split}/{file} -> data/{lang}_removed/train/quality_{split}_{file}."""
    base, lang, split, name = data_uri.rsplit("/", 3)
    return f"{base}/{lang}_removed/train/quality_{split}_{name}"


def _plain(t: pa.Table | None, schema: pa.Schema) -> pa.Table | None:
    if t is None:
        return None
    return t.select([f.name for f in schema]).cast(schema)


def original_rows(data_uri: str, removed_uri: str, order: list[str] | None = None) -> pa.Table:
    """The data file as finalize wrote it (OUTPUT_SCHEMA): its rows plus those an earlier selection moved
    to `removed_uri`, each id once, in `order` (the sidecar's ids) or the file's own order (kept first)."""
    parts = [_plain(storage.read_parquet(data_uri), OUTPUT_SCHEMA)]
    if storage.exists(removed_uri):
        parts.append(_plain(storage.read_parquet(removed_uri), OUTPUT_SCHEMA))
    t = pa.concat_tables(parts)
    ids = t.column("id").to_pylist()
    first = {}
    for i, x in enumerate(ids):
        first.setdefault(x, i)
    if order is None:
        return t.take(sorted(first.values())) if len(first) != len(ids) else t
    if set(order) != set(first) or len(order) != len(first):
        raise ValueError(f"{data_uri}: its documents are not those its quality scores were computed for "
                         f"({len(first)} documents, {len(order)} scores); delete _work/quality/ to score again")
    return t.take([first[x] for x in order])


def keep_mask(scores: np.ndarray, keys: np.ndarray, rule: str | None, cutoff: tuple[float, int] | None) -> np.ndarray:
    """Which documents the rule keeps: `top:X` keeps (score, key) at or above the language's cutoff
    (`top_cutoff`), `min:S` keeps score >= S, None keeps all. A NaN score is never kept by a rule."""
    if rule is None:
        return np.ones(len(scores), bool)
    s = np.nan_to_num(scores.astype(np.float64), nan=-np.inf)
    if rule.startswith("min:"):
        return s >= float(rule[4:])
    if cutoff is None:
        return np.zeros(len(scores), bool)
    cs, ck = cutoff
    return (s > cs) | ((s == cs) & (keys <= ck))


def top_cutoff(scores: np.ndarray, keys: np.ndarray, percent: float) -> tuple[float, int] | None:
    """Exact cutoff of the top `percent` % of a whole language: documents ordered by score (highest
    first), ties by doc_key (lowest first); the cutoff is the last kept (score, key), so exactly
    ceil(percent/100 * n) documents are kept whatever the number of files or workers."""
    n = len(scores)
    k = math.ceil(percent / 100 * n - 1e-9)
    if n == 0 or k <= 0:
        return None
    s = np.nan_to_num(scores.astype(np.float64), nan=-np.inf)
    order = np.lexsort((keys, -s))
    last = order[k - 1]
    return float(s[last]), int(keys[last])


def select_file(data_uri: str, sidecar_uri: str, lang: str, select_column: str | None, rule: str | None,
                cutoff: tuple[float, int] | None, tag: str) -> dict:
    """Rewrite a data file with its score columns and the rows the rule keeps; the others go to its
    quality-removed sibling. Returns the counts the card shows."""
    from filters.metrics import words_of

    scores = storage.read_parquet(sidecar_uri)
    columns = [c for c in scores.column_names if c.startswith("quality_")]
    removed_uri = removed_sibling(data_uri)
    t = original_rows(data_uri, removed_uri, scores.column("id").to_pylist())
    for c in columns:
        t = t.append_column(pa.field(c, pa.float32()), scores.column(c))
    keys = scores.column("doc_key").to_numpy()
    keep = keep_mask(scores.column(select_column).to_numpy(), keys, rule, cutoff) if select_column else np.ones(t.num_rows, bool)
    kept, dropped = t.filter(pa.array(keep)), t.filter(pa.array(~keep))
    meta = {METADATA_KEY: json.dumps({"selection": tag, "models": columns}).encode()}
    if dropped.num_rows:
        reason = pa.array([f"quality_model:{select_column.removeprefix('quality_')}"] * dropped.num_rows, pa.string())
        dropped = dropped.add_column(len(OUTPUT_SCHEMA), pa.field("filter_reason", pa.string()), reason)
        storage.write_parquet(removed_uri, dropped.replace_schema_metadata(meta))  # first: a kill leaves the union whole
    storage.write_parquet(data_uri, kept.replace_schema_metadata(meta))
    if not dropped.num_rows and storage.exists(removed_uri):
        storage.delete(removed_uri)
    rel_removed = removed_uri if dropped.num_rows else None
    texts = kept.column("text").to_pylist()
    return {"lang": lang, "scored": t.num_rows, "kept": kept.num_rows, "removed": dropped.num_rows,
            "kept_words": sum(len(words_of(x, lang)) for x in texts),
            "kept_bytes": int(pc.sum(pc.binary_length(kept.column("text").cast(pa.binary()))).as_py() or 0),
            "removed_file": rel_removed}


assert REMOVED_SCHEMA.names[: len(OUTPUT_SCHEMA)] == OUTPUT_SCHEMA.names  # removed rows extend released rows
