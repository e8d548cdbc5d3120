#!/usr/bin/env python
"""Edge cases where curate's dedup_documents and datatrove's MinHash stages may disagree (repro script).

    python bench/dedup/edge_cases.py [--lang deu_Latn]

Prints one line per document with both systems' cluster label (a document's own id = in no cluster),
then curate's contract checks on: documents with fewer than 5 words, empty texts, an empty table, and
duplicate ids. Known findings are listed in docs/dedup-bench.md.
"""
from __future__ import annotations

import argparse
import os

import methods as M
from common import WORK_DEFAULT
from make_corpus import synthetic_docs

CASES = {
    # < 5 words: no 5-gram shingle, so no MinHash signature (datatrove writes none; FineWeb2 never clusters them)
    "short_same_norm": ["Hallo Welt!", "hallo welt", "HALLO, WELT."],  # same text after simplify_text
    "short_digits": ["Preis 100 Euro", "Preis 250 Euro"],  # digits -> 0: same normalised text
    "empty": ["", "", "   "],
}


def main():
    import pyarrow as pa

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", default="deu_Latn")
    ap.add_argument("--work", default=os.path.join(WORK_DEFAULT, "edge"))
    a = ap.parse_args()
    docs = [{"id": f"{name}-{k}", "text": t, "group": name, "variant": "x"}
            for name, texts in CASES.items() for k, t in enumerate(texts)]
    docs += [{"id": f"long-{k}", "text": t, "group": f"long{k}", "variant": "x"}
             for k, (_, t, _) in enumerate(synthetic_docs(4, seed=7, dup_frac=0.0))]
    cu, problems = M.run_curate(docs, a.lang, a.work, 2)
    dt = M.run_datatrove(docs, a.lang, a.work)
    print("\n== cluster labels (own id = in no cluster)")
    for d in docs:
        flag = "" if (cu[d["id"]] == d["id"]) == (dt[d["id"]] == d["id"]) else "   <-- differs"
        print(f"{d['id']:20s} {d['text'][:18]!r:22s} curate={cu[d['id']]!s:24s} datatrove={dt[d['id']]}{flag}")
    print("curate contract violations:", problems or "none")

    date = "2024-03-01T12:00:00Z"
    empty = pa.table({"text": pa.array([], pa.string()), "id": pa.array([], pa.string()), "date": pa.array([], pa.string())})
    try:
        r = M.curate_table(empty, a.lang, os.path.join(a.work, "empty"), 2)
        print(f"\n== empty table -> {r.num_rows} rows, schema: " + ", ".join(f"{f.name}:{f.type}" for f in r.schema))
    except Exception as e:
        print(f"\n== empty table -> {type(e).__name__}: {str(e)[:300]}")
    long0 = docs[-1]["text"]
    dup = pa.table({"text": [long0, "ein ganz anderer Text mit mehr als fünf Wörtern hier"], "id": ["same", "same"],
                    "date": [date, date]})
    try:
        r = M.curate_table(dup, a.lang, os.path.join(a.work, "dupids"), 2)
        print("== duplicate ids ->", r.to_pylist(), "violations:", M.check_curate_result(["same", "same"], r))
    except Exception as e:
        print(f"== duplicate ids -> {type(e).__name__}: {str(e)[:300]}")


if __name__ == "__main__":
    main()
