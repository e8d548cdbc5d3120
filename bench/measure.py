#!/usr/bin/env python
"""Measure one command's whole process tree: wall, CPU (user+sys), peak RSS per process, peak tree RSS/PSS.

    python bench/measure.py [--self-pin 1] [--interval 0.05] [--out m.json] -- taskset -c 0 python x.py ...

CPU is the larger of two numbers:
  * os.wait4 rusage of the command (itself + every descendant that was reaped up the chain), and
  * the sum over every descendant seen while polling /proc (utime+stime at its last sample).
The second is needed when workers/sandbox children are not reaped by the measured process (datatrove's
forkserver pool); the first catches short-lived children that lived between two polls.
Peak RSS per process is VmHWM; tree PSS is the sum of smaps_rollup Pss over the live tree (shared pages
counted once), sampled every --pss-interval. `measure_pinned` (bench/run.py's runs) adds `taskset` and the
CPU time other work took on the pinned CPUs meanwhile.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from jsonfile import write_json
from procfs import children_of, cmdline, cpu_busy_steal_s, proc_table, pss_kb, status_kb, tree


def measure(cmd: list[str], *, env: dict | None = None, cwd: str | None = None, interval: float = 0.05,
            pss_interval: float = 0.25, stdout=None, stderr=None) -> dict:
    """Run `cmd` to completion and return its measurements as a dict."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=stdout, stderr=stderr)
    root = p.pid
    seen: dict[tuple[int, int], dict] = {}  # (pid, starttime) -> {"cpu", "hwm_kb", "cmd"}
    peak_tree_rss = peak_tree_pss = 0
    last_pss = 0.0
    samples = 0
    rusage = status = None
    while True:
        table = proc_table()
        live = tree(root, children_of(table)) if root in table else []
        tree_rss = 0
        for pid in live:
            key = (pid, table[pid][2])
            rec = seen.get(key)
            if rec is None:
                rec = seen[key] = {"pid": pid, "cpu": 0.0, "hwm_kb": 0, "cmd": cmdline(pid) or "?"}
            rec["cpu"] = max(rec["cpu"], table[pid][1])
            st = status_kb(pid, ("VmHWM", "VmRSS"))
            rec["hwm_kb"] = max(rec["hwm_kb"], st.get("VmHWM", 0))
            tree_rss += st.get("VmRSS", 0)
        peak_tree_rss = max(peak_tree_rss, tree_rss)
        now = time.perf_counter()
        if live and now - last_pss >= pss_interval:
            peak_tree_pss = max(peak_tree_pss, sum(pss_kb(pid) for pid in live))
            last_pss = now
        samples += 1
        wpid, status, rusage = os.wait4(root, os.WNOHANG)
        if wpid == root:
            break
        time.sleep(interval)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    cpu_wait4 = rusage.ru_utime + rusage.ru_stime
    cpu_polled = sum(r["cpu"] for r in seen.values())
    procs = sorted(seen.values(), key=lambda r: -r["hwm_kb"])
    return {
        "cmd": cmd,
        "rc": p.returncode,
        "wall_s": round(wall, 3),
        "cpu_s": round(max(cpu_wait4, cpu_polled), 3),
        "cpu_wait4_s": round(cpu_wait4, 3),
        "cpu_polled_s": round(cpu_polled, 3),
        "user_s": round(rusage.ru_utime, 3),
        "sys_s": round(rusage.ru_stime, 3),
        # per-process VmHWM only: wait4's ru_maxrss is inherited from the parent on Linux (a child of a
        # 600 MB process reports 600 MB), so it would overstate small processes
        "peak_rss_mb": round(max([r["hwm_kb"] for r in procs] or [0]) / 1024, 1),
        "peak_tree_rss_mb": round(peak_tree_rss / 1024, 1),
        "peak_tree_pss_mb": round(peak_tree_pss / 1024, 1),
        "n_processes_seen": len(seen),
        "samples": samples,
        "processes": [{"pid": r["pid"], "peak_rss_mb": round(r["hwm_kb"] / 1024, 1), "cpu_s": round(r["cpu"], 2),
                       "cmd": r["cmd"]} for r in procs[:20]],
    }


def measure_pinned(cmd: list[str], cpus: str, env: dict, stdout_path: Path, stderr_path: Path) -> dict:
    """measure() of `taskset -c CPUS cmd`, plus how busy the pinned CPUs were with other work (the noise:
    the host is shared). stdout and stderr go to two files; "log" names the stderr one."""
    cpu_ids = [f"cpu{c}" for c in cpus.split(",")]
    before = [cpu_busy_steal_s(c) for c in cpu_ids]
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        m = measure(["taskset", "-c", cpus] + cmd, env=env, stdout=out, stderr=err,
                    interval=0.05 if len(cpu_ids) == 1 else 0.2)
    after = [cpu_busy_steal_s(c) for c in cpu_ids]
    busy = sum(a[0] - b[0] for a, b in zip(after, before))
    steal = sum(a[1] - b[1] for a, b in zip(after, before))
    m["noise"] = {
        "other_busy_s_on_pinned_cpus": round(busy - m["cpu_s"], 2),  # >0: someone else ran there too
        "steal_s": round(steal, 2),
        "loadavg_after": open("/proc/loadavg").read().split()[:3],
    }
    m["log"] = str(stderr_path)
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--self-pin", type=int, help="pin this poller to that CPU (keep it off the measured core)")
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--pss-interval", type=float, default=0.25)
    ap.add_argument("--out", help="write the JSON here too")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command")
    if a.self_pin is not None:
        os.sched_setaffinity(0, {a.self_pin})
    res = measure(cmd, interval=a.interval, pss_interval=a.pss_interval, stdout=sys.stderr)
    print(write_json(res, a.out))
    sys.exit(0 if res["rc"] == 0 else 1)


if __name__ == "__main__":
    main()
