"""All reads and writes of `curate` go through here: local paths, ``s3://`` URIs, and read-only
``https://`` URLs (Common Crawl's HTTPS mirror, collinfo.json).

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
import random
import shutil
import tempfile
import time
from typing import IO, Iterator

S3 = "s3://"
HTTP = ("https://", "http://")
READ_ATTEMPTS = 6  # whole-object reads: a short or broken body is retried this many times


def is_s3(uri: str) -> bool:
    return uri.startswith(S3)


def is_http(uri: str) -> bool:
    return uri.startswith(HTTP)


def _backoff(attempt: int) -> None:
    """Full-jitter exponential backoff (AWS's recommendation): 0.25 s, 0.5 s, ... capped at 20 s."""
    time.sleep(random.uniform(0, min(20.0, 0.25 * 2 ** attempt)))


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


def _s3_get(bucket: str, key: str, byte_range: str | None = None) -> tuple[bytes, dict]:
    """GET an object, or a byte range of it ("bytes=a-b", "bytes=-n"); returns (body, response).
    boto3 retries failed requests, not a body cut short after the headers arrived: that surfaces
    here (length check or a streaming error) and the GET is repeated."""
    from botocore.exceptions import ConnectionClosedError, IncompleteReadError, ReadTimeoutError, ResponseStreamingError

    extra = {} if byte_range is None else {"Range": byte_range}
    for attempt in range(READ_ATTEMPTS):
        try:
            resp = _s3_client().get_object(Bucket=bucket, Key=key, **extra)
            body = resp["Body"].read()
            if len(body) != resp["ContentLength"]:
                raise IncompleteReadError(actual_bytes=len(body), expected_bytes=resp["ContentLength"])
            return body, resp
        except (IncompleteReadError, ResponseStreamingError, ReadTimeoutError, ConnectionClosedError):
            if attempt == READ_ATTEMPTS - 1:
                raise
            _backoff(attempt)
    raise AssertionError("unreachable")


@functools.lru_cache(maxsize=None)
def _http_session():
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    # 429 and 5xx (Common Crawl's mirror throttles with 503 "Slow Down"): exponential backoff,
    # honouring Retry-After; connection errors too
    retry = Retry(total=8, connect=8, read=8, status=8, backoff_factor=0.5, backoff_max=30,
                  status_forcelist=(429, 500, 502, 503, 504), allowed_methods=("GET", "HEAD"),
                  respect_retry_after_header=True, raise_on_status=True)
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = "curate (FineWeb2-style pipeline)"
    return session


def _http_read(url: str, dest: IO[bytes] | None = None) -> bytes | None:
    """GET a URL whole (into ``dest`` if given); a body shorter than its Content-Length or a
    connection dropped mid-body (urllib3 enforces the length) is retried like a failed request."""
    import requests
    import urllib3

    for attempt in range(READ_ATTEMPTS):
        if dest is not None:
            dest.seek(0)
            dest.truncate()
        try:
            with _http_session().get(url, stream=True, timeout=(10, 120)) as r:
                r.raise_for_status()
                chunks = []
                # raw bytes: never let a `Content-Encoding: gzip` header unpack a .gz shard
                for chunk in r.raw.stream(1 << 20, decode_content=False):
                    if dest is not None:
                        dest.write(chunk)
                    else:
                        chunks.append(chunk)
                return None if dest is not None else b"".join(chunks)
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError,
                requests.exceptions.Timeout, urllib3.exceptions.HTTPError) as e:
            if attempt == READ_ATTEMPTS - 1:
                raise OSError(f"{url}: read failed {READ_ATTEMPTS} times, last: {type(e).__name__}: {e}") from e
            _backoff(attempt)
    raise AssertionError("unreachable")


def read_bytes(uri: str) -> bytes:
    if is_s3(uri):
        return _s3_get(*_split_s3(uri))[0]
    if is_http(uri):
        return _http_read(uri)
    with open(uri, "rb") as f:
        return f.read()


def read_text(uri: str) -> str:
    return read_bytes(uri).decode("utf-8")


