#!/usr/bin/env python
"""Resume scan at snapshot scale: markers written straight to the store, then the scan timed alone.

    python bench/scale/snapshot_scan.py --shards 10000 100000 --store local s3 [--langs 5] [--tag scan]

For each store and size: N shard markers (each naming ``--langs`` parts, all present) are planted
as a finished run would leave them, then a fresh process runs `curate.run.resume.committed_shards`
into the driver's tally (what `Run.run_shards` does before scheduling) and reports its wall time, the requests it sent
(S3: counted on boto3's client; local: listings and file reads) and its peak RSS. The S3 store is
moto's standalone server on loopback, the one the tests use. On the smallest size alone, also: the
scan with `resume_verify_parts`; a driver killed before its first manifest chunk (journal only);
a store without a journal (the markers listed); and the old scan (a GET and an existence check per
marker and a HEAD per part, one after another), as the reference: it grows the same way with N, and
at 100,000 shards would take hours. moto answers each listing page in time proportional to the
whole bucket (it filters and sorts every key per page), so listings cost more there than on S3.

The driver's memory: ``--langs 50 --manifest-only`` plants only the journal and the manifest chunks (all a
resume after a finished run reads) and measures the scan beside a reference that holds every chunk's
markers at once before tallying them, as the scan before did.
Writes bench/results/{tag}.json and .md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from jsonfile import write_results  # noqa: E402

MEASURE = r"""
import json, resource, sys, time
from collections import Counter
from curate.config import PipelineConfig
from curate.run import resume
from curate.stages.shard import shard_id, shard_marker
from curate.store import storage
output, n, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]  # new, verify (resume_verify_parts), held or old
cfg = PipelineConfig(input="/unused", output=output, resume_verify_parts=how == "verify")
shards = [f"s3://commoncrawl/crawl-data/CC-MAIN-2099-01/segments/{i // 1000}/warc/shard-{i:06d}.warc.gz" for i in range(n)]
sent = Counter()
if storage.is_s3(output):
    import threading
    lock = threading.Lock()
    def count(model, **kw):
        with lock:
            sent[model.name] += 1
    storage._s3_client().meta.events.register("before-call.s3.*", count)
else:  # local: count what the scan asks of the file system
    import os
    real_walk, real_read = os.walk, storage.read_bytes
    def walk(*a, **k):
        for x in real_walk(*a, **k):
            sent["directories listed"] += 1
            yield x
    def read_bytes(uri):
        sent["files read"] += 1
        return real_read(uri)
    os.walk, storage.read_bytes = walk, read_bytes
t = time.time()
if how == "old":  # the scan before: per shard a marker check and read, then an existence check per part
    committed = 0
    for uri in shards:
        m_uri = shard_marker(cfg, shard_id(uri))
        m = json.loads(storage.read_text(m_uri)) if storage.exists(m_uri) else None
        if m and all(storage.exists(storage.join(output, "_work", p["path"])) for p in m["parts"].values()):
            committed += 1
else:  # what Run.run_shards does: the scan hands the committed markers to the driver's tally
    from curate.run.tally import ShardTally
    tally = ShardTally(shards)
    if how == "held":  # the reference: every manifest chunk's markers held at once, as the scan before this did
        held = {}
        for u in storage.list_files(resume.manifest_dir(cfg), ".json.gz"):
            if not u.rsplit("/", 1)[-1].startswith(resume.JOURNAL):
                held.update((m["shard"], m) for m in resume._read_json(u, gz=True))
        for uri, m in held.items():
            tally.add(uri, m)
    else:
        resume.committed_shards(cfg, shards, tally.add)
    committed = tally.committed
