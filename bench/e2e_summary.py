"""bench/run.py's aggregation: per configuration its medians over reps, and the ratios between configurations,
each taken within a rep (back-to-back runs) and then the median over reps: docs/s/core, 2-worker scaling
of the wall time, curate's wall by phase, and the rate of further documents (--marginal).
"""
from __future__ import annotations

import statistics

from e2e_configs import CONFIGS
from e2e_decisions import decision_check


def med(xs):
    """Median of the values that are not None, to 3 decimals; None when there are none."""
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 3) if xs else None


def _per_rep(per: list[float]) -> dict:
    return {"median": med(per), "per_rep": [round(x, 3) for x in per]}


def _shares(stage_seconds: dict) -> dict:
    tot = sum(v for v in stage_seconds.values() if v > 0)
    return {k: round(100 * v / tot, 1) for k, v in stage_seconds.items()} if tot else {}


def records(name: str, n_docs: int, n_half: int | None) -> int | None:
    """HTML records a configuration's runs read: the first half's for the --marginal ones."""
    return n_half if name.endswith("-half") else n_docs


def _ok(r: dict, *names: str) -> bool:
    return all(r.get(k, {}).get("rc") == 0 for k in names)


def config_summary(name: str, runs: list[dict], n: int) -> dict:
    """One configuration over its reps (each run gets its docs_per_cpu_s and docs_per_wall_s too)."""
    for m in runs:
        m["docs_per_cpu_s"] = round(n / m["cpu_s"], 2) if m["cpu_s"] else None
        m["docs_per_wall_s"] = round(n / m["wall_s"], 2) if m["wall_s"] else None
    out = {
        "reps": len(runs),
        "rc": [m["rc"] for m in runs],
        "cpu_s": [m["cpu_s"] for m in runs],
        "wall_s": [m["wall_s"] for m in runs],
        "docs_per_cpu_s_median": med([m["docs_per_cpu_s"] for m in runs]),
        "docs_per_cpu_s_range": [min(m["docs_per_cpu_s"] for m in runs), max(m["docs_per_cpu_s"] for m in runs)],
        "docs_per_wall_s_median": med([m["docs_per_wall_s"] for m in runs]),
        "peak_rss_mb_max": max(m["peak_rss_mb"] for m in runs),
        "peak_tree_pss_mb_max": max(m["peak_tree_pss_mb"] for m in runs),
        "noise_other_busy_s": [m["noise"]["other_busy_s_on_pinned_cpus"] for m in runs],
        "extract_s": [m.get("extract_s") for m in runs],
    }
    st = [m.get("stage_seconds") for m in runs if m.get("stage_seconds")]
    if st:
        keys = sorted({k for s in st for k in s})
        medians = {k: med([s.get(k, 0.0) for s in st]) for k in keys}
        out["stage_seconds_median"] = dict(sorted(medians.items(), key=lambda kv: -(kv[1] or 0)))
        out["stage_share_pct"] = _shares(out["stage_seconds_median"])
    out["docs"] = runs[-1].get("docs")
    if name == "datatrove":
        out["skipped_languages"] = runs[-1].get("skipped_languages")
    return out


def phase_walls(reps: list[dict]) -> dict:
    """Median wall s of each phase of curate and curate@2, and per rep the 1-worker / 2-worker ratio of
    the shard stage (the part two workers share) and of what lies outside it (the measured wall minus
    the shard stage: process start and exit included)."""
    def walls(m: dict) -> dict:
        return dict(m["phase_wall_s"], outside_shard_stage_s=m["wall_s"] - m["phase_wall_s"]["shard_stage_s"])

    both = [(walls(r["curate"]), walls(r["curate@2"])) for r in reps
            if _ok(r, "curate", "curate@2") and all(r[k].get("phase_wall_s", {}).get("shard_stage_s") for k in ("curate", "curate@2"))]
    if not both:
        return {}
    out = {k: {p: med([w[i].get(p) for w in both]) for p in both[0][i]} for i, k in enumerate(("curate", "curate@2"))}
    for p in ("shard_stage_s", "outside_shard_stage_s"):
        out[f"scaling_{p}"] = _per_rep([one[p] / two[p] for one, two in both])
    return out


def _scaling(reps: list[dict], runs: tuple[str, ...], wall) -> dict:
    """wall of 1 worker / wall of 2 workers, in the reps where every run of `runs` succeeded."""
    out = {}
    for name in ("curate", "datatrove"):
        per = [wall(r, name) / wall(r, f"{name}@2") for r in reps
               if _ok(r, *(k.format(name) for k in runs)) and wall(r, f"{name}@2") > 0]
        if per:
            out[name] = _per_rep(per)
    return out


def _marginal(reps: list[dict], n_docs: int, n_half: int | None) -> dict:
    """docs/s/core of the second half alone: what further documents cost once fixed costs are paid."""
    marginal = {}
    for name in ("traf", "datatrove", "curate"):
        per = [(n_docs - n_half) / (r[name]["cpu_s"] - r[f"{name}-half"]["cpu_s"]) for r in reps
               if n_half and _ok(r, name, f"{name}-half") and r[name]["cpu_s"] > r[f"{name}-half"]["cpu_s"]]
        if per:
            marginal[name] = per
    out = {k: {"median": med(v), "per_rep": [round(x, 2) for x in v]} for k, v in marginal.items()}
    for num, den in (("curate", "datatrove"), ("curate", "traf")):
        if num in marginal and den in marginal and len(marginal[num]) == len(marginal[den]):
            out[f"{num}/{den}"] = _per_rep([a / b for a, b in zip(marginal[num], marginal[den])])
    return out


def summarize(reps: list[dict], n_docs: int, workers: int, n_half: int | None = None) -> dict:
    out = {}
    for name in CONFIGS:
        runs = [r[name] for r in reps if name in r and "cpu_s" in r[name] and r[name]["rc"] == 0]
        out[name] = config_summary(name, runs, records(name, n_docs, n_half)) if runs else {"skipped": "not run"}
    ratios = {}
    for num, den in (("curate", "datatrove"), ("curate", "traf"), ("datatrove", "traf"), ("curate", "curate-plain")):
        per = [r[den]["cpu_s"] / r[num]["cpu_s"] for r in reps if _ok(r, num, den) and r[num]["cpu_s"]]
        if per:  # docs/s/core ratio num/den = cpu_den / cpu_num on the same docs
            ratios[f"{num}/{den}"] = _per_rep(per)
    out["ratios_docs_per_cpu_s"] = ratios
    out["scaling_2_workers_wall"] = _scaling(reps, ("{}", "{}@2"), lambda r, k: r[k]["wall_s"])
    out["curate_phase_wall_s"] = phase_walls(reps)
    # the same for the second half of the records alone: wall differences with the first half's runs
    out["marginal_scaling_2_workers_wall"] = _scaling(reps, ("{}", "{}-half", "{}@2", "{}@2-half"),
                                                      lambda r, k: r[k]["wall_s"] - r[f"{k}-half"]["wall_s"])
    out["marginal_docs_per_cpu_s"] = _marginal(reps, n_docs, n_half)
    out["decisions_curate_vs_plain"] = decision_check(reps)
    return out
