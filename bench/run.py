#!/usr/bin/env python
"""curate vs datatrove (FineWeb2 blocks) vs trafilatura alone, on the same WARC, in one window.

    python bench/run.py --input real-pages.warc.gz [--reps 3] [--workers 1|2] [--only traf,datatrove,curate]
    python bench/run.py --input real-pages.warc.gz --reps 3 --scaling --datatrove-skip-english   # the README's figures

Per rep, alternating (rep 1 of every config, then rep 2, ...):
  traf       bench/traf_alone.py WARC                      (extraction bound: one process, one core)
  datatrove  bench/datatrove_fineweb2.py --input DIR ...    (stage A + per-language stage B)
  curate     pipelines/fineweb2.py --input DIR --output OUT --num-cpus N
  curate-plain   the same with `unoptimised: true` (the decision-equality check compares it with curate)
each under bench/measure.py (whole process tree CPU, peak RSS/PSS), pinned with `taskset -c 0`
(`-c 0,1` with --workers 2; the poller is pinned to CPU 1 in 1-worker mode).
--scaling adds, in every rep, curate@2 and datatrove@2: the same input split in two files, two
workers on `taskset -c 0,1`; the 2-worker scaling is wall(1 worker) / wall(2 workers) within a rep.
--marginal adds each system on the first half of the records alone (and, with --scaling, its 2-worker
runs too): the second half's cost, whole minus first half, is what further documents cost.

"docs/s/core" = HTML response records in the input / CPU seconds of the whole process tree.
Ratios are taken within a rep (back-to-back runs), then the median over reps.
Writes bench/results/latest.json and bench/results/latest.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from measure import measure  # noqa: E402

PY = sys.executable
CURATE_SCRIPT = REPO / "pipelines" / "fineweb2.py"
SMALL_WARC = "/work/shared/data/cc_warc/resiliparse_CC-MAIN-2020-34_excerpt.warc.gz"


# ---------------------------------------------------------------------------------------------- input


def split_warc(src: Path, dst_dir: Path, parts: int) -> list[Path]:
    """Split a WARC (one gzip member per record) into `parts` files of whole records, bytes unchanged."""
    from warcio.archiveiterator import ArchiveIterator

    spans = []
    with open(src, "rb") as f:
        it = ArchiveIterator(f)
        for rec in it:
            rec.content_stream().read()
            spans.append((it.get_record_offset(), it.get_record_length(), rec.rec_type))
    resp = [i for i, s in enumerate(spans) if s[2] == "response"]
    cut = [resp[len(resp) * k // parts] for k in range(1, parts)]
    bounds = [0] + cut + [len(spans)]
    out = []
    with open(src, "rb") as f:
        for k in range(parts):
            p = dst_dir / f"part-{k:02d}.warc.gz"
            with open(p, "wb") as o:
                for off, length, _ in spans[bounds[k]:bounds[k + 1]]:
                    f.seek(off)
                    o.write(f.read(length))
            out.append(p)
    return out


def count_html_responses(warc: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    with open(warc, "rb") as f:
        for rec in ArchiveIterator(f):
            if rec.rec_type == "response":
                n += 1
    return n


# ---------------------------------------------------------------------------------------------- noise


def _cpu_line(cpu: str) -> tuple[float, float]:
    """(busy, steal) seconds of one CPU (or 'cpu' for all) from /proc/stat."""
    tick = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as f:
        for line in f:
            parts = line.split()
            if parts[0] == cpu:
                v = [int(x) for x in parts[1:]]
                idle = v[3] + v[4]
                steal = v[7] if len(v) > 7 else 0
                return (sum(v[:8]) - idle - steal) / tick, steal / tick
    return 0.0, 0.0


def measured(cmd: list[str], cpus: str, log: Path, env: dict) -> dict:
    """measure() with taskset, plus how busy the measured CPUs were with other work (noise)."""
    cpu_ids = [f"cpu{c}" for c in cpus.split(",")]
    one = "," not in cpus
    before = [_cpu_line(c) for c in cpu_ids]
    with open(log, "wb") as lf:
        m = measure(["taskset", "-c", cpus] + cmd, env=env, stdout=lf, stderr=subprocess.STDOUT,
                    interval=0.05 if one else 0.2)
    after = [_cpu_line(c) for c in cpu_ids]
    busy = sum(a[0] - b[0] for a, b in zip(after, before))
    steal = sum(a[1] - b[1] for a, b in zip(after, before))
    m["noise"] = {
        "other_busy_s_on_pinned_cpus": round(busy - m["cpu_s"], 2),  # >0: someone else ran there too
        "steal_s": round(steal, 2),
        "loadavg_after": open("/proc/loadavg").read().split()[:3],
    }
    m["log"] = str(log)
    return m


# ---------------------------------------------------------------------------------------------- configs


def run_traf(ctx, rep_dir: Path, name: str = "traf") -> dict:
    out = rep_dir / f"{name}.json"
    m = measured([PY, str(HERE / "traf_alone.py"), *map(str, ctx["warcs"]), "--json", str(out)],
                 "0", rep_dir / f"{name}.log", ctx["env"])
    if out.exists():
        m["result"] = json.loads(out.read_text())
        m["extract_s"] = m["result"]["extract_s"]
    return m


def run_datatrove(ctx, rep_dir: Path, name: str = "datatrove") -> dict:
    work = rep_dir / name
    m = measured([PY, str(HERE / "datatrove_fineweb2.py"), "--input", str(ctx["input_dir"]), "--work", str(work),
                  "--lid-model", ctx["lid_model"], "--workers", str(ctx["workers"])] + ctx["datatrove_args"],
                 ctx["cpus"], rep_dir / f"{name}.log", ctx["env"])
    sf = work / "summary.json"
    if sf.exists():
        s = json.loads(sf.read_text())
        m["docs"] = s.get("docs")
        m["stage_seconds"] = s.get("stage_seconds", {})
        m["skipped_languages"] = s.get("skipped_languages")
        m["kept_per_language"] = {k: len(v) for k, v in s.get("kept_ids", {}).items()}
        m["extract_s"] = sum(v for k, v in m["stage_seconds"].items() if "trafilatura" in k.lower())
        if not ctx["keep_outputs"]:  # keep summary.json, drop the data
            for sub in ("A", "B"):
                shutil.rmtree(work / sub, ignore_errors=True)
    return m


def decisions(out: Path) -> dict[str, str]:
    """id -> where curate put it (subset/split and filter reason) and a digest of its text: what
    'same decisions' compares, so a speed-up that changed an extracted text would show too."""
    import hashlib

    import pyarrow.parquet as pq

    result = {}
    for f in sorted((out / "data").rglob("*.parquet")):
        cols = ["id", "text", "filter_reason"] if f.parent.parent.name.endswith("_removed") else ["id", "text"]
        for r in pq.read_table(f, columns=cols).to_pylist():
            digest = hashlib.sha256(r["text"].encode()).hexdigest()[:16]
            result[r["id"]] = f"{f.parent.parent.name}/{f.parent.name}/{r.get('filter_reason') or ''}/{digest}"
    return result


def curate_cmd(ctx, out: Path, *extra: str) -> list[str]:
    return [PY, str(CURATE_SCRIPT), "--input", str(ctx["input_dir"]), "--output", str(out),
            "--num-cpus", str(ctx["workers"]), "--ray-address", "local", *extra]


def run_curate(ctx, rep_dir: Path, plain: bool = False, name: str = "curate") -> dict:
    name = "curate-plain" if plain else name
    out = rep_dir / name
    extra = []
    if plain:  # the unoptimised configuration: datatrove's plain tokenizers and URL sets
        cfg = rep_dir / "plain.yaml"
        cfg.write_text("unoptimised: true\n")
        extra = ["--config", str(cfg)]
    m = measured(curate_cmd(ctx, out, *extra), ctx["cpus"], rep_dir / f"{name}.log", ctx["env"])
    if (out / "data").exists():
        d = decisions(out)
        (rep_dir / f"{name}.decisions.json").write_text(json.dumps(d, sort_keys=True))
        m["decisions_file"] = str(rep_dir / f"{name}.decisions.json")
    # stats.json: document counters; run.json: CPU seconds per stage of this run
    sf, rf = out / "stats.json", out / "run.json"
    if sf.exists() and rf.exists():
        s, timings = json.loads(sf.read_text()), json.loads(rf.read_text())["timings"]
        m["stage_seconds"] = {**timings.get("stage_cpu_s", {}), "finalize": timings.get("finalize_cpu_s", 0.0),
                              "dedup (wall)": timings.get("dedup_s", 0.0)}
        m["phase_wall_s"] = {k: round(timings[k], 3) for k in PHASES if k in timings}
        m["docs"] = _curate_docs(s)
        m["extract_s"] = sum(v for k, v in m["stage_seconds"].items()
                             if "extract" in k.lower() or "trafilatura" in k.lower()) or None
    else:
        m["stats_missing"] = str(sf)
    if not ctx["keep_outputs"]:
        for p in out.iterdir() if out.exists() else []:
            if p.name not in ("stats.json", "run.json"):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink()
    return m


def _curate_docs(stats: dict) -> dict | None:
    """Kept documents per stage from curate's stats.json "counters" rows ({stage, language, reason, count})."""
    rows = stats.get("counters")
    if not isinstance(rows, list):
        return None
    kept: dict[str, int] = {}
    for r in rows:
        if isinstance(r, dict) and r.get("reason") == "kept":
            kept[r.get("stage", "?")] = kept.get(r.get("stage", "?"), 0) + int(r.get("count", 0))
    return {"kept_after_" + k: v for k, v in kept.items()} or None


