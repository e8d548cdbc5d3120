"""Resolving the input of a run into WARC shard URIs: a local folder, an s3:// prefix, the
bundled sample, or a Common Crawl snapshot's `warc.paths.gz` (or `wet.paths.gz`) listing, read from
the `commoncrawl` bucket (`s3://commoncrawl`) or its HTTPS mirror (`https://data.commoncrawl.org`);
and listing the snapshots Common Crawl has published (`collinfo.json`)."""
from __future__ import annotations

import gzip
import json
import os

from curate.config import SAMPLE_DIR, SAMPLE_SNAPSHOT, SNAPSHOT_RE, PipelineConfig
from curate.store import storage

SHARD_SUFFIXES = (".warc.gz", ".warc.wet.gz", ".wet.gz", ".warc")
COLLINFO_URL = "https://index.commoncrawl.org/collinfo.json"
HTTPS_MIRROR = "https://data.commoncrawl.org"


def list_snapshots(collinfo_url: str = COLLINFO_URL) -> list[str]:
    """Snapshot names (CC-MAIN-YYYY-WW), oldest first. collinfo.json is a JSON list of
    {"id": "CC-MAIN-2024-10", "name": ..., "cdx-api": ...}, newest first; other ids are ignored."""
    entries = json.loads(storage.read_text(collinfo_url))
    return sorted({e["id"] for e in entries if isinstance(e, dict) and SNAPSHOT_RE.match(str(e.get("id", "")))})


def listing_uri(snapshot: str, base: str = "s3://commoncrawl", kind: str = "warc") -> str:
    """Where a snapshot's shard listing lives: `crawl-data/<snapshot>/{warc,wet}.paths.gz`."""
    if kind not in ("warc", "wet"):
        raise ValueError(f"listing kind must be 'warc' or 'wet', not {kind!r}")
    return storage.join(base, "crawl-data", snapshot, f"{kind}.paths.gz")


def snapshot_shards(snapshot: str, base: str = "s3://commoncrawl", kind: str = "warc") -> list[str]:
    """A snapshot's shard URIs: the same relative paths work in the bucket and on the mirror."""
    return read_paths_listing(listing_uri(snapshot, base, kind), base)


def read_paths_listing(uri: str, base: str) -> list[str]:
    """`warc.paths.gz`: one relative shard path per line, resolved against `base`."""
    data = storage.read_bytes(uri)
    if uri.endswith(".gz"):
        data = gzip.decompress(data)
    lines = [ln.strip() for ln in data.decode("utf-8").splitlines() if ln.strip()]
    return [storage.join(base, ln) for ln in lines]


def resolve_shards(cfg: PipelineConfig) -> list[str]:
    if cfg.input:
        shards = [u for u in storage.list_files(cfg.input) if u.endswith(SHARD_SUFFIXES)]
        if not shards:
            raise FileNotFoundError(f"no WARC shards (*.warc.gz, *.wet.gz) under {cfg.input}")
    elif cfg.snapshot == SAMPLE_SNAPSHOT:
        shards = read_paths_listing(os.path.join(SAMPLE_DIR, "warc.paths.gz"), SAMPLE_DIR)
    else:
        shards = snapshot_shards(cfg.snapshot, cfg.cc_base_url, "warc")
    shards = sorted(shards)
    return shards[: cfg.limit_shards] if cfg.limit_shards else shards
