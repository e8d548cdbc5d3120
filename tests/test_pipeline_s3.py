"""The pipeline against a real S3-protocol server on loopback (moto's standalone server):
a fake `commoncrawl` bucket with a snapshot listing, output written to another bucket."""
import gzip
import io
import json
import os
from pathlib import Path

import boto3
import pyarrow.parquet as pq
import pytest

from tests.production.s3env import start_moto
from tests.util import run_cli

DATA = Path(__file__).parent / "data"
SNAPSHOT = "CC-MAIN-2099-01"


@pytest.fixture(scope="module")
def s3_server():
    server, endpoint = start_moto()
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "CURATE_S3_ENDPOINT_URL": endpoint}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    server.stop()


def test_snapshot_from_commoncrawl_bucket_to_s3_output(s3_server, tmp_path):
    s3 = s3_server
    s3.create_bucket(Bucket="commoncrawl")
    s3.create_bucket(Bucket="out")
    keys = []
    for i, name in enumerate(["resiliparse_CC-MAIN-2020-34_excerpt.warc.gz", "example.warc.gz"]):
        key = f"crawl-data/{SNAPSHOT}/segments/1700000000.{i}/warc/{name}"
        s3.put_object(Bucket="commoncrawl", Key=key, Body=(DATA / name).read_bytes())
        keys.append(key)
    s3.put_object(Bucket="commoncrawl", Key=f"crawl-data/{SNAPSHOT}/warc.paths.gz", Body=gzip.compress("\n".join(keys).encode()))
    cfg = tmp_path / "c.yaml"
    cfg.write_text("cc_base_url: s3://commoncrawl\n")
    proc = run_cli("--snapshot", SNAPSHOT, "--output", "s3://out/fw2", "--config", str(cfg))
    assert proc.returncode == 0, proc.stderr[-4000:]
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket="out", Prefix="fw2/")["Contents"]]
    assert "fw2/README.md" in listed and "fw2/stats.json" in listed
    assert not [k for k in listed if ".tmp-" in k or k.endswith(".part") or "/shuffle/" in k]  # dedup's spill cleaned up
    stats = json.loads(s3.get_object(Bucket="out", Key="fw2/stats.json")["Body"].read())
    assert stats["snapshot"] == SNAPSHOT and stats["shards"] == {"total": 2, "committed": 2, "failed": []}
    kept = [k for k in listed if k.startswith("fw2/data/cmn_Hani/train/")]
    assert kept
    table = pq.read_table(io.BytesIO(s3.get_object(Bucket="out", Key=kept[0])["Body"].read()))
    paths = set(table.column("file_path").to_pylist())
    assert paths <= {f"s3://commoncrawl/{k}" for k in keys} and table.column("dump").to_pylist()[0] == SNAPSHOT
    # a re-run over the same store finds every shard committed
    proc = run_cli("--snapshot", SNAPSHOT, "--output", "s3://out/fw2", "--config", str(cfg))
    assert proc.returncode == 0 and "2 already committed" in proc.stderr
