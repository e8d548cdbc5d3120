"""The cron lease against a real S3-protocol server (conditional writes) and a local folder
(flock): among concurrent contenders exactly one wins; an expired lease is taken over; a holder
that lost its lease learns it on renew and its release leaves the new holder's lease alone."""
from __future__ import annotations

import os
import threading
import time

import pytest

from curate.store.lease import Lease
from tests.production.s3env import CREDS, S3World


@pytest.fixture(scope="module")
def s3_uri():
    w = S3World()
    old = {k: os.environ.get(k) for k in [*CREDS, "CURATE_S3_ENDPOINT_URL"]}
    os.environ.update({**CREDS, "CURATE_S3_ENDPOINT_URL": w.endpoint})
    from curate.store import storage

    storage._s3_client.cache_clear()
    yield "s3://out/lease-test"
    for k, v in old.items():
        os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    storage._s3_client.cache_clear()
    w.stop()


@pytest.fixture(params=["local", "s3"])
def base(request, tmp_path):
    return str(tmp_path / "out") if request.param == "local" else request.getfixturevalue("s3_uri") + f"/{time.time_ns()}"


def test_exactly_one_of_many_concurrent_contenders_wins(base):
    uri = f"{base}/_cron/lease.json"
    leases = [Lease(uri, ttl_s=60) for _ in range(8)]
    won, barrier = [], threading.Barrier(len(leases))

    def go(lease):
        barrier.wait()
        if lease.acquire():
            won.append(lease)

    threads = [threading.Thread(target=go, args=(l,)) for l in leases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
    assert won[0].renew() and not any(l.renew() for l in leases if l is not won[0])
    won[0].release()
    assert Lease(uri, 60).holder() is None and leases[1].acquire()


def test_expired_lease_is_taken_over_and_the_old_holder_learns_it(base):
    uri = f"{base}/_cron/lease.json"
    old = Lease(uri, ttl_s=0.2)
    assert old.acquire()
    time.sleep(0.5)
    new = Lease(uri, ttl_s=60)
    assert new.acquire()
    assert not old.renew()
    old.release()  # must not remove the new holder's lease
    assert new.holder()["token"] == new.token
    new.release()
