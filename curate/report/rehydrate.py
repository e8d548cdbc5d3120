"""Rehydration (FineWeb2 §4.5): upsample kept documents by `minhash_cluster_size`.

Per language, the filter removal rate by cluster size tells which duplicate counts mark good documents
(the FineWeb2 "U-shape": singletons and huge clusters are filtered more than average). Sizes removed less
often than the language's global rate get more copies, linearly up to `max_reps` at the least-filtered
size; the result is smoothed and stored as FineWeb2 does, `{min_cluster_size: total copies}`.
The inputs are the run's own `stats.json` `cluster_sizes` (filter outcome of cluster representatives),
so nothing is re-run. Method and the simple table: Penedo et al. 2025 and the huggingface/fineweb-2
repository (misc/rehydration, Apache-2.0); this is an independent implementation.
"""
from __future__ import annotations

import argparse
import bisect
import json
import sys
from dataclasses import asdict, dataclass

import numpy as np

# FineWeb2 README's "simple" table, used when a language has too few documents to estimate rates.
SIMPLE_WEIGHTS = {1: 1, 2: 2, 3: 3, 5: 5, 100: 8, 1000: 1}
TAIL_QUANTILE = 0.999  # FineWeb2 pools cluster sizes above about the 99.9th percentile
WINDOW = 5
MIN_DOCS = 1000  # fewer cluster representatives than this: rates are noise, use SIMPLE_WEIGHTS


@dataclass
class Distribution:
    """Same fields (and units: rates in %) as FineWeb2's misc/rehydration/distributions/{lang}.json."""
    cluster_sizes: list[int]
    cluster_removal_rates: list[float]
    cluster_post_filtering_doc_counts: list[int]
    tail_threshold: int
    tail_removal_rate: float
    tail_post_filtering_doc_counts: int
    global_removal_rate: float

    @property
    def docs(self) -> int:
        """Cluster representatives before filtering."""
        kept = self.cluster_post_filtering_doc_counts + [self.tail_post_filtering_doc_counts]
        rates = self.cluster_removal_rates + [self.tail_removal_rate]
        return int(round(sum(k / (1 - r / 100) for k, r in zip(kept, rates) if r < 100)))


def distribution(cluster_sizes: dict[str, dict[str, int]], tail_quantile: float = TAIL_QUANTILE) -> Distribution | None:
    """From stats.json `cluster_sizes` ({"size": {"kept", "removed"}}) to FineWeb2's distribution shape."""
    rows = sorted((int(s), v["kept"], v["removed"]) for s, v in cluster_sizes.items() if v["kept"] + v["removed"])
    total = sum(k + r for _s, k, r in rows)
    if not total:
        return None
    # The tail starts at the first size where the cumulative share of representatives reaches the quantile.
    cum, tail = 0, len(rows) - 1
    for i, (_s, k, r) in enumerate(rows):
        cum += k + r
        if cum / total >= tail_quantile:
            tail = i
            break
    body, pooled = rows[:tail], rows[tail:]
    tk, tr = sum(k for _s, k, _r in pooled), sum(r for _s, _k, r in pooled)
    return Distribution(
        cluster_sizes=[s for s, _k, _r in body],
        cluster_removal_rates=[100 * r / (k + r) for _s, k, r in body],
        cluster_post_filtering_doc_counts=[k for _s, k, _r in body],
        tail_threshold=pooled[0][0],
        tail_removal_rate=100 * tr / (tk + tr),
        tail_post_filtering_doc_counts=tk,
        global_removal_rate=100 * sum(r for *_x, r in rows) / total,
    )


def _smooth(reps: np.ndarray, window: int) -> np.ndarray:
    """Centered moving average; the `window // 2` values at each end keep their own value."""
    out = reps.copy()
    if len(reps) >= window:
        half = window // 2
        out[half:len(reps) - half] = np.convolve(reps, np.ones(window) / window, mode="valid")
    return out


def weights(dist: Distribution, max_reps: int, window: int = WINDOW) -> tuple[dict[int, int], int]:
    """FineWeb2's data-driven weights: ({min_cluster_size: copies}, resulting number of documents)."""
    sizes = dist.cluster_sizes + [dist.tail_threshold]
    rates = np.array(dist.cluster_removal_rates + [dist.tail_removal_rate], dtype=float)
    kept = dist.cluster_post_filtering_doc_counts + [dist.tail_post_filtering_doc_counts]
    g, lowest = dist.global_removal_rate, rates.min()
    reps = np.ones_like(rates)
    below = rates < g  # at or above the global rate: no upsampling
    if below.any():
        reps[below] = 1 + (max_reps - 1) * (rates[below] - g) / (lowest - g)
    copies = [int(c) for c in np.round(_smooth(reps, window))]
    out: dict[int, int] = {}
    for size, c in zip(sizes, copies):
        if not out or c != out[max(out)]:
            out[size] = c  # a new range starts where the number of copies changes
    return out, int(sum(k * c for k, c in zip(kept, copies)))


