"""bench/run.py's report: results/TAG.json (meta, summary, every rep's measurements) and results/TAG.md."""
from __future__ import annotations

import json
from pathlib import Path

from e2e_configs import CONFIGS
from jsonfile import write_json


def _figure(v: dict) -> str:
    """'**median** (rep 1, rep 2, ...)'"""
    return f"**{v['median']}** ({', '.join(map(str, v['per_rep']))})"


def _config_table(s: dict) -> list[str]:
    lines = ["| config | docs/s/core (median) | range | docs/s wall | CPU s per rep | wall s per rep | peak RSS MB | tree PSS MB | other busy s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name in CONFIGS:
        c = s.get(name)
        if c is None:  # a configuration this results file predates
            continue
        if "skipped" in c:
            lines.append(f"| {name} | skipped: {c['skipped']} | | | | | | | |")
            continue
        lines.append(
            f"| {name} | **{c['docs_per_cpu_s_median']}** | {c['docs_per_cpu_s_range'][0]}–{c['docs_per_cpu_s_range'][1]} "
            f"| {c['docs_per_wall_s_median']} | {', '.join(map(str, c['cpu_s']))} | {', '.join(map(str, c['wall_s']))} "
            f"| {c['peak_rss_mb_max']} | {c['peak_tree_pss_mb_max']} | {', '.join(map(str, c['noise_other_busy_s']))} |")
    return lines


def _phase_table(ph: dict) -> list[str]:
    one, two = ph["curate"], ph["curate@2"]
    lines = ["", "curate's wall time by phase (median s; run.json timings; 'outside' = the measured wall minus the "
             "shard stage, so process start and exit too):", "",
             "| phase | 1 worker | 2 workers | 1 / 2 |", "|---|---|---|---|"]
    for p in one:
        ratio = round(one[p] / two[p], 2) if two.get(p) else ""
        lines.append(f"| {p[:-2].replace('_', ' ')} | {round(one[p], 2)} | {round(two.get(p, 0.0), 2)} | {ratio} |")
    for p in ("shard_stage_s", "outside_shard_stage_s"):
        lines.append(f"- 2-worker scaling of curate's {p[:-2].replace('_', ' ')}: {_figure(ph[f'scaling_{p}'])}")
    return lines


def _stage_tables(s: dict, meta: dict) -> list[str]:
    lines = []
    for name in ("datatrove", "curate"):
        c = s.get(name, {})
        if c.get("stage_seconds_median"):
            lines += ["", f"## {name}: CPU seconds per stage (median over reps), share, and input records per CPU "
                      "second of the stage (the rate the stage alone would allow)", "",
                      "| stage | s | share | records/s |", "|---|---|---|---|"]
            for k, v in c["stage_seconds_median"].items():
                rate = round(meta["html_records"] / v) if v else ""
                lines.append(f"| {k} | {v} | {c['stage_share_pct'].get(k, '')}% | {rate} |")
            if name == "curate" and meta.get("curate_setup_cold_cache_s") is not None:
                lines += ["", f"curate's setup with a cold per-node cache (the uncounted warm-up run, before any compiled "
                          f"tokenizer pattern was stored): {meta['curate_setup_cold_cache_s']} s"]
    return lines


def markdown(res: dict) -> str:
    s, meta = res["summary"], res["meta"]
    lines = [
        f"# curate benchmark — {meta['date']}",
        "",
        f"Input `{meta['input']}`: {meta['html_records']} HTML response records. workers={meta['workers']}, "
        f"pinned `taskset -c {meta['cpus']}`, {meta['reps']} rep(s), interleaved. docs/s/core = records / CPU s "
        "of the whole process tree (measure.py). Host: "
        f"{meta['nproc']} vCPUs, shared; 'other busy' = CPU s spent by other work on the pinned CPUs during the run.",
        "",
    ] + _config_table(s)
    dc = s.get("decisions_curate_vs_plain", {})
    if dc.get("per_rep"):
        per = "; ".join(f"{x['documents']} docs, {x['differ']} differ" for x in dc["per_rep"])
        lines += ["", f"Decision equality (ids, subsets, reasons, texts), curate vs curate-plain (unoptimised): identical = **{dc['identical']}** ({per})"]
    lines += ["", "Ratios of docs/s/core (per rep, back to back; median):", ""]
    for k, v in s["ratios_docs_per_cpu_s"].items():
        lines.append(f"- {k}: {_figure(v)}")
    for k, v in s.get("scaling_2_workers_wall", {}).items():
        lines.append(f"- 2-worker scaling of {k}, wall(1 worker) / wall(2 workers): {_figure(v)}")
    for k, v in s.get("marginal_scaling_2_workers_wall", {}).items():
        lines.append(f"- 2-worker scaling of {k} for the second half of the records (wall of the whole input minus wall of its "
                     f"first half, 1 worker / 2 workers): {_figure(v)}")
    if s.get("curate_phase_wall_s"):
        lines += _phase_table(s["curate_phase_wall_s"])
    mg = s.get("marginal_docs_per_cpu_s") or {}
    if mg:
        lines += ["", "Per-document rate once fixed costs are paid (--marginal): the second half of the records, from "
                  "CPU s of the whole input minus CPU s of its first half alone, per rep; docs/s/core (median):", ""]
        for k, v in mg.items():
            lines.append(f"- {k}: {_figure(v)}")
    if "curate/traf" in s["ratios_docs_per_cpu_s"]:
        lines.append(f"- curate's fraction of the trafilatura-alone bound: **{s['ratios_docs_per_cpu_s']['curate/traf']['median']}**")
    lines += _stage_tables(s, meta)
    for name in CONFIGS:
        d = s.get(name, {})
        if d.get("docs"):
            extra = f"; skipped languages: {json.dumps(d.get('skipped_languages'))}" if name == "datatrove" else ""
            lines += ["", f"{name} document flow (last rep): {json.dumps(d['docs'])}{extra}"]
    return "\n".join(lines) + "\n"


def write_results(res: dict, results_dir: Path, tag: str) -> str:
    """Write TAG.json and TAG.md under `results_dir`; return the Markdown."""
    results_dir.mkdir(parents=True, exist_ok=True)
    write_json(res, results_dir / f"{tag}.json")
    md = markdown(res)
    (results_dir / f"{tag}.md").write_text(md)
    return md
