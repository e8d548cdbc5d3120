"""`curate cron` on a fake Common Crawl (loopback HTTP): processes new snapshots oldest first,
records its state in the output store, is idempotent, and of two overlapping runs only one works."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.production.ccmirror import CCMirror
from tests.util import ROOT

pytestmark = pytest.mark.slow


def _cron(mirror, out, *extra):
    cmd = [sys.executable, "-m", "curate.run.cli", "cron", "--output", str(out), "--collinfo", f"{mirror.url}/collinfo.json",
           "--cc-base-url", mirror.url, "--ray-address", "local", "--num-cpus", "2", *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "RAY_DEDUP_LOGS": "0"})


def _wait(p):
    out, err = p.communicate(timeout=1800)
    return p.returncode, err


@pytest.fixture
def mirror(tmp_path):
    m = CCMirror(tmp_path / "cc")
    yield m
    m.stop()


def test_cron_processes_new_snapshots_once_even_when_runs_overlap(mirror, tmp_path):
    out = tmp_path / "out"
    rc, err = _wait(_cron(mirror, out, "--limit-snapshots", "1"))
    assert rc == 0, err[-4000:]
    state = json.loads((out / "_cron" / "state.json").read_text())
    assert {s: v["status"] for s, v in state["snapshots"].items()} == {"CC-MAIN-2099-01": "done"}
    first_stats = (out / "snapshots" / "CC-MAIN-2099-01" / "stats.json").read_bytes()
    assert json.loads(first_stats)["snapshot"] == "CC-MAIN-2099-01"

    # two overlapping runs: exactly one takes the lease and processes the remaining snapshot
    a, b = _cron(mirror, out), _cron(mirror, out)
    (rc_a, err_a), (rc_b, err_b) = _wait(a), _wait(b)
    assert rc_a == 0 and rc_b == 0, err_a[-3000:] + err_b[-3000:]
    assert sum("another run holds the lease" in e for e in (err_a, err_b)) == 1, err_a[-2000:] + err_b[-2000:]
    assert sum("1 to process: CC-MAIN-2099-05" in e for e in (err_a, err_b)) == 1
    state = json.loads((out / "_cron" / "state.json").read_text())
    assert {s: v["status"] for s, v in state["snapshots"].items()} == {"CC-MAIN-2099-01": "done", "CC-MAIN-2099-05": "done"}
    assert (out / "snapshots" / "CC-MAIN-2099-01" / "stats.json").read_bytes() == first_stats  # not redone
    card = (out / "README.md").read_text()
    assert "CC-MAIN-2099-01" in card and "CC-MAIN-2099-05" in card
    assert not (out / "_cron" / "lease.json").exists()  # released
    status = subprocess.run([sys.executable, "-m", "curate.run.cli", "status", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert status.returncode == 0 and "CC-MAIN-2099-01: done" in status.stdout and "CC-MAIN-2099-05: done" in status.stdout

    # nothing new: an idempotent no-op (Ray is not even started)
    rc, err = _wait(_cron(mirror, out))
    assert rc == 0 and "0 to process" in err and "Ray:" not in err

    # a lease left by a crashed run blocks until it expires, then is taken over
    lease = out / "_cron" / "lease.json"
    lease.write_text(json.dumps({"owner": "crashed-host:1", "token": "x", "expires_at": time.time() + 3600}))
    rc, err = _wait(_cron(mirror, out))
    assert rc == 0 and "another run holds the lease (crashed-host:1" in err
    lease.write_text(json.dumps({"owner": "crashed-host:1", "token": "x", "expires_at": time.time() - 1}))
    rc, err = _wait(_cron(mirror, out))
    assert rc == 0 and "0 to process" in err and not lease.exists()


def test_cron_publishes_each_new_snapshot_to_its_branch(mirror, tmp_path):
    from tests.card.fake_hub import FakeHub

    token = "hf_test_cronTokenNeverPrinted"
    with FakeHub(token) as hub:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
        env.update(HF_ENDPOINT=hub.url, HF_HOME=str(tmp_path / "hf_home"), HF_HUB_DISABLE_PROGRESS_BARS="1",
                   HF_HUB_DISABLE_XET="1", HF_TOKEN=token, RAY_DEDUP_LOGS="0")
        out = tmp_path / "out"
        cmd = [sys.executable, "-m", "curate.run.cli", "cron", "--output", str(out), "--collinfo", f"{mirror.url}/collinfo.json",
               "--cc-base-url", mirror.url, "--ray-address", "local", "--num-cpus", "2", "--limit-snapshots", "1",
               "--publish-repo-id", "org/fw2-cron"]
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=1800)
        assert p.returncode == 0, p.stderr[-4000:]
        assert token not in p.stdout + p.stderr
        files = hub.files("org/fw2-cron", branch="CC-MAIN-2099-01")
        snap = out / "snapshots" / "CC-MAIN-2099-01"
        assert files["README.md"] == (snap / "README.md").read_bytes()
        local = {str(f.relative_to(snap)) for f in snap.glob("data/*/*/*.parquet")}
        assert local and local <= set(files)
