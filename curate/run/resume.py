"""What a re-run can skip: the committed shards, found from a few objects the driver wrote, not a request per file.

A snapshot has about 90,000 shards, each committing a marker and a part per language (about 50):
checking them one by one is millions of sequential requests before any work starts, and even a
listing of the markers is a hundred sequential pages. Instead the driver keeps a compact record in
``_work/manifest/`` (one listing, a hundred objects for 100,000 shards, read side by side):

* before it submits shards, a journal entry ``submitted-*.json.gz`` names the next `MANIFEST_CHUNK` of
  them, so whatever a task can have committed is named somewhere, even if the driver is killed;
* the markers it receives (``_work/markers/{shard}/_SUCCESS.json``, written by the shard task after its
  parts) are copied into chunks ``*.json.gz`` of `MANIFEST_CHUNK` markers (and at the end of the stage).

A resume takes a shard in a chunk, with this run's config hash and staged format, as committed; a shard journaled but in
no chunk (its task finished after the last chunk, before a kill) has its marker read, by a pool of
threads, and those found go into a new chunk. A store without a journal (written before journals, or by
hand) is scanned by listing ``_work/markers/`` instead.

The scan never holds the markers: it reads the chunks a few at a time, latest first (so the first marker
it meets for a shard is its latest), and hands each committed marker to the caller, the driver's tally,
which keeps aggregates: its memory is a set of shard ids, not 100,000 markers of ~50 languages each.

Parts are immutable once their marker exists; with ``resume_verify_parts`` the scan also checks them
against a listing of ``_work/shards/`` (a part deleted since makes its shard run again), listed as
`READ_THREADS` key ranges side by side on S3: 50 parts per shard for 90,000 shards is 4,500 pages.

Ray-free, so the scan can be measured alone (bench/scale/snapshot_scan.py).
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
from curate.store.schema import STAGED_FORMAT

READ_THREADS = 32  # reads in flight: S3 serves them in parallel, one at a time would take hours
MANIFEST_CHUNK = 1000  # markers per manifest object
# manifest chunks in memory at once: a chunk of markers of ~50 languages is tens of MB parsed, and parsing,
# not fetching, is what a chunk costs
CHUNKS_AT_ONCE = 4


def key(uri: str) -> str:
    """A listing's spelling of a URI and a joined one compare equal."""
    return uri if storage.is_s3(uri) else os.path.normpath(os.path.abspath(uri))


def _read_json(uri: str, gz: bool = False):
    """The object's JSON, or None where it is missing or its bytes are broken (what it vouched for is done
    again). Any other error of the store (access denied, an object archived to Glacier) raises StoreError:
    taking it for "not committed" would run a whole snapshot again without a word."""
    try:
        data = storage.read_bytes(uri)
    except Exception as e:
        if storage.is_not_found(e):
            return None
        raise storage.StoreError(f"cannot read {uri}, which a resume needs to know what is committed: "
                                 f"{storage.error_code(e) or type(e).__name__}: {e}") from None
    try:
        return json.loads(gzip.decompress(data) if gz else data)
    except (ValueError, OSError, EOFError, UnicodeDecodeError):
        return None


def _parallel(fn, items: list, threads: int) -> list:
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(threads, len(items)))) as pool:
        return list(pool.map(fn, items))


def manifest_dir(cfg: PipelineConfig) -> str:
    return storage.join(work_dir(cfg), "manifest")


JOURNAL = "submitted-"  # name prefix of the journal entries, beside the marker chunks


def _batches(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def committed_shards(cfg: PipelineConfig, shards: list[str], add, threads: int = READ_THREADS,
                     chunks_at_once: int = CHUNKS_AT_ONCE) -> list[str]:
    """Calls ``add(uri, marker)`` once for every committed shard, in no set order, and returns the other
    shards in their order. Markers are handed out as they are read and not kept (the driver's tally keeps
    aggregates); the markers that had to be read one by one are also written to new manifest chunks, so
    the next resume needs no such reads."""
    files = storage.list_files(manifest_dir(cfg), ".json.gz")
    chunks = [u for u in files if not os.path.basename(u).startswith(JOURNAL)]
    entries = [u for u in files if os.path.basename(u).startswith(JOURNAL)]
    journaled = {u for body in _parallel(lambda u: _read_json(u, gz=True), entries, threads) for u in body or ()}
    if not entries:  # no journal: the markers' listing says which shards may have committed
        listed = {key(u) for u in storage.list_files(storage.join(work_dir(cfg), "markers"), "_SUCCESS.json")}
        candidate = lambda uri, sid: key(shard_marker(cfg, sid)) in listed  # noqa: E731
    else:
        candidate = lambda uri, sid: uri in journaled  # noqa: E731
    by_sid = {shard_id(u): u for u in shards}
    parts = listed_parts(cfg, sorted(by_sid), threads) if cfg.resume_verify_parts else None
    want, work = cfg.config_hash, work_dir(cfg)  # config_hash hashes the whole config: once, not per shard
    committed, seen, matched = set(), set(), set()  # in the manifest: shard ids met, those of this run's marker

    def current(uri: str, m) -> bool:  # this shard's marker, from this config and staged format
        return bool(m) and m.get("shard") == uri and m.get("config_hash") == want \
            and m.get("staged_format") == STAGED_FORMAT

    def take(uri: str, m) -> bool:
        if uri in committed or not current(uri, m):
            return False
        if parts is not None and not all(key(storage.join(work, p["path"])) in parts for p in m["parts"].values()):
            return False  # a part deleted since its shard committed: the shard runs again
        committed.add(uri)
        add(uri, m)
        return True

    # the chunks latest first, `chunks_at_once` at a time: the first marker met for a shard is its latest
    for batch in _batches(chunks[::-1], chunks_at_once):
        for body in _parallel(lambda u: _read_json(u, gz=True), batch, chunks_at_once):
            for m in reversed(body or ()):
                sid = m.get("shard_id")
                if sid in seen:
                    continue
                seen.add(sid)
                uri = by_sid.get(sid)
                if uri is not None and current(uri, m):
                    matched.add(sid)
                    take(uri, m)
    # a shard that may have committed, without this run's marker in the manifest: its own marker is read
    to_read = [(u, shard_marker(cfg, sid)) for sid, u in by_sid.items()
               if sid not in matched and (sid in seen or candidate(u, sid))]
    rewrite = ManifestWriter(cfg)
    for batch in _batches(to_read, MANIFEST_CHUNK):
        for uri, m in _parallel(lambda c: (c[0], _read_json(c[1])), batch, threads):
            if take(uri, m):
                rewrite.add(m)
    rewrite.flush()
    return [u for u in shards if u not in committed]


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


def _write_gz_json(cfg: PipelineConfig, prefix: str, body) -> None:
    name = f"{prefix}{time.time_ns():020d}-{os.getpid()}.json.gz"
    storage.write_bytes(storage.join(manifest_dir(cfg), name),
                        gzip.compress(json.dumps(body, sort_keys=True).encode(), compresslevel=6, mtime=0))


def write_manifest_chunk(cfg: PipelineConfig, markers: list[dict]) -> None:
    _write_gz_json(cfg, "", markers)


def write_journal(cfg: PipelineConfig, shards: list[str]) -> None:
    """Names shards about to be submitted: written before the first of them goes out."""
    _write_gz_json(cfg, JOURNAL, list(shards))


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
