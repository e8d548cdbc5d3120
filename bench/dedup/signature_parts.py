#!/usr/bin/env python
"""Where a curate MinHash signature's time goes, per document, in one process (no Ray).

Times each step of `curate.stages.minhash.doc_hashes` on the first N documents of a synthetic corpus
(make_corpus.py synth), median of 5 passes, and the whole function; the figures in
docs/dedup-bench.md ("Signatures per document") come from here.

    python bench/dedup/signature_parts.py [--n 10000] [--corpus /tmp/curate-dedup-bench/synth-100000-s0]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pyarrow.parquet as pq
from common import WORK_DEFAULT
from make_corpus import SYNTH_LANG, synthetic_corpus

from curate.config import PipelineConfig
from curate.stages import minhash
from curate.stages import minhash_kernel as kernel
from filters.tokenizers import word_tokenizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--corpus", help="a synth-* directory (default: the 100k corpus, made if missing)")
    a = ap.parse_args()
    corpus = a.corpus or synthetic_corpus(100_000, 0, WORK_DEFAULT)
    texts = pq.read_table(os.path.join(corpus, "docs.parquet"), columns=["text"]).column("text").to_pylist()[:a.n]
    params = PipelineConfig().minhash
    tok = word_tokenizer(SYNTH_LANG)[0]
    perm = minhash._permutations(params.seed, params.num_buckets * params.hashes_per_bucket)

    def timed(label, fn):
        out, runs = None, []
        for _ in range(5):
            t0 = time.perf_counter()
            out = fn()
            runs.append(time.perf_counter() - t0)
        print(f"{label:28s} {np.median(runs) / len(texts) * 1e3:.4f} ms/doc")
        return out

    simplified = timed("simplify", lambda: [minhash.simplify(t) for t in texts])
    words = timed("tokenize", lambda: [tok.word_tokenize(s) for s in simplified])
    joined = timed("join words + byte offsets", lambda: [minhash._joined(w) for w in words])
    hashes = timed("n-gram hashes", lambda: [kernel.ngram_hashes(b, s, params.n_grams) for b, s in joined])
    sigs = timed("permutations", lambda: [kernel.min_permuted(h, *perm) for h in hashes])
    timed("band keys", lambda: [kernel.band_keys(s, params.num_buckets, params.hashes_per_bucket) for s in sigs])
    timed("doc_hashes (all of it)", lambda: [minhash.doc_hashes(t, tok, params) for t in texts])


if __name__ == "__main__":
    main()
