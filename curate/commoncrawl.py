"""Resolving the input of a run into WARC shard URIs: a local folder, an s3:// prefix, the
bundled sample, or a Common Crawl snapshot's `warc.paths.gz` listing."""
from __future__ import annotations

import gzip
import os

from curate import storage
from curate.config import SAMPLE_DIR, SAMPLE_SNAPSHOT, PipelineConfig

SHARD_SUFFIXES = (".warc.gz", ".warc.wet.gz", ".wet.gz", ".warc")


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
        listing = storage.join(cfg.cc_base_url, "crawl-data", cfg.snapshot, "warc.paths.gz")
        shards = read_paths_listing(listing, cfg.cc_base_url)
    shards = sorted(shards)
    return shards[: cfg.limit_shards] if cfg.limit_shards else shards