CONFIGS = {"traf": run_traf, "datatrove": run_datatrove, "curate": run_curate,
           "curate-plain": lambda ctx, rep_dir: run_curate(ctx, rep_dir, plain=True),
           # --scaling: two workers on two CPUs, the input split in two (ctx["two"])
           "curate@2": lambda ctx, rep_dir: run_curate(ctx["two"], rep_dir, name="curate@2"),
           "datatrove@2": lambda ctx, rep_dir: run_datatrove(ctx["two"], rep_dir, name="datatrove@2"),
           # --marginal: one worker on the first half of the input's records only (ctx["half"])
           "traf-half": lambda ctx, rep_dir: run_traf(ctx["half"], rep_dir, name="traf-half"),
           "datatrove-half": lambda ctx, rep_dir: run_datatrove(ctx["half"], rep_dir, name="datatrove-half"),
           "curate-half": lambda ctx, rep_dir: run_curate(ctx["half"], rep_dir, name="curate-half"),
           # --scaling with --marginal: two workers on the first half, split in two (ctx["two-half"])
           "curate@2-half": lambda ctx, rep_dir: run_curate(ctx["two-half"], rep_dir, name="curate@2-half"),
           "datatrove@2-half": lambda ctx, rep_dir: run_datatrove(ctx["two-half"], rep_dir, name="datatrove@2-half")}


