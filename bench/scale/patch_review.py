#!/usr/bin/env python
"""What each library patch saves in a shard task, measured at two shard sizes and carried to a real shard.

    python bench/scale/patch_review.py --input real-pages.warc.gz [--copies 1 4] [--real-records 30000]

For each size (the bench pages copied, as bench/scale/big_shard.py builds them), one shard task runs
in a fresh process pinned to one core with every patch, then once with each patch left out
(`PipelineConfig.patches_off`), then with none (`unoptimised`). A patch's saving is the CPU time its
absence adds. Two sizes split it into a fixed part (per process: start-up, first use) and a part per
record, so the saving on a real shard of `--real-records` pages is fixed + per_record x records, stated
as a share of that shard's CPU time. Every run must stage the same documents per language as the run
with every patch (the patches change speed, never decisions), or the benchmark stops.
Writes bench/results/{tag}.json and .md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(HERE), str(REPO / "bench")]

from big_shard import records, write_copies  # noqa: E402
from jsonfile import write_results  # noqa: E402

# the patches a shard task applies (Ray's head monitors and fastText training are not in a shard task)
SHARD_PATCHES = ("trafilatura_speedups", "ftfy_mojibake", "datatrove_repetition", "spacy_prefix")

RUN = r"""
import json, sys, time
from curate.config import PipelineConfig
from curate.stages.shard import process_shard
off = tuple(x for x in sys.argv[3].split(",") if x)
cfg = PipelineConfig(input=sys.argv[1], output=sys.argv[2], snapshot="CC-MAIN-2099-01", patches_off=off,
                     unoptimised=sys.argv[4] == "1")
c = time.process_time()
m = process_shard(sys.argv[1], cfg)
print(json.dumps({"cpu_s": time.process_time() - c, "rows": {l: p["rows"] for l, p in sorted(m["parts"].items())}}))
"""


def run(warc: Path, out: Path, off: tuple[str, ...], unoptimised: bool, cpu: int) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.run(["taskset", "-c", str(cpu), sys.executable, "-c", RUN, str(warc), str(out), ",".join(off),
                           "1" if unoptimised else "0"], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    if proc.returncode != 0:
        raise SystemExit(f"shard task failed (off={off}, unoptimised={unoptimised}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--copies", type=int, nargs=2, default=[1, 4])
    ap.add_argument("--real-records", type=int, default=30_000, help="pages of the shard to carry the savings to")
    ap.add_argument("--cpu", type=int, default=0, help="the core to pin the shard tasks to")
    ap.add_argument("--tag", default="patch-review")
    a = ap.parse_args()
    recs = records(Path(a.input))
    configs = [("all", (), False)] + [(p, (p,), False) for p in SHARD_PATCHES] + [("none", (), True)]
    sizes = {}
    for copies in a.copies:
        tmp = Path(tempfile.mkdtemp(prefix="curate-patches-"))
        warc = tmp / f"shard-{copies}x.warc.gz"
        n = write_copies(recs, copies, warc)
        res = {}
        for name, off, unopt in configs:
            res[name] = run(warc, tmp / "out", off, unopt, a.cpu)
            if res[name]["rows"] != res["all"]["rows"]:
                raise SystemExit(f"{name} off staged other documents than every patch on: "
                                 f"{res[name]['rows']} vs {res['all']['rows']}")
            print(json.dumps({"records": n, "config": name, "cpu_s": round(res[name]["cpu_s"], 2)}), flush=True)
        sizes[n] = {k: v["cpu_s"] for k, v in res.items()}
        shutil.rmtree(tmp, ignore_errors=True)
    (n1, c1), (n2, c2) = sorted(sizes.items())
    real = a.real_records
    # the shard's CPU with every patch, carried to the real size the same way
    all_per = (c2["all"] - c1["all"]) / (n2 - n1)
    all_real = c1["all"] + all_per * (real - n1)
    rows = []
    for name, *_ in configs[1:]:
        s1, s2 = c1[name] - c1["all"], c2[name] - c2["all"]
        per = (s2 - s1) / (n2 - n1)
        fixed = s1 - per * n1
        saving = fixed + per * real
        rows.append({"patch": name, f"saving_s_{n1}": round(s1, 2), f"saving_s_{n2}": round(s2, 2),
                     "fixed_s": round(fixed, 2), "per_1000_records_s": round(per * 1000, 3),
                     "saving_real_s": round(saving, 1), "share_of_real_shard": round(saving / all_real, 4)})
    res = {"records": [n1, n2], "real_records": real, "cpu_s": sizes, "all_real_cpu_s": round(all_real, 1), "rows": rows}
    lines = [f"# What each library patch saves in a shard task ({n1:,} and {n2:,} records, carried to {real:,})", "",
             f"`python bench/scale/patch_review.py --input real-pages.warc.gz --copies {' '.join(map(str, a.copies))}`: "
             "one shard task per run, a fresh process pinned to one core, CPU seconds; every run staged the same "
             "documents per language as the run with every patch.", "",
             f"Every patch on: {c1['all']:.1f} CPU s at {n1:,} records, {c2['all']:.1f} at {n2:,}; carried to {real:,} "
             f"records: {all_real:,.0f} CPU s.", "",
             f"| left out | CPU s added at {n1:,} | at {n2:,} | fixed s | s per 1,000 records | saving at {real:,} s | share of that shard |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['patch']} | {r[f'saving_s_{n1}']:.2f} | {r[f'saving_s_{n2}']:.2f} | {r['fixed_s']:.2f} | "
              f"{r['per_1000_records_s']:.2f} | {r['saving_real_s']:.1f} | {r['share_of_real_shard']:.1%} |" for r in rows]
    print(write_results(a.tag, res, lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
