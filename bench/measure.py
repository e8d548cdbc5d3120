#!/usr/bin/env python
"""Measure one command's whole process tree: wall, CPU (user+sys), peak RSS per process, peak tree RSS/PSS.

    python bench/measure.py [--self-pin 1] [--interval 0.05] [--out m.json] -- taskset -c 0 python x.py ...

CPU is the larger of two numbers:
  * os.wait4 rusage of the command (itself + every descendant that was reaped up the chain), and
  * the sum over every descendant seen while polling /proc (utime+stime at its last sample).
The second is needed when workers/sandbox children are not reaped by the measured process (datatrove's
forkserver pool); the first catches short-lived children that lived between two polls.
Peak RSS per process is VmHWM; tree PSS is the sum of smaps_rollup Pss over the live tree (shared pages
counted once), sampled every --pss-interval.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def _proc_table() -> dict[int, tuple[int, float, int]]:
    """pid -> (ppid, own cpu seconds, starttime) for every process visible in /proc."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue
        rest = raw[raw.rindex(b")") + 2:].split()  # fields from 3 (state) on; comm may contain spaces
        out[int(name)] = (int(rest[1]), (int(rest[11]) + int(rest[12])) / TICK, int(rest[19]))
    return out


def _status_kb(pid: int, keys=("VmHWM:", "VmRSS:")) -> dict:
    res = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                for k in keys:
                    if line.startswith(k):
                        res[k[:-1]] = int(line.split()[1])
    except OSError:
        pass
    return res


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()[:160]
    except OSError:
        return "?"


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
        table = _proc_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        tree, stack = [], [root] if root in table else []
        while stack:
            pid = stack.pop()
            tree.append(pid)
            stack.extend(children.get(pid, ()))
        tree_rss = 0
        for pid in tree:
            key = (pid, table[pid][2])
            rec = seen.get(key)
            if rec is None:
                rec = seen[key] = {"pid": pid, "cpu": 0.0, "hwm_kb": 0, "cmd": _cmdline(pid)}
            rec["cpu"] = max(rec["cpu"], table[pid][1])
            st = _status_kb(pid)
            rec["hwm_kb"] = max(rec["hwm_kb"], st.get("VmHWM", 0))
            tree_rss += st.get("VmRSS", 0)
        peak_tree_rss = max(peak_tree_rss, tree_rss)
        now = time.perf_counter()
        if tree and now - last_pss >= pss_interval:
            peak_tree_pss = max(peak_tree_pss, sum(_pss_kb(pid) for pid in tree))
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
    text = json.dumps(res, indent=1)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    print(text)
    sys.exit(0 if res["rc"] == 0 else 1)


if __name__ == "__main__":
    main()