def decision_check(reps: list[dict]) -> dict:
    """Same kept ids, same reasons and same texts with and without the speed-ups, per rep."""
    out = []
    for r in reps:
        a, b = r.get("curate", {}).get("decisions_file"), r.get("curate-plain", {}).get("decisions_file")
        if a and b:
            da, db = json.loads(Path(a).read_text()), json.loads(Path(b).read_text())
            diff = sorted(k for k in set(da) | set(db) if da.get(k) != db.get(k))
            out.append({"documents": len(da), "differ": len(diff), "examples": diff[:5]})
    return {"per_rep": out, "identical": bool(out) and all(x["differ"] == 0 for x in out)}


# ---------------------------------------------------------------------------------------------- report


def _med(xs):
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 3) if xs else None


def _shares(stage_seconds: dict) -> dict:
    tot = sum(v for v in stage_seconds.values() if v > 0)
    return {k: round(100 * v / tot, 1) for k, v in stage_seconds.items()} if tot else {}


def records(name: str, n_docs: int, n_half: int | None) -> int | None:
    """HTML records a configuration's runs read: the first half's for the --marginal ones."""
    return n_half if name.endswith("-half") else n_docs


# curate's wall time by phase (run.json): Ray's start, the shard stage, dedup, finalize, the card
PHASES = ("start_s", "shard_stage_s", "dedup_s", "finalize_s", "card_s", "total_s")


