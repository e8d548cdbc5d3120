"""All reads and writes of `curate` go through here: local paths and ``s3://`` URIs.

Writes are atomic: data lands under a temporary name (local) or is uploaded as one object
(S3 objects only become visible once complete), so a reader never sees half a file.
Credentials come from boto3's standard chain; the endpoint may be overridden with
``CURATE_S3_ENDPOINT_URL`` (or ``AWS_ENDPOINT_URL``) for S3-compatible stores.
"""
from __future__ import annotations

import contextlib
import functools
import io
import os
import shutil
import tempfile
import time
from typing import IO, Iterator

S3 = "s3://"


def is_s3(uri: str) -> bool:
    return uri.startswith(S3)


def join(base: str, *parts: str) -> str:
    out = base.rstrip("/")
    for p in parts:
        out += "/" + p.strip("/")
    return out


def _split_s3(uri: str) -> tuple[str, str]:
    bucket, _, key = uri[len(S3):].partition("/")
    return bucket, key


@functools.lru_cache(maxsize=None)
def _s3_client():
    import boto3
    from botocore.config import Config

    endpoint = os.environ.get("CURATE_S3_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL")
    # adaptive retries: backoff on throttling (SlowDown/503) and transient 5xx
    cfg = Config(retries={"max_attempts": 10, "mode": "adaptive"}, connect_timeout=10, read_timeout=120)
    return boto3.session.Session().client("s3", endpoint_url=endpoint, config=cfg)


def read_bytes(uri: str) -> bytes:
    if is_s3(uri):
        bucket, key = _split_s3(uri)
        body = _s3_client().get_object(Bucket=bucket, Key=key)["Body"]
        return body.read()
    with open(uri, "rb") as f:
        return f.read()


def read_text(uri: str) -> str:
    return read_bytes(uri).decode("utf-8")


@contextlib.contextmanager
def open_read(uri: str) -> Iterator[IO[bytes]]:
    """A binary stream; for S3 the object is spooled to a local temporary file first so the
    reader can seek and a dropped connection surfaces as an error, not as a short read."""
    if not is_s3(uri):
        with open(uri, "rb") as f:
            yield f
        return
    with tempfile.TemporaryFile() as tmp:
        bucket, key = _split_s3(uri)
        _s3_client().download_fileobj(bucket, key, tmp)
        tmp.seek(0)
        yield tmp


def download_file(uri: str, local_path: str) -> str:
    """Copy ``uri`` to ``local_path`` atomically and return the path."""
    os.makedirs(os.path.dirname(os.path.abspath(local_path)), exist_ok=True)
    tmp = f"{local_path}.tmp-{os.getpid()}-{time.monotonic_ns()}"
    if is_s3(uri):
        bucket, key = _split_s3(uri)
        _s3_client().download_file(bucket, key, tmp)
    else:
        shutil.copyfile(uri, tmp)
    os.replace(tmp, local_path)
    return local_path


@contextlib.contextmanager
def atomic_writer(uri: str) -> Iterator[IO[bytes]]:
    """Yield a binary file; its content appears under ``uri`` only if the block succeeds."""
    if is_s3(uri):
        with tempfile.NamedTemporaryFile(suffix=".part") as tmp:
            yield tmp
            tmp.flush()
            bucket, key = _split_s3(uri)
            _s3_client().upload_file(tmp.name, bucket, key)  # multipart for large files
        return
    os.makedirs(os.path.dirname(os.path.abspath(uri)), exist_ok=True)
    tmp = f"{uri}.tmp-{os.getpid()}-{time.monotonic_ns()}"
    try:
        with open(tmp, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, uri)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_bytes(uri: str, data: bytes) -> None:
    with atomic_writer(uri) as f:
        f.write(data)


def write_text(uri: str, text: str) -> None:
    write_bytes(uri, text.encode("utf-8"))


def exists(uri: str) -> bool:
    if is_s3(uri):
        from botocore.exceptions import ClientError

        bucket, key = _split_s3(uri)
        try:
            _s3_client().head_object(Bucket=bucket, Key=key)
            return True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
    return os.path.exists(uri)


def list_files(prefix: str, suffix: str = "") -> list[str]:
    """All files below ``prefix`` (recursively), sorted, as full URIs; temporaries excluded."""
    out: list[str] = []
    if is_s3(prefix):
        bucket, key = _split_s3(prefix)
        key = key.rstrip("/") + "/" if key else ""
        paginator = _s3_client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=key):
            for obj in page.get("Contents", []):
                out.append(f"{S3}{bucket}/{obj['Key']}")
    elif os.path.isdir(prefix):
        for root, _dirs, files in os.walk(prefix):
            for name in files:
                out.append(os.path.join(root, name))
    return sorted(u for u in out if u.endswith(suffix) and ".tmp-" not in u)


def delete(uri: str) -> None:
    if is_s3(uri):
        bucket, key = _split_s3(uri)
        _s3_client().delete_object(Bucket=bucket, Key=key)
    elif os.path.exists(uri):
        os.remove(uri)


def delete_prefix(prefix: str) -> None:
    for uri in list_files(prefix):
        delete(uri)
    if not is_s3(prefix) and os.path.isdir(prefix):
        shutil.rmtree(prefix, ignore_errors=True)


def write_parquet(uri: str, table, **kwargs) -> None:
    import pyarrow.parquet as pq

    with atomic_writer(uri) as f:
        pq.write_table(table, f, **kwargs)


def read_parquet(uri: str, columns: list[str] | None = None):
    import pyarrow.parquet as pq

    if is_s3(uri):
        return pq.read_table(io.BytesIO(read_bytes(uri)), columns=columns)
    return pq.read_table(uri, columns=columns)
