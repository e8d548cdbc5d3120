"""A wrong output store stops the run in seconds, before the first shard, with one line naming it."""
import pytest

from tests.production.s3env import S3World
from tests.util import run_cli


@pytest.fixture(scope="module")
def world():
    w = S3World()
    yield w
    w.stop()


def test_missing_bucket_stops_before_any_shard(world):
    proc = world.run("s3://no-such-bucket/fw2", None, timeout=300)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "stopped before the first shard" in lines[0] and "s3://no-such-bucket/" in lines[0] and "NoSuchBucket" in lines[0]
    assert "shards" not in proc.stderr and "Ray" not in proc.stderr  # neither Ray nor a shard was started
    assert "testing" not in proc.stderr  # credentials are never printed
    assert world.s3.list_objects_v2(Bucket="out").get("KeyCount", 0) == 0


def test_unwritable_local_output_stops_before_any_shard(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    proc = run_cli("--output", str(blocker / "out"))
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(blocker / "out") in lines[0] and "Not a directory" in lines[0], proc.stderr


def test_an_unreadable_manifest_stops_the_resume_instead_of_redoing_the_snapshot(world):
    """A resume must read the driver's manifest to know what is committed. An object it cannot read (here a
    chunk that a lifecycle rule moved to Glacier: InvalidObjectState) stops the run before any shard with one
    line naming the object, not a traceback. No store error but "not found" is taken for "not committed"
    (an access-denied one was, which would have run every shard again)."""
    import gzip
    import json

    journal = gzip.compress(json.dumps(["s3://commoncrawl/some-shard.warc.gz"]).encode())
    world.s3.put_object(Bucket="out", Key="archived/_work/manifest/submitted-00000000000000000001-1.json.gz", Body=journal)
    chunk = "archived/_work/manifest/00000000000000000002-1.json.gz"
    world.s3.put_object(Bucket="out", Key=chunk, Body=gzip.compress(b"[]"), StorageClass="GLACIER")
    proc = world.run("s3://out/archived", None, timeout=600)
    assert proc.returncode == 2, proc.stderr[-3000:]
    stop = [line for line in proc.stderr.splitlines() if "stopped before the first shard" in line]
    assert len(stop) == 1 and f"s3://out/{chunk}" in stop[0] and "InvalidObjectState" in stop[0], proc.stderr[-3000:]
    assert "to process" not in proc.stderr  # the scan did not finish: no shard was scheduled
    listed = world.s3.list_objects_v2(Bucket="out", Prefix="archived/_work/")
    assert all(o["Key"].startswith("archived/_work/manifest/") for o in listed.get("Contents", []))
    assert "testing" not in proc.stderr  # credentials are never printed
