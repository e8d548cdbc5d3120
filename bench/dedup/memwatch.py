#!/usr/bin/env python
"""Peak private vs shared memory per process of one process tree (complements bench/measure.py).

VmHWM (what measure.py records) counts shared pages too. A Ray worker maps the plasma object store, so
every task argument it reads (e.g. a chunk of texts) stays in its RSS as shared memory after the task:
its VmHWM grows with the data that passed through it even when its own heap stays flat. This poller
samples /proc/PID/status RssAnon (private heap), RssShmem (object store pages) and RssFile for every
descendant of the first process whose command line contains all of --match, and keeps each one's peak.

    python bench/dedup/memwatch.py --match "methods.py curate" --match speed-1000000 --out mem.json
"""
from __future__ import annotations

import argparse
import json
import os
import threading
import time

import common  # noqa: F401  (puts bench/ on sys.path)
from jsonfile import write_json
from procfs import children_of, cmdline, proc_table, status_kb, tree

KEYS = ("VmRSS", "RssAnon", "RssShmem", "RssFile")


def kind(cmd: str) -> str:
    """A process of a curate dedup run, by its command line: "worker" (a Ray worker), "driver" (methods.py)
    or "ray_system" (Ray's own daemons)."""
    if (cmd.startswith("ray::") and "Agent" not in cmd) or "default_worker.py" in cmd:  # not ray::DashboardAgent
        return "worker"
    if "methods.py" in cmd:
        return "driver"
    return "ray_system"


def watch(match: list[str], stop: threading.Event | None = None, interval: float = 0.25,
          appear_timeout: float = 7200) -> dict:
    """Poll until a matching root appears and then exits (or `stop` is set); return peaks in MB."""
    peaks: dict[int, dict] = {}
    root = None
    t0 = time.time()
    while not (stop and stop.is_set()):
        table = proc_table()
        if root is None or root not in table:
            if root is not None:
                break  # the watched tree is gone
            root = next((p for p in table if p != os.getpid() and all(m in cmdline(p, 100_000) for m in match)), None)
            if root is None:
                if time.time() - t0 > appear_timeout:
                    break
                time.sleep(interval)
                continue
        for pid in tree(root, children_of(table)):
            st = status_kb(pid, KEYS)
            if not st:
                continue
            rec = peaks.setdefault(pid, {k: 0 for k in KEYS} | {"cmd": ""})
            c = cmdline(pid)
            if c.startswith("ray::") or not rec["cmd"]:
                rec["cmd"] = c  # Ray workers retitle themselves per task
            for k in KEYS:
                rec[k] = max(rec[k], st.get(k, 0))
        time.sleep(interval)
    out = {"processes": [], "by_kind": {}}
    for pid, rec in peaks.items():
        k = kind(rec["cmd"])
        row = {"pid": pid, "kind": k, "cmd": rec["cmd"], **{f"{x}_mb": round(rec[x] / 1024, 1) for x in KEYS}}
        out["processes"].append(row)
        agg = out["by_kind"].setdefault(k, {f"max_{x}_mb": 0.0 for x in KEYS} | {"n": 0})
        agg["n"] += 1
        for x in KEYS:
            agg[f"max_{x}_mb"] = max(agg[f"max_{x}_mb"], row[f"{x}_mb"])
    out["processes"].sort(key=lambda r: -r["RssAnon_mb"])
    return out


class Watcher:
    """Background thread around watch(): start before launching the command, result() after it ends."""

    def __init__(self, match: list[str], interval: float = 0.25):
        self.stop = threading.Event()
        self.res: dict = {}
        self.t = threading.Thread(target=lambda: self.res.update(watch(match, self.stop, interval)), daemon=True)
        self.t.start()

    def result(self) -> dict:
        self.stop.set()
        self.t.join(timeout=30)
        return self.res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--match", action="append", required=True)
    ap.add_argument("--interval", type=float, default=0.25)
    ap.add_argument("--out")
    a = ap.parse_args()
    res = watch(a.match, interval=a.interval)
    write_json(res, a.out)
    print(json.dumps(res["by_kind"], indent=1))


if __name__ == "__main__":
    main()
