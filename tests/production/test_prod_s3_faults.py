"""The pipeline through a faulty network path to a real S3-protocol server: throttling, 500s,
dropped connections and truncated object bodies are survived (retries with backoff, short reads
detected), and a shard whose object stays unreadable fails loudly, named, never silently."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.production.faultproxy import FaultProxy, Rule
from tests.production.outputs import assert_same_output, documents
from tests.production.s3env import CREDS, S3World
from tests.util import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = S3World()
    proc = w.run("s3://out/reference")  # straight to the server, no faults
    assert proc.returncode == 0, proc.stderr[-4000:]
    w.reference = w.fetch("out", "reference", tmp_path_factory.mktemp("s3ref"))
    yield w
    w.stop()


@pytest.fixture
def proxy(world):
    p = FaultProxy(world.endpoint)
    url = p.start()
    p.url = url
    yield p
    p.stop()


def test_job_survives_throttling_500s_drops_and_truncated_bodies(world, proxy, tmp_path):
    listing, shard0, shard1 = "warc.paths.gz", world.keys[0], world.keys[1]
    proxy.rules += [
        Rule("GET", listing, "drop"), Rule("GET", listing, "slowdown"), Rule("GET", listing, "truncate"),
        Rule("GET", shard0, "slowdown", times=2), Rule("GET", shard0, "truncate"),
        Rule("GET", shard1, "truncate", times=2), Rule("GET", shard1, "drop"), Rule("HEAD", shard1, "error500"),
        Rule("PUT", "_SUCCESS.json", "error500", times=2), Rule("PUT", "/data/", "slowdown", times=3),
        Rule("PUT", "/data/", "drop"), Rule("PUT", "stats.json", "error500"),
    ]
    proc = world.run("s3://out/faulted", proxy.url)
    assert proc.returncode == 0, proc.stderr[-4000:]
    not_hit = [(r.method, r.match, r.fault) for r in proxy.rules if r.hits == 0]
    assert not not_hit, f"faults never injected: {not_hit}"
    got = world.fetch("out", "faulted", tmp_path / "faulted")
    assert_same_output(got, world.reference, "S3 faults")
    assert documents(got)


def test_shard_that_stays_unreadable_fails_loudly_and_the_rest_is_kept(world, proxy, tmp_path):
    bad = world.keys[1]
    proxy.rules.append(Rule("GET", bad, "truncate", times=None))  # every read of it is cut short
    proc = world.run("s3://out/broken", proxy.url)
    assert proc.returncode == 1, proc.stderr[-4000:]
    assert f"s3://commoncrawl/{bad}" in proc.stderr and "FAILED" in proc.stderr
    failed = world.s3.list_objects_v2(Bucket="out", Prefix="broken/_work/failed/").get("Contents", [])
    assert len(failed) == 1
    status = subprocess.run(["curate", "status", "s3://out/broken"], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, **CREDS, "CURATE_S3_ENDPOINT_URL": world.endpoint})
    assert status.returncode == 1 and f"FAILED s3://commoncrawl/{bad}" in status.stdout
    # the other shard's documents are written (once each), and the stats say which shard is missing
    out = world.fetch("out", "broken", tmp_path / "broken")
    got = documents(out)
    assert got and all(n == 1 for n in got.values())
    stats = json.loads((out / "stats.json").read_text())
    assert stats["shards"] == {"total": 2, "committed": 1, "failed": [f"s3://commoncrawl/{bad}"]}
