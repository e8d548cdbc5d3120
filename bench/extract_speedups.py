#!/usr/bin/env python
"""trafilatura with and without curate's extraction speed-ups, side by side on the same pages.

    python bench/extract_speedups.py --input ../shared/data/bench/real-pages.warc.gz [--reps 3]

Prints (and writes to bench/results/extract-speedups.{md,json}):
* CPU seconds of trafilatura.extract over all pages, stock vs curate/patches/trafilatura_speedups.py, per rep
  (interleaved, same process) and the median ratio;
* whether every page's text is identical;
* per replaced expression: CPU seconds of trafilatura's XPath vs the walk, both evaluated at every
  call trafilatura makes, on the very same tree, with a check that they select the same elements.
Settings are FineWeb2's (favor_precision, no comments, deduplicate), with trafilatura's process-wide
dedup cache cleared per page as curate does.
"""
from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))


def pages(path: str) -> list[str]:
    from curate.store.warc import iter_records

    with open(path, "rb") as f:
        return [r.content for r in iter_records(f, lambda *a: None) if r.content and not r.is_text]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--results", default=str(HERE / "results"))
    a = ap.parse_args()

    import trafilatura
    from trafilatura.deduplication import LRU_TEST

    from curate.patches import trafilatura_speedups as extract_speedups

    htmls = pages(a.input)
    use = extract_speedups.install

    def run() -> tuple[list, float]:
        out, t = [], time.process_time()
        for h in htmls:
            LRU_TEST.clear()
            out.append(trafilatura.extract(h, favor_precision=True, include_comments=False, deduplicate=True))
        return out, time.process_time() - t

    rows, identical = [], True
    for rep in range(a.reps):
        use(False)
        stock, t_stock = run()
        use(True)
        fast, t_fast = run()
        identical &= stock == fast
        rows.append({"stock_s": round(t_stock, 3), "fast_s": round(t_fast, 3), "ratio": round(t_stock / t_fast, 3)})
        print(f"rep {rep + 1}: stock {t_stock:.2f} s, with speed-ups {t_fast:.2f} s", flush=True)

    # per expression, at every call of one stock extraction pass
    seconds, calls, differ = collections.Counter(), collections.Counter(), collections.Counter()

    class Both:
        def __init__(self, key, xp, walk):  # `xpath`: what install(False) puts back
            self.key, self.xpath, self.walk, self.path = key, xp, walk, xp.path

        def __call__(self, tree):
            t0 = time.process_time()
            want = self.xpath(tree)
            t1 = time.process_time()
            got = self.walk(tree)
            seconds[self.key, "xpath"] += t1 - t0
            seconds[self.key, "walk"] += time.process_time() - t1
            calls[self.key] += 1
            differ[self.key] += len(want) != len(got) or any(x is not y for x, y in zip(want, got))
            return want

    use(False)
    names = {id(getattr(extract_speedups._x, n)): n for n, *_ in extract_speedups._REPLACEMENTS}
    for exprs, i, xp, walk in extract_speedups.replacements():
        exprs[i] = Both(f"{names[id(exprs)]}[{i}]", xp, walk)
    run()
    use(False)

    per_expr = [{"expression": k, "calls": calls[k], "xpath_s": round(seconds[k, "xpath"], 3),
                 "walk_s": round(seconds[k, "walk"], 3), "calls_differing": differ[k]}
                for k in sorted(calls, key=lambda k: -seconds[k, "xpath"])]
    summary = {"pages": len(htmls), "trafilatura": trafilatura.__version__, "reps": rows,
               "median_ratio": statistics.median(r["ratio"] for r in rows), "texts_identical": identical,
               "expressions": per_expr, "selections_identical": not any(differ.values())}

    lines = [f"# trafilatura with and without curate's extraction speed-ups — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
             "", f"`python bench/extract_speedups.py --input {a.input} --reps {a.reps}`: {len(htmls)} HTML pages, "
             f"trafilatura {trafilatura.__version__}, one process, CPU seconds, reps interleaved.", "",
             "| rep | stock s | with speed-ups s | ratio |", "|---|---|---|---|"]
    lines += [f"| {n + 1} | {r['stock_s']} | {r['fast_s']} | {r['ratio']} |" for n, r in enumerate(rows)]
    lines += ["", f"Median ratio **{summary['median_ratio']}**; every page's text identical: **{identical}**.", "",
              "Per replaced expression, at every call of one extraction pass (same tree, both evaluated):", "",
              "| expression | calls | XPath s | walk s | calls selecting differently |", "|---|---|---|---|---|"]
    lines += [f"| {e['expression']} | {e['calls']} | {e['xpath_s']} | {e['walk_s']} | {e['calls_differing']} |" for e in per_expr]
    tot_x, tot_w = sum(e["xpath_s"] for e in per_expr), sum(e["walk_s"] for e in per_expr)
    lines += [f"| all | | {tot_x:.3f} | {tot_w:.3f} | |"]
    out = Path(a.results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "extract-speedups.md").write_text("\n".join(lines) + "\n")
    (out / "extract-speedups.json").write_text(json.dumps(summary, indent=1))
    print("\n".join(lines))
    sys.exit(0 if identical and summary["selections_identical"] else 1)


if __name__ == "__main__":
    main()
