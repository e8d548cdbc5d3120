"""The benchmarks' JSON output: one way to write a result file (and get the text to print)."""
from __future__ import annotations

import json
from pathlib import Path


def write_json(obj, path: str | Path | None, *, indent: int | None = 1, default=None) -> str:
    """`obj` as JSON text, also written to `path` when one is given (a CLI's optional --out)."""
    text = json.dumps(obj, indent=indent, default=default)
    if path:
        Path(path).write_text(text)
    return text
