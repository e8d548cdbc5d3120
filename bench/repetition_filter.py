#!/usr/bin/env python
"""datatrove's Gopher repetition filter: its own code, curate's patch with the scan in Python, and the
patch with the compiled scan (curate/patches/_repetition_kernel.py), side by side on the same texts.

    python bench/repetition_filter.py --input ../shared/data/bench/real-pages.warc.gz [--copies 3] [--reps 3]

The texts are trafilatura's extractions of the input's pages (FineWeb2 settings), repeated `--copies`
times; the filter's work is per document, so the rate does not depend on how many there are. Every
configuration must give every document the same decision, or the benchmark stops without a figure.
Writes bench/results/repetition-filter.{md,json}: CPU s per rep (interleaved, same process), medians and
ratios.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # curate; the sibling modules come from bench/

from extract_speedups import pages  # noqa: E402
from jsonfile import write_results  # noqa: E402


LANG = "fra_Latn"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()

    from datatrove.data import Document
    from datatrove.pipeline.filters import gopher_repetition_filter as grf

    from curate.patches import datatrove_repetition as repetition
    from curate.patches import trafilatura_speedups
    from curate.stages.extract import extract
    from filters.quality import quality_filter

    trafilatura_speedups.install(True)
    texts = [t for t, _ in (extract(h, timeout_s=0) for h in pages(a.input)) if t] * a.copies
    # the filter as curate builds it (FineWeb2's French config), with each text tokenized beforehand:
    # in a shard task the words are already cached when the filter runs (filters.quality)
    qf = quality_filter(LANG)
    flt = dict(qf.stages)["gopher_repetition"]
    tokens = {x: qf.words(x) for x in set(texts)}
    grf.split_into_words = lambda text, language: tokens[text]
    compiled = repetition._compiled_scan

    def python_scan(words, n):
        return -1  # as after a collision: the patch's Python scan

    configs = {
        "datatrove": lambda: repetition.install(False),
        "curate, scan in Python": lambda: (repetition.install(True), setattr(repetition, "_compiled_scan", python_scan)),
        "curate, compiled scan": lambda: (repetition.install(True), setattr(repetition, "_compiled_scan", compiled)),
    }
    t = time.process_time()
    configs["curate, compiled scan"]()
    repetition.find_all_duplicate(["a", "b", "a", "b"], 1)
    first_call = time.process_time() - t  # numba loads (or compiles) the kernel once per process

    seconds: dict[str, list[float]] = {name: [] for name in configs}
    decisions: dict[str, list] = {}
    for rep in range(a.reps):
        for name, use in configs.items():
            use()
            t = time.process_time()
            out = [flt.filter(Document(text=x, id=str(i))) for i, x in enumerate(texts)]
            seconds[name].append(time.process_time() - t)
            if decisions.setdefault(name, out) != out or out != decisions["datatrove"]:
                sys.exit(f"{name} decided differently from datatrove (rep {rep + 1}): no figures")
            print(f"rep {rep + 1} {name}: {seconds[name][-1]:.2f} CPU s", file=sys.stderr)
    configs["curate, compiled scan"]()

    med = {name: statistics.median(s) for name, s in seconds.items()}
    ratio = lambda num, den: statistics.median(x / y for x, y in zip(seconds[num], seconds[den]))  # noqa: E731
    removed = sum(1 for d in decisions["datatrove"] if d is not True)
    lines = [f"# Gopher repetition filter — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
             f"{len(texts)} texts ({len(texts) // a.copies} extracted pages x {a.copies}) through the filter of "
             f"{LANG}'s FineWeb2 config, words tokenized beforehand (as the shard task's cache has them); "
             f"{a.reps} reps interleaved in one process; every configuration took the same decision for every "
             f"text ({removed} removed).", "",
             "| configuration | CPU s (median) | ms per text | reps |", "|---|---:|---:|---|"]
    lines += [f"| {name} | {med[name]:.2f} | {1000 * med[name] / len(texts):.2f} | "
              f"{', '.join(f'{s:.2f}' for s in seconds[name])} |" for name in configs]
    lines += ["", f"- datatrove / compiled scan: **{ratio('datatrove', 'curate, compiled scan'):.2f}x** CPU",
              f"- scan in Python / compiled scan: **{ratio('curate, scan in Python', 'curate, compiled scan'):.2f}x** CPU",
              f"- first call in a process (numba loads the cached kernel, or compiles it): {first_call:.2f} CPU s"]
    print(write_results("repetition-filter", {"texts": len(texts), "copies": a.copies, "seconds": seconds,
                                              "first_call_s": first_call, "removed": removed}, lines))


if __name__ == "__main__":
    main()
