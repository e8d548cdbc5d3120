#!/usr/bin/env python
"""Shards of real size: the bench pages copied into WARCs of 1x, 4x, 16x ... their records, each run alone.

    python bench/scale/big_shard.py --input real-pages.warc.gz --copies 1 4 16 30 [--tag big-shard]

Each copy of a record gets a new WARC-Record-ID and a new URL (``...?copy=N``), so nothing is an exact
repeat of a record id; the pages themselves repeat (as mirrored pages do). Each size runs
`curate.stages.shard.process_shard` in a fresh process (the Ray-free shard task the workers run):
docs/s per core = HTML records / CPU s, and the process's peak RSS. Flat memory means the last
column does not grow with the size. Writes bench/results/{tag}.json and .md.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "bench"))

from jsonfile import write_results  # noqa: E402

RUN = r"""
import json, resource, sys, time
from curate.config import PipelineConfig
from curate.stages.shard import process_shard
cfg = PipelineConfig(input=sys.argv[1], output=sys.argv[2], snapshot="CC-MAIN-2099-01")
t, c = time.time(), time.process_time()
m = process_shard(sys.argv[1], cfg)
print(json.dumps({"wall_s": time.time() - t, "cpu_s": time.process_time() - c,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "read": sum(r["count"] for r in m["counters"] if r["stage"] == "read" and r["reason"] == "kept"),
                  "staged": sum(p["rows"] for p in m["parts"].values())}))
"""


def records(src: Path) -> list[tuple[dict, bytes]]:
    """(headers, raw HTTP block) of every response record of the input."""
    from warcio.archiveiterator import ArchiveIterator

    out = []
    with open(src, "rb") as f:
        for rec in ArchiveIterator(f, no_record_parse=True):  # the block as stored: HTTP headers included
            if rec.rec_type == "response":
                out.append((dict(rec.rec_headers.headers), rec.raw_stream.read()))
    return out


def write_copies(recs, copies: int, dst: Path) -> int:
    """A WARC of ``copies`` copies of every record, one gzip member per record."""
    n = 0
    with open(dst, "wb") as f:
        for c in range(copies):
            for headers, block in recs:
                h = dict(headers)
                rid = headers["WARC-Record-ID"]
                h["WARC-Record-ID"] = f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{c}:{rid}')}>"
                sep = "&" if "?" in h["WARC-Target-URI"] else "?"
                h["WARC-Target-URI"] = f"{h['WARC-Target-URI']}{sep}copy={c}"
                h["Content-Length"] = str(len(block))
                h.pop("WARC-Block-Digest", None)
                h.pop("WARC-Payload-Digest", None)
                head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
                buf = io.BytesIO()
                with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as g:
                    g.write(head.encode() + block + b"\r\n\r\n")
                f.write(buf.getvalue())
                n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 4, 16, 30])
    ap.add_argument("--tag", default="big-shard")
    a = ap.parse_args()
    recs = records(Path(a.input))
    rows = []
    for copies in a.copies:
        tmp = Path(tempfile.mkdtemp(prefix="curate-bigshard-"))
        warc = tmp / f"big-{copies:02d}x.warc.gz"
        n = write_copies(recs, copies, warc)
        proc = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", RUN, str(warc), str(tmp / "out")],
                              capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
        if proc.returncode != 0:
            raise SystemExit(f"the shard of {copies}x failed:\n{proc.stderr[-3000:]}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        if r["read"] != n:
            raise SystemExit(f"the shard of {copies}x read {r['read']} of {n} records")
        row = {"copies": copies, "records": n, "warc_mb": round(warc.stat().st_size / 2**20), **r,
               "docs_per_s_core": n / r["cpu_s"]}
        rows.append(row)
        print(json.dumps(row), flush=True)
        shutil.rmtree(tmp, ignore_errors=True)
    lines = ["# One shard task at growing shard size (bench pages, copied)", "",
             "| copies | records | WARC MB | CPU s | docs/s per core | peak RSS MB |", "|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['copies']} | {r['records']:,} | {r['warc_mb']:,} | {r['cpu_s']:.0f} | {r['docs_per_s_core']:.1f} | "
              f"{r['peak_rss_mb']:.0f} |" for r in rows]
    print(write_results(a.tag, rows, lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
