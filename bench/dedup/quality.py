#!/usr/bin/env python
"""Dedup quality on the near-duplicate corpus (make_corpus.near_dup_corpus), per method and language.

Definitions (every figure is over pairs of documents of the same language):
  J(a, b)          true Jaccard of the two documents' FineWeb2 shingle sets (common.shingle_set), computed
                   exactly for every pair.
  found(a, b)      the method put a and b in the same cluster (its output clusters, i.e. after transitive
                   closure, which is what dedup acts on; candidate pairs are not observable for datatrove).
  recall@0.8       found pairs / pairs with J >= 0.8 (FineWeb2's LSH: P(candidate | J=0.8) = 0.924).
  recall by bucket found rate per J bucket, next to the mean LSH candidate probability 1-(1-J^8)^14 of
                   the bucket's pairs (clusters can beat it through transitivity).
  by edit type     found rate of (base, variant) pairs per variant, with their mean J.
  precision@0.5    found pairs with J >= 0.5 / found pairs (a found pair below 0.5 is a false positive);
  precision@0.8    found pairs with J >= 0.8 / found pairs (strict: below-threshold pairs pulled in
                   through a chain count against it).
  agreement        adjusted Rand index and pairwise F1 (co-clustered pairs) between every two
                   clusterings, and against `truth@0.8` = connected components of the J >= 0.8 graph.

    python bench/dedup/quality.py [--langs deu_Latn,...] [--bases 30] [--methods datasketch,datatrove,curate]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from itertools import combinations

import numpy as np
from common import (
    LANGS,
    WORK_DEFAULT,
    adjusted_rand_index,
    co_clustered_pairs,
    labels_from_pairs,
    lsh_probability,
    pairwise_f1,
    shingle_set,
)
from jsonfile import write_json

BUCKETS = [(0.3, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0), (1.0, 1.01)]


def true_jaccard(docs: list[dict], lang: str) -> dict[tuple[str, str], float]:
    """J for every pair (a < b) with J > 0, exactly, via a sparse doc x shingle matrix."""
    from scipy import sparse

    sets = [shingle_set(d["text"], lang) for d in docs]
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, s in enumerate(sets):
        for sh in s:
            rows.append(r)
            cols.append(vocab.setdefault(sh, len(vocab)))
    x = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(docs), len(vocab)))
    inter = (x @ x.T).tocoo()
    size = np.array([len(s) for s in sets])
    out = {}
    for i, j, v in zip(inter.row, inter.col, inter.data):
        if i < j:
            a, b = docs[i]["id"], docs[j]["id"]
            out[(a, b) if a < b else (b, a)] = v / (size[i] + size[j] - v)
    return out


def evaluate(docs: list[dict], jac: dict, labels: dict[str, object]) -> dict:
    found = co_clustered_pairs(labels)
    by_id = {d["id"]: d for d in docs}
    res = {"docs": len(docs), "clusters": len({labels[d["id"]] for d in docs}), "found_pairs": len(found)}
    hi = [p for p, j in jac.items() if j >= 0.8]
    res["true_pairs_j>=0.8"] = len(hi)
    res["recall@0.8"] = sum(p in found for p in hi) / len(hi) if hi else None
    res["precision@0.5"] = sum(jac.get(p, 0.0) >= 0.5 for p in found) / len(found) if found else None
    res["precision@0.8"] = sum(jac.get(p, 0.0) >= 0.8 for p in found) / len(found) if found else None
    res["false_pairs_j<0.5"] = sum(jac.get(p, 0.0) < 0.5 for p in found)
    res["cross_group_found"] = sum(by_id[a]["group"] != by_id[b]["group"] for a, b in found)
    buckets = {}
    for lo, hi_ in BUCKETS:
        ps = [p for p, j in jac.items() if lo <= j < hi_]
        name = "1.0" if lo == 1.0 else f"[{lo:.1f},{hi_:.1f})"
        buckets[name] = {"pairs": len(ps), "found": sum(p in found for p in ps),
                         "lsh_p": float(np.mean([lsh_probability(jac[p]) for p in ps])) if ps else None}
    res["by_bucket"] = buckets
    edits: dict[str, dict] = {}
    for d in docs:
        if d["variant"] == "base":
            continue
        base = f'{d["group"]}-base'
        p = (base, d["id"]) if base < d["id"] else (d["id"], base)
        e = edits.setdefault(d["variant"], {"pairs": 0, "found": 0, "j_sum": 0.0})
        e["pairs"] += 1
        e["found"] += p in found
        e["j_sum"] += jac.get(p, 0.0)
    res["by_edit"] = {k: {"pairs": v["pairs"], "found": v["found"], "mean_j": v["j_sum"] / v["pairs"]}
                      for k, v in edits.items()}
    return res


def merge(evals: list[dict]) -> dict:
    """Sum per-language evaluations into one (rates recomputed from counts)."""
    out = {"docs": 0, "clusters": 0, "found_pairs": 0, "true_pairs_j>=0.8": 0, "false_pairs_j<0.5": 0,
           "cross_group_found": 0}
    hi_found = p5 = p8 = 0
    buckets, edits = {}, {}
    for e in evals:
        for k in out:
            out[k] += e[k]
        if e["recall@0.8"] is not None:
            hi_found += round(e["recall@0.8"] * e["true_pairs_j>=0.8"])
        if e["found_pairs"]:
            p5 += round(e["precision@0.5"] * e["found_pairs"])
            p8 += round(e["precision@0.8"] * e["found_pairs"])
        _add_weighted(buckets, e["by_bucket"], "lsh_p")
        _add_weighted(edits, e["by_edit"], "mean_j")
    out["recall@0.8"] = hi_found / out["true_pairs_j>=0.8"] if out["true_pairs_j>=0.8"] else None
    out["precision@0.5"] = p5 / out["found_pairs"] if out["found_pairs"] else None
    out["precision@0.8"] = p8 / out["found_pairs"] if out["found_pairs"] else None
    out["by_bucket"] = {k: {"pairs": v["pairs"], "found": v["found"],
                            "lsh_p": v["w"] / v["pairs"] if v["pairs"] else None} for k, v in buckets.items()}
    out["by_edit"] = {k: {"pairs": v["pairs"], "found": v["found"], "mean_j": v["w"] / v["pairs"]}
                      for k, v in edits.items()}
    return out


def _add_weighted(into: dict, rows: dict, mean_key: str) -> None:
    """Add one language's {key: {pairs, found, mean_key}} rows to `into`, the mean weighted by pairs ("w")."""
    for k, b in rows.items():
        t = into.setdefault(k, {"pairs": 0, "found": 0, "w": 0.0})
        t["pairs"] += b["pairs"]
        t["found"] += b["found"]
        t["w"] += (b[mean_key] or 0.0) * b["pairs"]