def phase_walls(reps: list[dict]) -> dict:
    """Median wall s of each phase of curate and curate@2, and per rep the 1-worker / 2-worker ratio of
    the shard stage (the part two workers share) and of what lies outside it (the measured wall minus
    the shard stage: process start and exit included)."""
    def walls(m: dict) -> dict:
        return dict(m["phase_wall_s"], outside_shard_stage_s=m["wall_s"] - m["phase_wall_s"]["shard_stage_s"])

    both = [(walls(r["curate"]), walls(r["curate@2"])) for r in reps
            if all(r.get(k, {}).get("rc") == 0 and r[k].get("phase_wall_s", {}).get("shard_stage_s") for k in ("curate", "curate@2"))]
    if not both:
        return {}
    out = {k: {p: _med([w[i].get(p) for w in both]) for p in both[0][i]} for i, k in enumerate(("curate", "curate@2"))}
    for p in ("shard_stage_s", "outside_shard_stage_s"):
        per = [one[p] / two[p] for one, two in both]
        out[f"scaling_{p}"] = {"median": _med(per), "per_rep": [round(x, 3) for x in per]}
    return out


def summarize(reps: list[dict], n_docs: int, workers: int, n_half: int | None = None) -> dict:
    out = {}
    for name in CONFIGS:
        runs = [r[name] for r in reps if name in r and "cpu_s" in r[name] and r[name]["rc"] == 0]
        if not runs:
            failed = [r[name] for r in reps if name in r and r[name].get("rc")]
            out[name] = {"skipped": f"FAILED rc={failed[0]['rc']}, see {failed[0].get('log')}" if failed
                         else next((r[name].get("skipped") for r in reps if name in r), "not run")}
            continue
        n = records(name, n_docs, n_half)
        for m in runs:
            m["docs_per_cpu_s"] = round(n / m["cpu_s"], 2) if m["cpu_s"] else None
            m["docs_per_wall_s"] = round(n / m["wall_s"], 2) if m["wall_s"] else None
        out[name] = {
            "reps": len(runs),
            "rc": [m["rc"] for m in runs],
            "cpu_s": [m["cpu_s"] for m in runs],
            "wall_s": [m["wall_s"] for m in runs],
            "docs_per_cpu_s_median": _med([m["docs_per_cpu_s"] for m in runs]),
            "docs_per_cpu_s_range": [min(m["docs_per_cpu_s"] for m in runs), max(m["docs_per_cpu_s"] for m in runs)],
            "docs_per_wall_s_median": _med([m["docs_per_wall_s"] for m in runs]),
            "peak_rss_mb_max": max(m["peak_rss_mb"] for m in runs),
            "peak_tree_pss_mb_max": max(m["peak_tree_pss_mb"] for m in runs),
            "noise_other_busy_s": [m["noise"]["other_busy_s_on_pinned_cpus"] for m in runs],
            "extract_s": [m.get("extract_s") for m in runs],
        }
        st = [m.get("stage_seconds") for m in runs if m.get("stage_seconds")]
        if st:
            keys = sorted({k for s in st for k in s})
            med = {k: _med([s.get(k, 0.0) for s in st]) for k in keys}
            out[name]["stage_seconds_median"] = dict(sorted(med.items(), key=lambda kv: -(kv[1] or 0)))
            out[name]["stage_share_pct"] = _shares(out[name]["stage_seconds_median"])
        out[name]["docs"] = runs[-1].get("docs")
        if name == "datatrove":
            out[name]["skipped_languages"] = runs[-1].get("skipped_languages")
    ratios = {}
    for num, den in (("curate", "datatrove"), ("curate", "traf"), ("datatrove", "traf"), ("curate", "curate-plain")):
        per = [r[den]["cpu_s"] / r[num]["cpu_s"] for r in reps
               if r.get(num, {}).get("rc") == 0 and r.get(den, {}).get("rc") == 0 and r[num]["cpu_s"]]
        if per:  # docs/s/core ratio num/den = cpu_den / cpu_num on the same docs
            ratios[f"{num}/{den}"] = {"median": _med(per), "per_rep": [round(x, 3) for x in per]}
    out["ratios_docs_per_cpu_s"] = ratios
    def scaling(runs, wall) -> dict:  # wall of 1 worker / wall of 2 workers, where every run of the rep succeeded
        out_ = {}
        for name in ("curate", "datatrove"):
            per = [wall(r, name) / wall(r, f"{name}@2") for r in reps
                   if all(r.get(k.format(name), {}).get("rc") == 0 for k in runs) and wall(r, f"{name}@2") > 0]
            if per:
                out_[name] = {"median": _med(per), "per_rep": [round(x, 3) for x in per]}
        return out_

    out["scaling_2_workers_wall"] = scaling(("{}", "{}@2"), lambda r, k: r[k]["wall_s"])
    out["curate_phase_wall_s"] = phase_walls(reps)
    # the same for the second half of the records alone: wall differences with the first half's runs
    out["marginal_scaling_2_workers_wall"] = scaling(("{}", "{}-half", "{}@2", "{}@2-half"),
                                                     lambda r, k: r[k]["wall_s"] - r[f"{k}-half"]["wall_s"])
    marginal = {}  # docs/s/core of the second half alone: what further documents cost once fixed costs are paid
    for name in ("traf", "datatrove", "curate"):
        per = [(n_docs - n_half) / (r[name]["cpu_s"] - r[f"{name}-half"]["cpu_s"]) for r in reps
               if n_half and r.get(name, {}).get("rc") == 0 and r.get(f"{name}-half", {}).get("rc") == 0
               and r[name]["cpu_s"] > r[f"{name}-half"]["cpu_s"]]
        if per:
            marginal[name] = per
    out["marginal_docs_per_cpu_s"] = {k: {"median": _med(v), "per_rep": [round(x, 2) for x in v]} for k, v in marginal.items()}
    for num, den in (("curate", "datatrove"), ("curate", "traf")):
        if num in marginal and den in marginal and len(marginal[num]) == len(marginal[den]):
            per = [a / b for a, b in zip(marginal[num], marginal[den])]
            out["marginal_docs_per_cpu_s"][f"{num}/{den}"] = {"median": _med(per), "per_rep": [round(x, 3) for x in per]}
    out["decisions_curate_vs_plain"] = decision_check(reps)
    return out


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
        "| config | docs/s/core (median) | range | docs/s wall | CPU s per rep | wall s per rep | peak RSS MB | tree PSS MB | other busy s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
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
    dc = s.get("decisions_curate_vs_plain", {})
    if dc.get("per_rep"):
        per = "; ".join(f"{x['documents']} docs, {x['differ']} differ" for x in dc["per_rep"])
        lines += ["", f"Decision equality (ids, subsets, reasons, texts), curate vs curate-plain (unoptimised): identical = **{dc['identical']}** ({per})"]
    lines += ["", "Ratios of docs/s/core (per rep, back to back; median):", ""]
    for k, v in s["ratios_docs_per_cpu_s"].items():
        lines.append(f"- {k}: **{v['median']}** ({', '.join(map(str, v['per_rep']))})")
    for k, v in s.get("scaling_2_workers_wall", {}).items():
        lines.append(f"- 2-worker scaling of {k}, wall(1 worker) / wall(2 workers): **{v['median']}** ({', '.join(map(str, v['per_rep']))})")
    for k, v in s.get("marginal_scaling_2_workers_wall", {}).items():
        lines.append(f"- 2-worker scaling of {k} for the second half of the records (wall of the whole input minus wall of its "
                     f"first half, 1 worker / 2 workers): **{v['median']}** ({', '.join(map(str, v['per_rep']))})")
    ph = s.get("curate_phase_wall_s") or {}
    if ph:
        one, two = ph["curate"], ph["curate@2"]
        lines += ["", "curate's wall time by phase (median s; run.json timings; 'outside' = the measured wall minus the "
                  "shard stage, so process start and exit too):", "",
                  "| phase | 1 worker | 2 workers | 1 / 2 |", "|---|---|---|---|"]
        for p in one:
            ratio = round(one[p] / two[p], 2) if two.get(p) else ""
            lines.append(f"| {p[:-2].replace('_', ' ')} | {round(one[p], 2)} | {round(two.get(p, 0.0), 2)} | {ratio} |")
        for p in ("shard_stage_s", "outside_shard_stage_s"):
            v = ph[f"scaling_{p}"]
            lines.append(f"- 2-worker scaling of curate's {p[:-2].replace('_', ' ')}: **{v['median']}** "
                         f"({', '.join(map(str, v['per_rep']))})")
    mg = s.get("marginal_docs_per_cpu_s") or {}
    if mg:
        lines += ["", "Per-document rate once fixed costs are paid (--marginal): the second half of the records, from "
                  "CPU s of the whole input minus CPU s of its first half alone, per rep; docs/s/core (median):", ""]
        for k, v in mg.items():
            lines.append(f"- {k}: **{v['median']}** ({', '.join(map(str, v['per_rep']))})")
    if "curate/traf" in s["ratios_docs_per_cpu_s"]:
        lines.append(f"- curate's fraction of the trafilatura-alone bound: **{s['ratios_docs_per_cpu_s']['curate/traf']['median']}**")
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
    for name in CONFIGS:
        d = s.get(name, {})
        if d.get("docs"):
            extra = f"; skipped languages: {json.dumps(d.get('skipped_languages'))}" if name == "datatrove" else ""
            lines += ["", f"{name} document flow (last rep): {json.dumps(d['docs'])}{extra}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="a WARC file (one gzip member per record)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1, choices=[1, 2], help="2 = scaling mode: input split in 2 files, 2 CPUs")
    ap.add_argument("--cpu", type=int, default=0, choices=[0, 1], help="CPU to pin to in 1-worker mode")
    ap.add_argument("--only", default="traf,datatrove,curate,curate-plain")
    ap.add_argument("--scaling", action="store_true", help="also curate@2 and datatrove@2 (2 workers, 2 CPUs) every rep")
    ap.add_argument("--marginal", action="store_true",
                    help="also each of traf, datatrove, curate on the first half of the records: the second "
                         "half's docs/s/core (from the difference) is the rate once fixed costs are paid")
    ap.add_argument("--lid-model", default="/work/shared/data/lid_models/lid.176.ftz")
    ap.add_argument("--work", default=None, help="scratch dir (default: a temp dir under /tmp)")
    ap.add_argument("--hf-home", default="/tmp/curate-bench-hf")
    ap.add_argument("--no-warmup", action="store_true")
    ap.add_argument("--datatrove-skip-english", action="store_true",
                    help="no datatrove stage B for English (match curate's release_english=false)")
    ap.add_argument("--keep-outputs", action="store_true")
    ap.add_argument("--results", default=str(HERE / "results"))
    ap.add_argument("--tag", default="latest", help="results file stem")
    a = ap.parse_args()

    only = [x for x in a.only.split(",") if x]
    if a.scaling:
        if a.workers != 1:
            ap.error("--scaling compares with 1 worker: leave --workers at 1")
        only += [f"{x}@2" for x in ("curate", "datatrove") if x in only]
    if a.marginal:
        if a.workers != 1:
            ap.error("--marginal runs one worker: leave --workers at 1")
        only += [f"{x}-half" for x in ("traf", "datatrove", "curate", "curate@2", "datatrove@2") if x in only]
    warc = Path(a.input).resolve()
    work = Path(a.work or tempfile.mkdtemp(prefix="curate-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    input_dir = work / "input"
    shutil.rmtree(input_dir, ignore_errors=True)
    input_dir.mkdir()
    if a.workers == 1:
        (input_dir / warc.name).symlink_to(warc)
        warcs = [warc]
    else:
        warcs = split_warc(warc, input_dir, a.workers)
    # CURATE_CACHE: curate's per-node cache (compiled tokenizer patterns), warmed below like datatrove's HF_HOME
    env = dict(os.environ, HF_HOME=a.hf_home, CURATE_CACHE=str(work / "curate-cache"), PYTHONUNBUFFERED="1")
    ctx = {"warcs": warcs, "input_dir": input_dir, "workers": a.workers, "cpus": str(a.cpu) if a.workers == 1 else ",".join(str(i) for i in range(a.workers)),
           "env": env, "lid_model": a.lid_model, "keep_outputs": a.keep_outputs,
           "datatrove_args": ["--skip-english"] if a.datatrove_skip_english else []}
    if a.scaling:
        two_dir = work / "input-2"
        shutil.rmtree(two_dir, ignore_errors=True)
        two_dir.mkdir()
        ctx["two"] = dict(ctx, warcs=split_warc(warc, two_dir, 2), input_dir=two_dir, workers=2, cpus="0,1")
    n_half = None
    if a.marginal:  # the first half of the records (split_warc's first part), alone
        half_dir = work / "input-half"
        shutil.rmtree(half_dir, ignore_errors=True)
        half_dir.mkdir()
        first, second = split_warc(warc, half_dir, 2)
        second.unlink()
        ctx["half"] = dict(ctx, warcs=[first], input_dir=half_dir)
        if a.scaling:
            two_half_dir = work / "input-2-half"
            shutil.rmtree(two_half_dir, ignore_errors=True)
            two_half_dir.mkdir()
            ctx["two-half"] = dict(ctx["two"], warcs=split_warc(first, two_half_dir, 2), input_dir=two_half_dir)
        n_half = count_html_responses(first)
    n_docs = count_html_responses(warc)
    if a.workers == 1:
        os.sched_setaffinity(0, {1 - a.cpu})  # keep this harness and its poller off the measured CPU
        # (2-worker runs of --scaling share the CPUs with the poller: 0.2 s sampling, negligible)

    if not a.no_warmup and "datatrove" in only:  # fills $HF_HOME (URL lists, LID copy), tldextract cache
        print("warm-up: datatrove on the small excerpt (not counted)", file=sys.stderr)
        subprocess.run([PY, str(HERE / "datatrove_fineweb2.py"), "--input", SMALL_WARC, "--work", str(work / "warmup"),
                        "--lid-model", a.lid_model], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    cold_setup = None
    if not a.no_warmup and any(n.startswith("curate") for n in only):  # a node that has run curate before
        print("warm-up: curate on the input (not counted)", file=sys.stderr)
        subprocess.run(curate_cmd(ctx, work / "warmup-curate"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        warm = work / "warmup-curate" / "run.json"
        cold_setup = json.loads(warm.read_text())["timings"]["stage_cpu_s"].get("setup") if warm.exists() else None

    reps = []
    for r in range(a.reps):
        rep_dir = work / f"rep{r + 1}"
        rep_dir.mkdir(exist_ok=True)
        rep = {}
        for name in only:
            print(f"rep {r + 1}/{a.reps}: {name} ...", file=sys.stderr, flush=True)
            rep[name] = CONFIGS[name](ctx, rep_dir)
            m = rep[name]
            if "cpu_s" in m:
                print(f"  rc={m['rc']} wall={m['wall_s']}s cpu={m['cpu_s']}s -> {records(name, n_docs, n_half) / m['cpu_s']:.2f} docs/s/core "
                      f"(other busy on pinned CPUs {m['noise']['other_busy_s_on_pinned_cpus']}s)", file=sys.stderr, flush=True)
            else:
                print(f"  {m}", file=sys.stderr, flush=True)
        reps.append(rep)

    import datatrove  # noqa: F401
    import trafilatura

    res = {
        "meta": {
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "input": str(warc), "input_bytes": warc.stat().st_size, "html_records": n_docs, "reps": a.reps,
            "workers": a.workers, "cpus": ctx["cpus"], "nproc": os.cpu_count(), "kernel": platform.release(),
            "python": platform.python_version(), "trafilatura": trafilatura.__version__, "work": str(work),
            "curate_setup_cold_cache_s": cold_setup,
        },
        "summary": summarize(reps, n_docs, a.workers, n_half),
        "reps": reps,
    }
    rdir = Path(a.results)
    rdir.mkdir(parents=True, exist_ok=True)
    (rdir / f"{a.tag}.json").write_text(json.dumps(res, indent=1))
    md = markdown(res)
    (rdir / f"{a.tag}.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
