"""The resume scan finds exactly the committed shards from a listing of the markers and the driver's
manifest, never a request per part or per shard, locally and on the loopback S3 server."""
import gzip
import json
import threading
from collections import Counter

import pytest

from curate.config import PipelineConfig
from curate.run import resume
from curate.stages.shard import shard_id, shard_marker, work_dir
from curate.store import storage
from tests.production.s3env import CREDS, S3World

CASES = ("marker", "marker", "manifest", "manifest", "no_marker", "other_config", "unreadable", "stale_manifest",
         "part_deleted")


def plant(cfg: PipelineConfig, n: int) -> dict[str, str]:
    """Markers, parts and manifest chunks written straight to the store, one case per shard;
    {shard URI: expected state}."""
    expected, chunk = {}, []
    for i in range(n):
        uri = f"s3://commoncrawl/crawl-data/CC-MAIN-2099-01/segments/{i // 100}/warc/shard-{i:05d}.warc.gz"
        sid = shard_id(uri)
        case = CASES[i % len(CASES)]
        expected[uri] = "pending" if case in ("no_marker", "other_config", "unreadable", "part_deleted") else "committed"
        parts = {lang: {"path": f"shards/{sid}/{lang}.parquet", "rows": 3} for lang in ("fra_Latn", "cmn_Hani")}
        for lang, p in parts.items():
            if not (case == "part_deleted" and lang == "cmn_Hani"):  # deleted by hand after the shard committed
                storage.write_bytes(storage.join(work_dir(cfg), p["path"]), b"x")
        if case == "no_marker":  # killed after its parts, before its marker
            continue
        marker = {"shard": uri, "shard_id": sid, "parts": parts, "counters": [],
                  "config_hash": "0" * 16 if case == "other_config" else cfg.config_hash}
        storage.write_text(shard_marker(cfg, sid), "{truncated" if case == "unreadable" else json.dumps(marker))
        if case == "manifest":
            chunk.append(marker)
        if case == "stale_manifest":  # the manifest still holds the marker of a run with another config
            chunk.append(dict(marker, config_hash="1" * 16))
    resume.write_manifest_chunk(cfg, chunk)
    return expected


def check(cfg, expected):
    committed, pending = resume.committed_shards(cfg, list(expected))
    assert set(committed) == {u for u, s in expected.items() if s == "committed"}
    assert pending == [u for u, s in expected.items() if s == "pending"]  # in the snapshot's order
    assert all(m["shard"] == u and m["config_hash"] == cfg.config_hash for u, m in committed.items())


def test_local_store(tmp_path, monkeypatch):
    cfg = PipelineConfig(input="/unused", output=str(tmp_path / "out"))
    expected = plant(cfg, 80)
    check(cfg, expected)
    check(cfg, expected)  # again, now with the chunk the first scan wrote for the markers it read
    monkeypatch.chdir(tmp_path)  # the same output named another way: relative, with a trailing slash
    check(PipelineConfig(input="/unused", output="out/"), expected)
    assert resume.committed_shards(PipelineConfig(input="/unused", output=str(tmp_path / "new")), list(expected)) == (
        {}, list(expected))


@pytest.fixture
def s3(monkeypatch):
    world = S3World()
    for k, v in {**CREDS, "CURATE_S3_ENDPOINT_URL": world.endpoint}.items():
        monkeypatch.setenv(k, v)
    storage._s3_client.cache_clear()
    yield world
    storage._s3_client.cache_clear()
    world.stop()


def test_s3_requests_are_listings_and_a_resume_reads_no_marker(s3):
    cfg = PipelineConfig(input="/unused", output="s3://out/fw2")
    n = 1200
    expected = plant(cfg, n)
    requests = set()  # distinct requests: a read the store's retry policy repeats under load counts once
    lock = threading.Lock()  # the scan's threads send side by side
    sent = Counter()
    elsewhere = []  # requests of other code in this process (a thread an earlier test left) are not the scan's

    def count(params, model, **kw):
        key = (model.name, tuple(sorted((k, str(v)) for k, v in params.items() if k != "Body")))
        with lock:
            if params.get("Bucket") != "out" or not str(params.get("Key", params.get("Prefix", ""))).startswith("fw2/"):
                elsewhere.append(key)
            elif key not in requests:
                requests.add(key)
                sent[model.name] += 1

    storage._s3_client().meta.events.register("before-parameter-build.s3.*", count)
    check(cfg, expected)
    markers = n - n // len(CASES)  # every case but no_marker has a marker file
    read_one_by_one = sum(CASES[i % len(CASES)] in ("marker", "other_config", "unreadable", "stale_manifest", "part_deleted")
                          for i in range(n))
    # the parts of the shards whose marker holds this config are listed in key ranges side by side (a page each)
    candidates = sum(CASES[i % len(CASES)] in ("marker", "manifest", "stale_manifest", "part_deleted") for i in range(n))
    step = -(-candidates // resume.READ_THREADS)
    ranges = -(-candidates // step)
    # upper bounds, which a request per part or per manifest marker would exceed: the markers' pages, the
    # manifest's, the parts' ranges
    assert sent["ListObjectsV2"] <= -(-markers // 1000) + 1 + ranges
    assert ranges >= resume.READ_THREADS - 1
    assert sent["GetObject"] <= 1 + read_one_by_one and sent["HeadObject"] == 0, (sent, elsewhere[:5])
    assert sent["PutObject"] <= 1  # those read one by one go into a manifest chunk
    sent.clear()
    requests.clear()
    check(cfg, expected)  # the next resume: listings and the two chunks, markers only where unreadable
    unreadable = sum(CASES[i % len(CASES)] in ("unreadable", "other_config", "part_deleted") for i in range(n))
    assert sent["GetObject"] <= 2 + unreadable and sent["HeadObject"] == 0, (sent, elsewhere[:5])


def test_one_task_in_flight_gives_the_same_dataset(sample_run, tmp_path):
    """The bounded window of shard tasks changes when shards run, not what comes out."""
    from tests.util import run_cli

    base, _, cfg = sample_run
    narrow = tmp_path / "narrow.yaml"
    narrow.write_text(cfg.read_text() + "shard_tasks_in_flight: 1\n")
    out = tmp_path / "out"
    proc = run_cli("--output", str(out), "--config", str(narrow))
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = sorted(p.relative_to(base) for p in (base / "data").rglob("*.parquet"))
    assert files and files == sorted(p.relative_to(out) for p in (out / "data").rglob("*.parquet"))
    assert all((base / f).read_bytes() == (out / f).read_bytes() for f in files)
    # every committed shard is in the driver's manifest, once
    manifest = [m for u in (out / "_work" / "manifest").iterdir() for m in json.loads(gzip.decompress(u.read_bytes()))]
    assert sorted(m["shard_id"] for m in manifest) == sorted(p.name for p in (out / "_work" / "markers").iterdir())
    assert len(manifest) == json.loads((out / "stats.json").read_text())["shards"]["committed"] == 4
