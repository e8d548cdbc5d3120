"""MANIFEST.jsonl, the sample's ground truth, and the questions the docs and the console
summary both ask of it."""

from __future__ import annotations

import json
from pathlib import Path


def write_manifest(sample: Path, manifest: list):
    """One JSON object a line, keys sorted, in shard and offset order."""
    with open(sample / "MANIFEST.jsonl", "w", encoding="utf-8") as f:
        for e in manifest:
            f.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")


def no_text_html(manifest: list) -> list[str]:
    """URLs of the HTML responses trafilatura extracted nothing from."""
    return [e["url"] for e in manifest if "html" in (e.get("content_type") or "text/html")
            and e["observed"]["extracted_chars"] == 0]
