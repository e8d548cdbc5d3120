"""What a re-run can skip: the committed shards, found with a few listings and reads, not a request per file.

A snapshot has about 90,000 shards, each committing a marker and a part per language (about 50):
checking them one by one is millions of sequential requests before any work starts. Instead:

* markers live under a prefix of their own (``_work/markers/{shard}/_SUCCESS.json``): one paginated
  listing of it (1,000 keys a request on S3) tells which shards have committed;
* the driver copies the markers it receives into a compact manifest, ``_work/manifest/*.json.gz``,
  a chunk per `MANIFEST_CHUNK` shards (and at the end of the stage), so a resume reads a hundred
  objects for 100,000 shards; only markers listed but in no chunk (committed after the last chunk,
  before a kill) are read one by one, by a pool of threads;
* the parts are checked against a listing of ``_work/shards/`` too (a part deleted since makes its
  shard run again), listed as `READ_THREADS` key ranges side by side on S3, each range starting at a
  committed shard's prefix: a listing of 50 parts per shard for 90,000 shards is 4,500 pages, which
  one thread would take minutes to read.

A shard counts as committed when its marker is listed, holds this run's config hash and every part it
names is listed. Ray-free, so
the scan can be measured alone (bench/scale/snapshot_scan.py).
"""
from __future__ import annotations

import gzip
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

from curate.config import PipelineConfig
from curate.stages.shard import shard_id, shard_marker, work_dir
from curate.store import storage

READ_THREADS = 32  # reads in flight: S3 serves them in parallel, one at a time would take hours
MANIFEST_CHUNK = 1000  # markers per manifest object


def key(uri: str) -> str:
    """A listing's spelling of a URI and a joined one compare equal."""
    return uri if storage.is_s3(uri) else os.path.normpath(os.path.abspath(uri))


def _read_json(uri: str, gz: bool = False):
    try:
        data = storage.read_bytes(uri)
        return json.loads(gzip.decompress(data) if gz else data)
    except (ValueError, OSError, EOFError, UnicodeDecodeError):
        return None  # unreadable or vanished: what it vouched for is done again
    except Exception as e:  # botocore's NoSuchKey and friends
        if type(e).__name__ in ("ClientError", "NoSuchKey"):
            return None
        raise


def _parallel(fn, items: list, threads: int) -> list:
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(threads, len(items)))) as pool:
        return list(pool.map(fn, items))


def manifest_dir(cfg: PipelineConfig) -> str:
    return storage.join(work_dir(cfg), "manifest")


def read_manifest(cfg: PipelineConfig, threads: int = READ_THREADS) -> dict[str, dict]:
    """shard_id -> marker, from every manifest chunk (a later chunk wins)."""
    chunks = storage.list_files(manifest_dir(cfg), ".json.gz")
    out = {}
    for markers in _parallel(lambda u: _read_json(u, gz=True), chunks, threads):
        for m in markers or ():
            out[m["shard_id"]] = m
    return out


def committed_shards(cfg: PipelineConfig, shards: list[str], threads: int = READ_THREADS) -> tuple[dict[str, dict], list[str]]:
    """({shard URI: marker} of the committed shards, the other shards in their order); also the markers that
    had to be read one by one are written to a new manifest chunk, so the next resume needs no such reads."""
    listed = {key(u) for u in storage.list_files(storage.join(work_dir(cfg), "markers"), "_SUCCESS.json")}
    if not listed:
        return {}, list(shards)
    manifest = read_manifest(cfg, threads)
    found, to_read = {}, []
    for uri in shards:
        sid = shard_id(uri)
        marker_uri = shard_marker(cfg, sid)
        if key(marker_uri) not in listed:
            continue
        m = manifest.get(sid)
        if m is not None and m.get("shard") == uri and m.get("config_hash") == cfg.config_hash:
            found[uri] = m
        else:
            to_read.append((uri, marker_uri))
    read = dict(_parallel(lambda c: (c[0], _read_json(c[1])), to_read, threads))
    found.update((u, m) for u, m in read.items() if m)
    committed = {u: found[u] for u in shards if u in found and found[u].get("config_hash") == cfg.config_hash}
    parts = listed_parts(cfg, sorted(m["shard_id"] for m in committed.values()), threads)
    work = work_dir(cfg)
    committed = {u: m for u, m in committed.items()
                 if all(key(storage.join(work, p["path"])) in parts for p in m["parts"].values())}
    if any(u in committed for u in read):
        write_manifest_chunk(cfg, [committed[u] for u in read if u in committed])
    return committed, [u for u in shards if u not in committed]


def listed_parts(cfg: PipelineConfig, shard_ids: list[str], threads: int = READ_THREADS) -> set[str]:
    """Keys of the staged parts under ``_work/shards/``: one listing locally; on S3, key ranges that start at
    (sorted) shard ids, listed side by side."""
    prefix = storage.join(work_dir(cfg), "shards")
    if not shard_ids:
        return set()
    if not storage.is_s3(prefix):
        return {key(u) for u in storage.list_files(prefix)}
    step = max(1, -(-len(shard_ids) // max(1, threads)))
    starts = shard_ids[::step]
    ranges = [(storage.join(prefix, a), storage.join(prefix, b) if b else None)
              for a, b in zip(starts, starts[1:] + [None])]
    listed = _parallel(lambda r: storage.list_files(prefix, start_after=r[0], stop_at=r[1]), ranges, threads)
    return {u for chunk in listed for u in chunk}


def write_manifest_chunk(cfg: PipelineConfig, markers: list[dict]) -> None:
    name = f"{time.time_ns():020d}-{os.getpid()}.json.gz"
    storage.write_bytes(storage.join(manifest_dir(cfg), name),
                        gzip.compress(json.dumps(markers, sort_keys=True).encode(), compresslevel=6, mtime=0))


class ManifestWriter:
    """Collects the markers the driver receives and writes them as chunks of `MANIFEST_CHUNK`."""

    def __init__(self, cfg: PipelineConfig, chunk: int = MANIFEST_CHUNK):
        self.cfg, self.chunk, self.pending = cfg, chunk, []

    def add(self, marker: dict) -> None:
        self.pending.append(marker)
        if len(self.pending) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            write_manifest_chunk(self.cfg, self.pending)
            self.pending = []


def quarantined(cfg: PipelineConfig) -> set[str]:
    """Keys of the quarantine records present now (one listing), so a shard that succeeds deletes its
    record only when there is one."""
    return {key(u) for u in storage.list_files(storage.join(work_dir(cfg), "failed"), ".json")}
