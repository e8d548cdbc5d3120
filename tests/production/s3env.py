"""A real S3-protocol server (moto's standalone server) on loopback holding a fake `commoncrawl`
bucket with one snapshot, and helpers to run the pipeline against it and fetch an output."""
from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import boto3
import requests
from moto.server import ThreadedMotoServer

from tests.util import ROOT

DATA = Path(__file__).resolve().parents[1] / "data"
SNAPSHOT = "CC-MAIN-2099-01"
SHARDS = ["resiliparse_CC-MAIN-2020-34_excerpt.warc.gz", "example.warc.gz"]
CREDS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def start_moto() -> tuple[ThreadedMotoServer, str]:
    """A moto server on a free loopback port, emptied first: moto keeps its buckets in module state, so a
    server started later in the same process would otherwise see what an earlier test wrote."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    requests.post(f"{endpoint}/moto-api/reset", timeout=30).raise_for_status()
    return server, endpoint


class S3World:
    def __init__(self):
        self.server, self.endpoint = start_moto()
        self.s3 = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                               aws_access_key_id="testing", aws_secret_access_key="testing")
        self.s3.create_bucket(Bucket="commoncrawl")
        self.s3.create_bucket(Bucket="out")
        self.keys = []
        for i, name in enumerate(SHARDS):
            key = f"crawl-data/{SNAPSHOT}/segments/1700000000.{i}/warc/{name}"
            self.s3.put_object(Bucket="commoncrawl", Key=key, Body=(DATA / name).read_bytes())
            self.keys.append(key)
        self.s3.put_object(Bucket="commoncrawl", Key=f"crawl-data/{SNAPSHOT}/warc.paths.gz",
                           Body=gzip.compress("\n".join(self.keys).encode()))

    def stop(self):
        self.server.stop()

    def run(self, output: str, endpoint: str | None = None, *extra: str, timeout=900) -> subprocess.CompletedProcess:
        cmd = [sys.executable, str(ROOT / "pipelines" / "fineweb2.py"), "--ray-address", "local", "--num-cpus", "2",
               "--snapshot", SNAPSHOT, "--output", output, *extra]
        env = {**os.environ, **CREDS, "RAY_DEDUP_LOGS": "0", "CURATE_S3_ENDPOINT_URL": endpoint or self.endpoint}
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)

    def fetch(self, bucket: str, prefix: str, dest: Path) -> Path:
        """Download an output prefix to a local folder (for byte comparison)."""
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix.rstrip("/") + "/"):
            for obj in page.get("Contents", []):
                path = dest / obj["Key"][len(prefix.rstrip("/")) + 1:]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(self.s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read())
        return dest