wall = time.time() - t
print(json.dumps({"wall_s": wall, "committed": committed, "requests": dict(sent),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def plant(output: str, n: int, langs: int, s3=None, files_too: bool = True, manifest: bool = True) -> None:
    """Markers (and their parts, and the driver's journal and manifest chunks) as a finished run leaves them;
    without ``files_too`` only the journal and the chunks, all that a resume after a finished run reads."""
    from curate.config import PipelineConfig
    from curate.stages.shard import shard_id, shard_marker, work_dir
    from curate.store import storage
    from curate.store.schema import STAGED_FORMAT

    cfg = PipelineConfig(input="/unused", output=output)
    codes = [f"{'abcdefghijklmnopqrstuvwxyz'[i % 26]}{'abcdefghijklmnopqrstuvwxyz'[i // 26]}a_Latn" for i in range(langs)]

    def one(i: int) -> None:
        uri = f"s3://commoncrawl/crawl-data/CC-MAIN-2099-01/segments/{i // 1000}/warc/shard-{i:06d}.warc.gz"
        sid = shard_id(uri)
        parts = {c: {"path": f"shards/{sid}/{c}.parquet", "rows": 600} for c in codes}
        # what a shard task's marker holds (curate.stages.shard): counters per stage and language, each
        # language's settings, CPU by stage
        rows = [{"stage": s, "language": "", "reason": r, "count": 30_000} for s, r in
                (("read", "kept"), ("url_filter", "kept"), ("url_filter", "domain"), ("extract", "kept"), ("extract", "extract_empty"))]
        rows += [{"stage": s, "language": c, "reason": r, "count": 600} for c in codes
                 for s, r in (("langid", "kept"), ("lid_threshold", "kept"), ("lid_threshold", "below_threshold"))]
        settings = {"filter_config": "fineweb2", "lid_threshold": 0.5, "precision_filter": False,
                    "tokenizer": "SpaCyTokenizer(xx)", "tokenizer_fallback": False}
        marker = {"shard": uri, "shard_id": sid, "parts": parts, "config_hash": cfg.config_hash,
                  "staged_format": STAGED_FORMAT, "counters": rows,
                  "languages": {c: dict(settings) for c in codes}, "cpu_seconds": 650.0,
                  "stage_cpu_seconds": {s: 1.0 for s in ("read", "extract", "langid", "minhash")}}
        if files_too:
            for p in parts.values():
                storage.write_bytes(storage.join(work_dir(cfg), p["path"]), b"PAR1")
            storage.write_text(shard_marker(cfg, sid), json.dumps(marker))
        return marker

    from curate.run import resume

    with ThreadPoolExecutor(32 if s3 else 4) as pool:
        for i in range(0, n, resume.MANIFEST_CHUNK):  # a chunk at a time: 100,000 markers would not fit here either
            markers = list(pool.map(one, range(i, min(n, i + resume.MANIFEST_CHUNK))))
            if manifest:
                resume.write_journal(cfg, [m["shard"] for m in markers])
                resume.write_manifest_chunk(cfg, markers)


def measure(output: str, n: int, env: dict, how: str = "new") -> dict:
    proc = subprocess.run([sys.executable, "-c", MEASURE, output, str(n), how], capture_output=True,
                          text=True, env={**os.environ, **env}, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"scan of {n} shards on {output} failed:\n{proc.stderr[-3000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    if res["committed"] != n:
        raise SystemExit(f"scan of {n} shards on {output} found {res['committed']} committed, expected {n}")
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shards", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--store", nargs="+", default=["local", "s3"], choices=["local", "s3"])
    ap.add_argument("--langs", type=int, default=5, help="parts per shard marker (real shards: ~50)")
    ap.add_argument("--manifest-only", action="store_true",
                    help="plant only the journal and manifest chunks (no marker or part files) and measure the resume "
                         "after a finished run beside the reference that holds every marker: the driver's memory")
    ap.add_argument("--tag", default="snapshot-scan")
    a = ap.parse_args()
    rows, smallest = [], min(a.shards)
    for store in a.store:
        for n in sorted(a.shards):
            env, world, tmp = {}, None, tempfile.mkdtemp(prefix="curate-scan-")
            if store == "s3":
                from tests.production.s3env import CREDS, S3World

                world = S3World()
                env = {**CREDS, "CURATE_S3_ENDPOINT_URL": world.endpoint}
                os.environ.update(env)
                from curate.store import storage

                storage._s3_client.cache_clear()
                output = f"s3://out/scan-{n}"
            else:
                output = os.path.join(tmp, "out")
            t = time.time()
            plant(output, n, a.langs, s3=world, files_too=not a.manifest_only)
            print(f"{store} {n}: planted in {time.time() - t:.0f}s", flush=True)
            row = {"store": store, "shards": n, "parts": n * a.langs, "finished_run": measure(output, n, env)}
            if a.manifest_only:
                row["held"] = measure(output, n, env, "held")
            elif n == smallest:
                from curate.config import PipelineConfig
                from curate.run import resume
                from curate.store import storage

                row["verify_parts"] = measure(output, n, env, "verify")  # resume_verify_parts: true
                row["old_scan"] = measure(output, n, env, "old")
                manifest = resume.manifest_dir(PipelineConfig(input="/unused", output=output))
                for u in storage.list_files(manifest):
                    if not os.path.basename(u).startswith(resume.JOURNAL):
                        storage.delete(u)
                row["no_manifest"] = measure(output, n, env)  # the driver was killed before writing any chunk
                storage.delete_prefix(manifest)
                row["no_journal"] = measure(output, n, env)  # a store from before journals: markers listed
            rows.append(row)
            print(json.dumps(row), flush=True)
            if world:
                world.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    fmt = lambda r: f"{r['wall_s']:.2f} s, " + ", ".join(f"{k} {v:,}" for k, v in sorted(r["requests"].items())) + \
        f", {r['peak_rss_mb']:.0f} MB"  # noqa: E731
    cols = [("finished_run", "resume after a finished run"), ("no_manifest", "driver killed before any manifest chunk"),
            ("no_journal", "store without a journal (markers listed)"), ("verify_parts", "finished run, resume_verify_parts"),
            ("old_scan", "old scan (a request per marker and per part)"),
            ("held", "reference: every marker held at once, then tallied")]
    cols = [c for c in cols if any(c[0] in r for r in rows)]
    lines = [f"# Resume scan at snapshot scale ({a.langs} parts per shard)", "",
             "Each cell: scan wall time, requests sent, peak RSS of the scanning process.", "",
             "| store | shards | " + " | ".join(t for _, t in cols) + " |", "|---|---:|" + "---|" * len(cols)]
    for r in rows:
        lines.append(f"| {r['store']} | {r['shards']:,} | " + " | ".join(fmt(r[c]) if c in r else "" for c, _ in cols) + " |")
    print(write_results(a.tag, rows, lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
