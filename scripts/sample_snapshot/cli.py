"""``main``: the command line of ``scripts/build_sample_snapshot.py``, and the build's steps in order.

Only the shards are rewritten before verification passes: a failed check leaves
MANIFEST.jsonl, NOTICE.md and README.md as they were.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .build import build_records
from .config import SAMPLE_DIR, SNAPSHOT
from .manifest import write_manifest
from .notice import write_notice
from .readme import write_readme
from .report import report
from .shards import assign_shards
from .verify import verify
from .warc_out import write_shards


def main(description: str | None = None):
    """``description`` is the entry point's docstring, shown by ``--help``."""
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("CURATE_SHARED_DATA", "/work/shared/data"))
    ap.add_argument("--out", default=str(SAMPLE_DIR))
    ap.add_argument("--no-verify", action="store_true")
    args = ap.parse_args()
    shared = Path(args.shared)
    sample = Path(args.out)
    out_dir = sample / SNAPSHOT
    if out_dir.exists():
        for p in out_dir.iterdir():
            p.unlink()
    cc_groups, excerpt_info, recs = build_records(shared)
    shard_units = assign_shards(cc_groups, recs)
    manifest = write_shards(out_dir, shard_units, excerpt_info)
    if args.no_verify:
        return
    errors, per_shard, per_shard_types, texts = verify(out_dir, manifest, shared)
    if os.environ.get("CURATE_SAMPLE_DUMP"):
        with open(os.environ["CURATE_SAMPLE_DUMP"], "w", encoding="utf-8") as f:
            json.dump({"manifest": manifest, "texts": texts}, f, ensure_ascii=False)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(f"{len(errors)} verification errors")
    write_manifest(sample, manifest)
    report(manifest, per_shard, per_shard_types)
    write_notice(sample, manifest)
    write_readme(sample, manifest, per_shard, per_shard_types)
