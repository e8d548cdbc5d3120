"""A lease (lock with an expiry) stored next to an output, so two overlapping `curate cron` runs
never process the same output at once, and a crashed holder does not block later runs forever.

Every change is a compare-and-swap on the lease object, so exactly one contender wins:
- S3: conditional writes: create with `If-None-Match: *`, take over an expired lease, renew and
  release with `If-Match: <ETag the holder last wrote>` (AWS S3 supports both since 2024; so does
  moto's server the tests use). A store without conditional writes is not safe for `curate cron`.
- local paths: the check-and-write runs under `flock` on a sidecar file. O_EXCL alone could create
  a lease but not take over an expired one without a race; flock is released if its holder dies.
A holder must `renew()` before each unit of work: False means the lease was lost (it expired and
someone else took it), and the holder must stop.
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import uuid

from curate.store import storage


def _s3_get(uri: str) -> tuple[dict, str] | None:
    from botocore.exceptions import ClientError

    bucket, key = storage._split_s3(uri)
    try:
        r = storage._s3_client().get_object(Bucket=bucket, Key=key)
    except ClientError as e:
        if storage.is_not_found(e):
            return None
        raise
    return json.loads(r["Body"].read()), r["ETag"]


def _s3_put(uri: str, body: dict, if_match: str | None) -> str | None:
    """Conditional PUT; the new ETag, or None when the precondition failed (someone else won)."""
    from botocore.exceptions import ClientError

    bucket, key = storage._split_s3(uri)
    cond = {"IfMatch": if_match} if if_match else {"IfNoneMatch": "*"}
    try:
        return storage._s3_client().put_object(Bucket=bucket, Key=key, Body=json.dumps(body).encode(), **cond)["ETag"]
    except ClientError as e:
        if storage.error_code(e) in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
            return None
        raise


@contextlib.contextmanager
def _local_mutex(uri: str):
    import fcntl

    os.makedirs(os.path.dirname(os.path.abspath(uri)), exist_ok=True)
    fd = os.open(uri + ".mutex", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _local_get(uri: str) -> tuple[dict, str] | None:
    try:
        with open(uri, "rb") as f:
            data = json.loads(f.read())
        return data, data["token"]
    except FileNotFoundError:
        return None
    except (ValueError, KeyError):
        return {"expires_at": 0}, ""  # unreadable lease (torn by a crash): treat as expired


class Lease:
    def __init__(self, uri: str, ttl_s: float):
        self.uri, self.ttl_s = uri, ttl_s
        self.token = uuid.uuid4().hex
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.version: str | None = None  # S3 ETag / local token of what we last wrote

    def _body(self) -> dict:
        return {"owner": self.owner, "token": self.token, "expires_at": time.time() + self.ttl_s}

    def holder(self) -> dict | None:
        """The current lease content (who holds it until when), or None."""
        got = _s3_get(self.uri) if storage.is_s3(self.uri) else _local_get(self.uri)
        return got[0] if got else None

    def _swap(self, expect_mine: bool) -> bool:
        """Write our lease if the current one is absent/expired (acquire) or ours (renew)."""
        if storage.is_s3(self.uri):
            cur = _s3_get(self.uri)
            if cur is None:
                etag = None
            elif (expect_mine and cur[0].get("token") == self.token) or (not expect_mine and cur[0].get("expires_at", 0) < time.time()):
                etag = cur[1]
            else:
                return False
            self.version = _s3_put(self.uri, self._body(), etag)
            return self.version is not None
        with _local_mutex(self.uri):
            cur = _local_get(self.uri)
            ok = cur is None or (cur[0].get("token") == self.token if expect_mine else cur[0].get("expires_at", 0) < time.time())
            if ok and (not expect_mine or cur is not None):
                storage.write_text(self.uri, json.dumps(self._body()))
                self.version = self.token
                return True
            return False

    def acquire(self) -> bool:
        return self._swap(expect_mine=False)

    def renew(self) -> bool:
        return self.version is not None and self._swap(expect_mine=True)

    def release(self) -> None:
        if self.version is None:
            return
        if storage.is_s3(self.uri):
            from botocore.exceptions import ClientError

            bucket, key = storage._split_s3(self.uri)
            with contextlib.suppress(ClientError):  # not ours any more: leave it to its holder
                storage._s3_client().delete_object(Bucket=bucket, Key=key, IfMatch=self.version)
        else:
            with _local_mutex(self.uri):
                cur = _local_get(self.uri)
                if cur and cur[0].get("token") == self.token:
                    os.remove(self.uri)
        self.version = None
