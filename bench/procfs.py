"""Readers of Linux's /proc for the benchmarks' pollers (measure.py, dedup/memwatch.py, the CPU-noise count).

Every reader answers for a process that has just exited (or a file it cannot read) with an empty value
instead of raising: the pollers sample process trees that change under them.
"""
from __future__ import annotations

import os

TICK = os.sysconf("SC_CLK_TCK")


def proc_table() -> dict[int, tuple[int, float, int]]:
    """pid -> (ppid, own CPU seconds (utime + stime), start time in ticks) of every process in /proc."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                raw = f.read()
            rest = raw[raw.rindex(b")") + 2:].split()  # fields from 3 (state) on; comm may contain spaces
            out[int(name)] = (int(rest[1]), (int(rest[11]) + int(rest[12])) / TICK, int(rest[19]))
        except (OSError, ValueError, IndexError):
            continue
    return out


def children_of(table: dict[int, tuple]) -> dict[int, list[int]]:
    """ppid -> its child pids, from proc_table()."""
    children: dict[int, list[int]] = {}
    for pid, row in table.items():
        children.setdefault(row[0], []).append(pid)
    return children


def tree(root: int, children: dict[int, list[int]]) -> list[int]:
    """`root` and all its descendants (root first)."""
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, ()))
    return out


def status_kb(pid: int, keys: tuple[str, ...]) -> dict[str, int]:
    """The named fields (e.g. "VmHWM", "RssAnon") of /proc/PID/status, in kB; {} once the process is gone."""
    res = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k = line.split(":", 1)[0]
                if k in keys:
                    res[k] = int(line.split()[1])
    except OSError:
        pass
    return res


def pss_kb(pid: int) -> int:
    """Proportional set size of a process (shared pages divided among their users), kB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cmdline(pid: int, limit: int = 160) -> str:
    """A process's command line, arguments joined by spaces, cut at `limit` characters; "" once it is gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()[:limit]
    except OSError:
        return ""


def cpu_busy_steal_s(cpu: str) -> tuple[float, float]:
    """(busy, steal) seconds since boot of one CPU ("cpu0") or of all ("cpu"), from /proc/stat."""
    with open("/proc/stat") as f:
        for line in f:
            parts = line.split()
            if parts[0] == cpu:
                v = [int(x) for x in parts[1:]]
                idle = v[3] + v[4]
                steal = v[7] if len(v) > 7 else 0
                return (sum(v[:8]) - idle - steal) / TICK, steal / TICK
    return 0.0, 0.0
