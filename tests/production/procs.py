"""Process helpers for the kill tests: find the Ray workers *this* test started (descendants of
the driver it launched, read from /proc, so other developers' Ray instances are never touched),
classify them by the task they are running (Ray sets the process title to `ray::<function>`),
and kill them."""
from __future__ import annotations

import os
import signal
import time

# which stage a remote function belongs to; every other `ray::_...` task is a dedup task
STAGE_OF = {"_shard_task": "shard", "_finalize": "finalize"}


def _ppid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            pp = _ppid(int(name))
            if pp is not None:
                children.setdefault(pp, []).append(int(name))
    out, todo = set(), [root]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def task_stage(title: str) -> str | None:
    """'shard', 'dedup' or 'finalize' for a worker busy with a task; None when idle or not a worker."""
    if not title.startswith("ray::_"):
        return None
    name = title.split()[0].removeprefix("ray::")
    return STAGE_OF.get(name, "dedup")


def busy_workers(root: int, stage: str) -> list[int]:
    return [p for p in descendants(root) if task_stage(_cmdline(p)) == stage]


def wait_for_stage(root: int, stage: str, alive, timeout: float = 300.0, poll: float = 0.005) -> bool:
    """Block until a worker below ``root`` runs a task of ``stage``; False if the run ended first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and alive():
        if busy_workers(root, stage):
            return True
        time.sleep(poll)
    return False


def kill_busy_worker(root: int, stage: str, within: float = 2.0, poll: float = 0.002) -> int | None:
    """SIGKILL one worker currently running a ``stage`` task (waiting up to ``within`` s for one)."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        pids = busy_workers(root, stage)
        if pids:
            try:
                os.kill(pids[0], signal.SIGKILL)
                return pids[0]
            except ProcessLookupError:
                pass
        time.sleep(poll)
    return None


def snapshot_tree(root: int) -> dict[int, str]:
    return {p: _cmdline(p) for p in descendants(root)}


def kill_tree_leftovers(tree: dict[int, str], grace: float = 10.0) -> list[str]:
    """After the driver died: Ray's GCS, raylet and workers fate-share with it, but its agents may
    linger (reparented to init). Kill the ones still alive after a grace period, by pid, checking
    the command line so a recycled pid is never hit. Returns what had to be killed."""
    alive = lambda: {p: c for p, c in tree.items() if c and _cmdline(p) == c}
    end = time.monotonic() + grace
    while time.monotonic() < end and alive():
        time.sleep(0.2)
    left = alive()
    for p in left:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return sorted(left.values())