def language_weights(cluster_sizes: dict, max_reps: int, min_docs: int = MIN_DOCS) -> dict:
    """Weights of one language from its stats, with the method used and the rehydrated size."""
    dist = distribution(cluster_sizes)
    kept = sum(v["kept"] for v in cluster_sizes.values())
    if dist is None or dist.docs < min_docs:
        w = {s: min(c, max_reps) for s, c in SIMPLE_WEIGHTS.items()}
        size = sum(v["kept"] * copies(w, int(s)) for s, v in cluster_sizes.items())
        return {"method": "simple", "weights": w, "docs": kept, "rehydrated_docs": size}
    w, size = weights(dist, max_reps)
    return {"method": "data", "weights": w, "docs": kept, "rehydrated_docs": size, "distribution": asdict(dist)}


def all_weights(stats: dict, max_reps: int, min_docs: int = MIN_DOCS) -> dict[str, dict]:
    return {lang: language_weights(s.get("cluster_sizes", {}), max_reps, min_docs)
            for lang, s in sorted(stats["languages"].items()) if s.get("cluster_sizes")}


def copies(w: dict[int, int], cluster_size: int) -> int:
    """Copies of a document with this cluster size: the range whose start is the largest <= size."""
    starts = sorted(w)
    i = bisect.bisect_right(starts, cluster_size)
    return w[starts[i - 1]] if i else 1


def _rehydrate_file(src: str, dst: str, w: dict[int, int], column: bool) -> int:
    import pyarrow as pa

    from curate.store import storage

    table = storage.read_parquet(src)
    n = [copies(w, int(s)) for s in table.column("minhash_cluster_size").to_pylist()]
    if column:
        table = table.append_column("rehydration_weight", pa.array(n, pa.int32()))
    else:  # rows repeated in place, so a reader streaming the file sees copies together (as FineWeb2's block does)
        table = table.take(pa.array(np.repeat(np.arange(len(n)), n)))
    storage.write_parquet(dst, table)
    return table.num_rows if not column else sum(n)


def main(argv: list[str] | None = None) -> int:
    """`curate rehydrate OUTPUT --max-reps N [--out DIR] [--weights-column]`."""
    from curate.store import storage

    p = argparse.ArgumentParser(prog="curate rehydrate", description=main.__doc__)
    p.add_argument("output")
    p.add_argument("--max-reps", type=int, default=10, help="copies of the least-filtered cluster size (FineWeb2: 3..10)")
    p.add_argument("--out", help="where to write (default: OUTPUT/rehydrated_up_to_NN_reps)")
    p.add_argument("--weights-column", action="store_true",
                   help="keep each row once and add an int column `rehydration_weight` (copies) instead of repeating rows")
    p.add_argument("--min-docs", type=int, default=MIN_DOCS, help="below this many documents, use FineWeb2's simple table")
    p.add_argument("--languages", nargs="*", help="only these subsets (default: all)")
    p.add_argument("--weights-only", action="store_true", help="only write weights.json")
    a = p.parse_args(argv)
    if a.max_reps < 1:
        p.error("--max-reps must be >= 1")
    stats = json.loads(storage.read_text(storage.join(a.output, "stats.json")))
    out = a.out or storage.join(a.output, f"rehydrated_up_to_{a.max_reps:02d}_reps")
    ws = all_weights(stats, a.max_reps, a.min_docs)
    if a.languages:
        ws = {l: v for l, v in ws.items() if l in a.languages}
    storage.write_text(storage.join(out, "weights.json"), json.dumps(
        {l: {str(s): c for s, c in v["weights"].items()} for l, v in ws.items()}, indent=1))
    storage.write_text(storage.join(out, "rehydration.json"), json.dumps(
        {"max_reps": a.max_reps, "min_docs": a.min_docs, "config_hash": stats.get("config_hash"),
         "languages": {l: {k: v[k] for k in ("method", "docs", "rehydrated_docs")} for l, v in ws.items()}}, indent=1))
    if a.weights_only:
        print(storage.join(out, "weights.json"))
        return 0
    # Only train splits: test splits stay one copy per document so evaluation is not skewed.
    train = [f for f in stats["files"] if f.split("/")[1] in ws and f.split("/")[2] == "train"]
    total_out = 0
    for rel in train:
        lang = rel.split("/")[1]
        n = _rehydrate_file(storage.join(a.output, rel), storage.join(out, rel), ws[lang]["weights"], a.weights_column)
        total_out += n
    docs = sum(v["docs"] for v in ws.values())
    print(f"{len(train)} files, {len(ws)} languages: {docs} documents -> {total_out} with up to {a.max_reps} copies; "
          f"written to {out}", file=sys.stderr)
    print(out)
    return 0
