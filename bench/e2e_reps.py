"""bench/run.py's runs: the uncounted warm-ups, then the reps, interleaved (rep 1 of every configuration,
then rep 2, ...). The first run that fails stops the benchmark (RunFailed, with its rep in the message):
no figure of a failed run is printed or recorded.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from e2e_configs import CONFIGS, HERE, PY, curate_cmd
from e2e_summary import records
from run_failed import RunFailed

SMALL_WARC = "/work/shared/data/cc_warc/resiliparse_CC-MAIN-2020-34_excerpt.warc.gz"


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def warm_up(only: list[str], ctx: dict, work: Path) -> float | None:
    """Fill the caches a node that ran before would have: datatrove's $HF_HOME (URL lists, LID copy) and the
    tldextract cache, with datatrove on the small CC excerpt; curate's per-node cache (CURATE_CACHE) with
    curate on the input. Returns curate's cold-cache setup CPU seconds (None when not run)."""
    if "datatrove" in only:
        _log("warm-up: datatrove on the small excerpt (not counted)")
        p = subprocess.run([PY, str(HERE / "datatrove_fineweb2.py"), "--input", SMALL_WARC, "--work", str(work / "warmup"),
                            "--lid-model", ctx["lid_model"]], env=ctx["env"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if p.returncode:
            _log(f"  warm-up datatrove exited {p.returncode} (not counted; its measured runs will tell)")
    if not any(n.startswith("curate") for n in only):
        return None
    _log("warm-up: curate on the input (not counted)")
    p = subprocess.run(curate_cmd(ctx, work / "warmup-curate"), env=ctx["env"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if p.returncode:
        _log(f"  warm-up curate exited {p.returncode} (not counted; its measured runs will tell)")
    warm = work / "warmup-curate" / "run.json"
    return json.loads(warm.read_text())["timings"]["stage_cpu_s"].get("setup") if warm.exists() else None


def run_reps(only: list[str], ctx: dict, work: Path, reps: int, n_docs: int, n_half: int | None) -> list[dict]:
    """Every configuration of `only`, `reps` times, interleaved; [{config: measurements}] per rep.
    Raises RunFailed (its `rep` set) at the first run that fails."""
    out = []
    for r in range(reps):
        rep_dir = work / f"rep{r + 1}"
        rep_dir.mkdir(exist_ok=True)
        rep = {}
        for name in only:
            _log(f"rep {r + 1}/{reps}: {name} ...")
            try:
                m = rep[name] = CONFIGS[name](ctx, rep_dir)
            except RunFailed as e:
                e.rep = f"{r + 1}/{reps}"
                raise
            _log(f"  rc={m['rc']} wall={m['wall_s']}s cpu={m['cpu_s']}s -> {records(name, n_docs, n_half) / m['cpu_s']:.2f} "
                 f"docs/s/core (other busy on pinned CPUs {m['noise']['other_busy_s_on_pinned_cpus']}s)")
        out.append(rep)
    return out