@contextlib.contextmanager
def open_read(uri: str) -> Iterator[IO[bytes]]:
    """A binary stream; for S3 the object is spooled to a local temporary file first so the
    reader can seek and a dropped connection surfaces as an error, not as a short read."""
    if not is_s3(uri) and not is_http(uri):
        with open(uri, "rb") as f:
            yield f
        return
    with tempfile.TemporaryFile() as tmp:
        if is_http(uri):
            _http_read(uri, tmp)
        else:  # s3transfer retries failed and short GETs itself
            _s3_client().download_fileobj(*_split_s3(uri), tmp)
        tmp.seek(0)
        yield tmp


def download_file(uri: str, local_path: str) -> str:
    """Copy ``uri`` to ``local_path`` atomically and return the path."""
    os.makedirs(os.path.dirname(os.path.abspath(local_path)), exist_ok=True)
    tmp = f"{local_path}.tmp-{os.getpid()}-{time.monotonic_ns()}"
    if is_s3(uri):
        bucket, key = _split_s3(uri)
        _s3_client().download_file(bucket, key, tmp)
    elif is_http(uri):
        with open(tmp, "wb") as f:
            _http_read(uri, f)
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
            if is_not_found(e):
                return False
            raise
    if is_http(uri):
        r = _http_session().head(uri, timeout=(10, 60), allow_redirects=True)
        return r.status_code == 200
    return os.path.exists(uri)


def error_code(e: BaseException) -> str | None:
    """The S3 error code of a botocore error (``NoSuchKey``, ``AccessDenied``, ...), None for any other error."""
    response = getattr(e, "response", None)
    return response.get("Error", {}).get("Code") if isinstance(response, dict) else None


def is_not_found(e: BaseException) -> bool:
    """Whether an error of a read says that the object is not there (locally or on S3)."""
    return isinstance(e, FileNotFoundError) or error_code(e) in ("404", "NoSuchKey", "NotFound")


def list_files(prefix: str, suffix: str = "", start_after: str | None = None, stop_at: str | None = None) -> list[str]:
    """All files below ``prefix`` (recursively), sorted, as full URIs; temporaries excluded. On S3, ``start_after``
    and ``stop_at`` (URIs below ``prefix``) bound the listing to a key range, so that several threads can list
    one large prefix side by side; locally they only filter."""
    out: list[str] = []
    if is_s3(prefix):
        bucket, key = _split_s3(prefix)
        key = key.rstrip("/") + "/" if key else ""
        paginator = _s3_client().get_paginator("list_objects_v2")
        extra = {"StartAfter": _split_s3(start_after)[1]} if start_after else {}
        stop = _split_s3(stop_at)[1] if stop_at else None
        for page in paginator.paginate(Bucket=bucket, Prefix=key, **extra):
            keys = [obj["Key"] for obj in page.get("Contents", [])]
            out += [f"{S3}{bucket}/{k}" for k in keys if stop is None or k < stop]
            if stop is not None and keys and keys[-1] >= stop:
                break
    elif os.path.isdir(prefix):
        for root, _dirs, files in os.walk(prefix):
            for name in files:
                out.append(os.path.join(root, name))
    if not is_s3(prefix) and (start_after or stop_at):
        out = [u for u in out if (not start_after or u > start_after) and (not stop_at or u < stop_at)]
    return sorted(u for u in out if u.endswith(suffix) and ".tmp-" not in u)


def delete(uri: str) -> None:
    if is_s3(uri):
        bucket, key = _split_s3(uri)
        _s3_client().delete_object(Bucket=bucket, Key=key)
    elif os.path.exists(uri):
        os.remove(uri)


class StoreError(RuntimeError):
    """A store that no retry can make usable: no such bucket, access denied, bad or missing credentials."""


def check_writable(prefix: str) -> None:
    """Write, read back and delete a small probe under ``prefix``, or raise StoreError naming the store and the
    error: a run checks its output this way before any work, so a wrong bucket costs seconds, not a snapshot's CPU."""
    probe = join(prefix, "_work", f".write-probe-{os.getpid()}-{time.monotonic_ns()}")
    try:
        if is_s3(prefix):
            from botocore.exceptions import BotoCoreError, ClientError

            bucket, key = _split_s3(probe)
            try:
                _s3_client().put_object(Bucket=bucket, Key=key, Body=b"probe")
                _s3_client().delete_object(Bucket=bucket, Key=key)
            except ClientError as e:
                err = e.response.get("Error", {})
                raise StoreError(f"output s3://{bucket}/ is not writable: {err.get('Code', '?')}: "
                                 f"{err.get('Message') or e}") from None
            except BotoCoreError as e:  # no credentials, unreachable endpoint
                raise StoreError(f"output s3://{bucket}/ is not usable: {type(e).__name__}: {e}") from None
        else:
            write_text(probe, "probe")
            delete(probe)
    except OSError as e:
        raise StoreError(f"output {prefix} is not writable: {e.strerror or e}") from None


