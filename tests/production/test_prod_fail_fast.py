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
