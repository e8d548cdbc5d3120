"""Common Crawl access over HTTP(S): collinfo.json, a snapshot's warc/wet listings and its shards,
from a fake mirror on loopback that throttles (429, 503 SlowDown with Retry-After), errs (500),
drops connections and cuts bodies short."""
from __future__ import annotations

import pytest
import requests

from curate.store import storage
from curate.store.commoncrawl import list_snapshots, snapshot_shards
from tests.production.ccmirror import DATA, SNAPSHOTS, CCMirror
from tests.production.faultproxy import Rule


@pytest.fixture
def mirror(tmp_path):
    m = CCMirror(tmp_path / "cc")
    yield m
    m.stop()


def test_snapshots_listings_and_shards_survive_throttling_and_truncation(mirror):
    mirror.proxy.rules += [Rule("GET", "collinfo.json", "throttle429"), Rule("GET", "collinfo.json", "truncate"),
                           Rule("GET", "warc.paths.gz", "slowdown"), Rule("GET", "warc.paths.gz", "drop"),
                           Rule("GET", "wet.paths.gz", "error500"), Rule("GET", "/warc/", "truncate", times=2)]
    assert list_snapshots(f"{mirror.url}/collinfo.json") == ["CC-MAIN-2099-01", "CC-MAIN-2099-05"]
    shards = snapshot_shards("CC-MAIN-2099-01", mirror.url)
    assert shards == [f"{mirror.url}/{mirror.shards['CC-MAIN-2099-01']}"]
    wet = snapshot_shards("CC-MAIN-2099-01", mirror.url, kind="wet")
    assert wet[0].endswith(".warc.wet.gz") and "/wet/" in wet[0]
    with storage.open_read(shards[0]) as f:  # how the shard stage reads a shard
        assert f.read() == (DATA / SNAPSHOTS["CC-MAIN-2099-01"]).read_bytes()
    assert storage.exists(shards[0]) and not storage.exists(f"{mirror.url}/crawl-data/nope/warc.paths.gz")
    assert all(r.hits == r.times for r in mirror.proxy.rules)


def test_unreadable_listing_fails_loudly(mirror):
    mirror.proxy.rules.append(Rule("GET", "warc.paths.gz", "truncate", times=None))
    with pytest.raises(OSError, match="warc.paths.gz: read failed"):
        snapshot_shards("CC-MAIN-2099-05", mirror.url)
    with pytest.raises(requests.exceptions.HTTPError):
        snapshot_shards("CC-MAIN-2000-01", mirror.url)  # not published: 404, no retries