def delete_prefix(prefix: str) -> None:
    for uri in list_files(prefix):
        delete(uri)
    if not is_s3(prefix) and os.path.isdir(prefix):
        shutil.rmtree(prefix, ignore_errors=True)


def sweep_temporaries(prefix: str) -> int:
    """Remove what killed writers left below ``prefix``: local ``*.tmp-*`` files (a SIGKILLed
    process never reaches its cleanup) and, on S3, unfinished multipart uploads (invisible, but
    billed). Only safe when no writer is active there, e.g. at the end of a run. Returns the count."""
    n = 0
    if is_s3(prefix):
        bucket, key = _split_s3(prefix)
        key = key.rstrip("/") + "/" if key else ""
        for page in _s3_client().get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=key):
            for up in page.get("Uploads", []):
                _s3_client().abort_multipart_upload(Bucket=bucket, Key=up["Key"], UploadId=up["UploadId"])
                n += 1
        return n
    for root, _dirs, files in os.walk(prefix):
        for name in files:
            if ".tmp-" in name:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(os.path.join(root, name))
                    n += 1
    return n


def write_parquet(uri: str, table, **kwargs) -> None:
    import pyarrow.parquet as pq

    with atomic_writer(uri) as f:
        pq.write_table(table, f, **kwargs)


@contextlib.contextmanager
def parquet_writer(uri: str, schema) -> Iterator:
    """A ``pyarrow.parquet.ParquetWriter`` whose file appears under ``uri`` only once the block succeeds, so a
    part can be written a row group at a time and still be atomic."""
    import pyarrow.parquet as pq

    with atomic_writer(uri) as f:
        writer = pq.ParquetWriter(f, schema)
        try:
            yield writer
        finally:
            writer.close()


def read_parquet(uri: str, columns: list[str] | None = None):
    import pyarrow.parquet as pq

    if is_s3(uri):
        return pq.read_table(io.BytesIO(read_bytes(uri)), columns=columns)
    return pq.read_table(uri, columns=columns)


class _S3RangeReader(io.RawIOBase):
    """A seekable read-only file over an S3 object: each read is one ranged GET (with the retries
    of `_s3_get`), so a Parquet reader fetches only the footer and the row groups it needs. The
    first GET asks for the object's last `TAIL` bytes: the size comes with them (Content-Range),
    and so does the footer, which every Parquet reader reads first."""

    TAIL = 1 << 16

    def __init__(self, uri: str):
        self.bucket, self.key = _split_s3(uri)
        tail, resp = _s3_get(self.bucket, self.key, f"bytes=-{self.TAIL}")
        # a store that ignores Range answers 200 with the whole object and no Content-Range
        self.size = int(resp["ContentRange"].rpartition("/")[2]) if resp.get("ContentRange") else len(tail)
        self.tail, self.tail_start = tail, self.size - len(tail)
        self.pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.pos = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence] + offset
        return self.pos

    def readinto(self, buf) -> int:
        n = max(0, min(len(buf), self.size - self.pos))
        if not n:
            return 0
        if self.pos >= self.tail_start:
            data = self.tail[self.pos - self.tail_start:self.pos - self.tail_start + n]
        else:
            data = _s3_get(self.bucket, self.key, f"bytes={self.pos}-{self.pos + n - 1}")[0]
        buf[:n] = data
        self.pos += n
        return n


@contextlib.contextmanager
def open_parquet(uri: str):
    """A `pyarrow.parquet.ParquetFile` for reading parts of a file (e.g. one row group); on S3
    through ranged GETs rather than a download of the whole object."""
    import pyarrow.parquet as pq

    with io.BufferedReader(_S3RangeReader(uri), 1 << 20) if is_s3(uri) else open(uri, "rb") as f:
        yield pq.ParquetFile(f)
