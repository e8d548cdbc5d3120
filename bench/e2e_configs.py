"""bench/run.py's configurations: the command line of each, run under measure_pinned, and what is read
from its outputs. A run that exits non-zero or leaves an output missing raises RunFailed (run_failed.py)
before anything is read.

A context (`ctx`, built by run.py) holds the input (`warcs`, `input_dir`), `workers`, the pinned `cpus`,
`env`, `lid_model`, `keep_outputs` and `datatrove_args`; the --scaling and --marginal configurations
use ctx["two"], ctx["half"] and ctx["two-half"], the same with their own input.
Each runner writes in the rep's directory: NAME.log (the command's stderr), NAME.stdout, its outputs.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from e2e_decisions import decisions
from measure import measure_pinned
from run_failed import check_run

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
CURATE_SCRIPT = REPO / "pipelines" / "fineweb2.py"

# curate's wall time by phase (run.json): Ray's start, the shard stage, dedup, finalize, the card
PHASES = ("start_s", "shard_stage_s", "dedup_s", "finalize_s", "card_s", "total_s")


def _measured(ctx, rep_dir: Path, name: str, cmd: list[str], cpus: str | None = None) -> dict:
    return measure_pinned(cmd, cpus or ctx["cpus"], ctx["env"], rep_dir / f"{name}.stdout", rep_dir / f"{name}.log")


def run_traf(ctx, rep_dir: Path, name: str = "traf") -> dict:
    """trafilatura alone (one process: always on the first of the context's CPUs)."""
    out = rep_dir / f"{name}.json"
    m = _measured(ctx, rep_dir, name, [PY, str(HERE / "traf_alone.py"), *map(str, ctx["warcs"]), "--json", str(out)],
                  cpus=ctx["cpus"].split(",")[0])
    check_run(name, m, (out,))
    m["result"] = json.loads(out.read_text())
    m["extract_s"] = m["result"]["extract_s"]
    return m


def run_datatrove(ctx, rep_dir: Path, name: str = "datatrove") -> dict:
    """The datatrove reference (datatrove_fineweb2.py); its summary.json gives the stage seconds."""
    work = rep_dir / name
    m = _measured(ctx, rep_dir, name, [PY, str(HERE / "datatrove_fineweb2.py"), "--input", str(ctx["input_dir"]),
                                       "--work", str(work), "--lid-model", ctx["lid_model"],
                                       "--workers", str(ctx["workers"])] + ctx["datatrove_args"])
    check_run(name, m, (work / "summary.json",))
    s = json.loads((work / "summary.json").read_text())
    m["docs"] = s.get("docs")
    m["stage_seconds"] = s.get("stage_seconds", {})
    m["skipped_languages"] = s.get("skipped_languages")
    m["kept_per_language"] = {k: len(v) for k, v in s.get("kept_ids", {}).items()}
    m["extract_s"] = sum(v for k, v in m["stage_seconds"].items() if "trafilatura" in k.lower())
    if not ctx["keep_outputs"]:  # keep summary.json, drop the data
        for sub in ("A", "B"):
            shutil.rmtree(work / sub, ignore_errors=True)
    return m


def curate_cmd(ctx, out: Path, *extra: str) -> list[str]:
    return [PY, str(CURATE_SCRIPT), "--input", str(ctx["input_dir"]), "--output", str(out),
            "--num-cpus", str(ctx["workers"]), "--ray-address", "local", *extra]


def run_curate(ctx, rep_dir: Path, plain: bool = False, name: str = "curate") -> dict:
    """curate's pipeline; `plain`: with `unoptimised: true` (datatrove's plain tokenizers and URL sets, stock
    trafilatura). Its decisions go to NAME.decisions.json for the equality check."""
    name = "curate-plain" if plain else name
    out = rep_dir / name
    extra = []
    if plain:
        cfg = rep_dir / "plain.yaml"
        cfg.write_text("unoptimised: true\n")
        extra = ["--config", str(cfg)]
    m = _measured(ctx, rep_dir, name, curate_cmd(ctx, out, *extra))
    # stats.json: document counters; run.json: CPU seconds per stage of this run
    sf, rf = out / "stats.json", out / "run.json"
    check_run(name, m, (out / "data", sf, rf))
    d = decisions(out)
    (rep_dir / f"{name}.decisions.json").write_text(json.dumps(d, sort_keys=True))
    m["decisions_file"] = str(rep_dir / f"{name}.decisions.json")
    s, timings = json.loads(sf.read_text()), json.loads(rf.read_text())["timings"]
    filters = timings.get("finalize_filters_cpu_s", 0.0)  # the quality filters run inside finalize
    m["stage_seconds"] = {**timings.get("stage_cpu_s", {}), "filters (in finalize)": filters,
                          "finalize": timings.get("finalize_cpu_s", 0.0) - filters, "dedup (wall)": timings.get("dedup_s", 0.0)}
    m["phase_wall_s"] = {k: round(timings[k], 3) for k in PHASES if k in timings}
    m["docs"] = _curate_docs(s)
    m["extract_s"] = sum(v for k, v in m["stage_seconds"].items()
                         if "extract" in k.lower() or "trafilatura" in k.lower()) or None
    if not ctx["keep_outputs"]:
        for p in out.iterdir():
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


# every configuration, in the reports' order
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