def run_quality(langs: list[str], bases: int = 30, seed: int = 0, methods=("datasketch", "datatrove", "curate"),
                work: str = WORK_DEFAULT, num_cpus: int = 2, log=print) -> dict:
    import methods as M
    from make_corpus import near_dup_corpus

    methods = list(methods)
    skipped = {}
    if "curate" in methods:
        why = M.curate_available()
        if why:
            methods.remove("curate")
            skipped["curate"] = why
            log(f"quality: curate skipped ({why})")
    per_lang, labels_all, seconds, problems = {}, {m: {} for m in methods}, {m: 0.0 for m in methods}, {}
    truth_all = {}
    for lang in langs:
        docs = near_dup_corpus([lang], bases, seed)
        jac = true_jaccard(docs, lang)
        ids = [d["id"] for d in docs]
        truth = labels_from_pairs(ids, [p for p, j in jac.items() if j >= 0.8])
        truth_all.update(truth)
        per_lang[lang] = {"truth@0.8": evaluate(docs, jac, truth)}
        for m in methods:
            t0 = time.perf_counter()
            if m == "datasketch":
                lab = M.run_datasketch(docs, lang)
            elif m == "datatrove":
                lab = M.run_datatrove(docs, lang, os.path.join(work, "quality", lang))
            else:
                lab, probs = M.run_curate(docs, lang, os.path.join(work, "quality", lang), num_cpus)
                if probs:
                    problems[lang] = probs
                    log(f"quality: curate contract violations for {lang}: {probs[:5]}")
            seconds[m] += time.perf_counter() - t0
            labels_all[m].update({i: (lang, l) for i, l in lab.items()})
            per_lang[lang][m] = evaluate(docs, jac, lab)
        r = {m: per_lang[lang][m]["recall@0.8"] for m in methods}
        log(f"quality {lang}: {len(docs)} docs, {per_lang[lang]['truth@0.8']['true_pairs_j>=0.8']} pairs J>=0.8, "
            f"recall@0.8 " + ", ".join(f"{m}={v:.3f}" for m, v in r.items() if v is not None))
    overall = {m: merge([per_lang[l][m] for l in langs]) for m in ["truth@0.8"] + methods}
    clusterings = {"truth@0.8": truth_all, **labels_all}
    agreement = {}
    for a, b in combinations(list(clusterings), 2):
        f = pairwise_f1(clusterings[a], clusterings[b])
        agreement[f"{a} vs {b}"] = {"ari": adjusted_rand_index(clusterings[a], clusterings[b]), "pairwise_f1": f["f1"],
                                    "pairs_a": f["pairs_a"], "pairs_b": f["pairs_b"], "common_pairs": f["common"]}
    return {"langs": langs, "bases_per_lang": bases, "seed": seed, "methods": methods, "skipped": skipped,
            "seconds": {m: round(s, 2) for m, s in seconds.items()}, "overall": overall, "per_lang": per_lang,
            "agreement": agreement, "curate_problems": problems}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--langs", default=",".join(LANGS.values()))
    ap.add_argument("--bases", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--methods", default="datasketch,datatrove,curate")
    ap.add_argument("--work", default=WORK_DEFAULT)
    ap.add_argument("--out")
    a = ap.parse_args()
    res = run_quality(a.langs.split(","), a.bases, a.seed, a.methods.split(","), a.work,
                      log=lambda s: print(s, file=sys.stderr))
    print(write_json(res, a.out, default=float))


if __name__ == "__main__":
    main()
