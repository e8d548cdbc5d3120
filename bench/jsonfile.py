"""The benchmarks' output: one way to write a JSON result file (and get the text to print), and the
results pair (`bench/results/{tag}.json` and `.md`) that the README quotes."""
from __future__ import annotations

import json
from pathlib import Path


def write_json(obj, path: str | Path | None, *, indent: int | None = 1, default=None) -> str:
    """`obj` as JSON text, also written to `path` when one is given (a CLI's optional --out)."""
    text = json.dumps(obj, indent=indent, default=default)
    if path:
        Path(path).write_text(text)
    return text


RESULTS = Path(__file__).resolve().parent / "results"


def write_results(tag: str, obj, lines: list[str]) -> str:
    """`bench/results/{tag}.json` (obj) and `{tag}.md` (the lines); returns the Markdown to print."""
    write_json(obj, RESULTS / f"{tag}.json")
    md = "\n".join(lines)
    (RESULTS / f"{tag}.md").write_text(md + "\n")
    return md
