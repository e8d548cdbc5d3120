"""Fail fast: a benchmarked command that exits non-zero or leaves an output missing stops the benchmark.

A failed run has no figure worth printing (a datatrove run that died after one second is not "fast"),
so the runners call `check_run` before they read anything, and the benchmark exits with its message:
which configuration, why, and the tail of the command's stderr.
"""
from __future__ import annotations

from pathlib import Path


class RunFailed(RuntimeError):
    """A benchmarked command failed. str(): the rep (once the caller sets `rep`, e.g. "2/3"), the
    configuration, why, and the tail of its stderr."""

    def __init__(self, config: str, why: str, stderr_tail: str = "", log: str | Path | None = None):
        super().__init__(config, why)
        self.config, self.why, self.stderr_tail, self.log = config, why, stderr_tail, log
        self.rep: str | None = None

    def __str__(self) -> str:
        rep = f"rep {self.rep}: " if self.rep else ""
        where = f" (stderr: {self.log})" if self.log else ""
        tail = "\n".join("    " + line for line in self.stderr_tail.splitlines()) or "    (nothing)"
        return f"{rep}configuration {self.config!r} failed: {self.why}{where}; the tail of its stderr:\n{tail}"


def tail(path: str | Path | None, lines: int = 25, max_chars: int = 4000) -> str:
    """The last `lines` lines of a log file (at most `max_chars` characters); "" if there is none."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 64 * max_chars))
            text = f.read().decode(errors="replace")
    except (OSError, TypeError):
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])[-max_chars:]


def check_run(config: str, m: dict, expected: tuple[str | Path, ...] = ()) -> None:
    """Raise RunFailed unless the measured command (measure()'s dict, with "rc" and "log") exited 0 and
    every path in `expected` exists."""
    missing = [str(p) for p in expected if not Path(p).exists()]
    if m.get("rc") == 0 and not missing:
        return
    why = f"exit status {m.get('rc')}" if m.get("rc") != 0 else "exit status 0"
    if missing:
        why += ", missing output " + ", ".join(missing)
    raise RunFailed(config, why, tail(m.get("log")), m.get("log"))
