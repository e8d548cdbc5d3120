"""End to end through the Ray cluster launcher, as a user runs it on one machine:

    bash infra/setup_local_ssh.sh
    ray up -y infra/local.yaml
    ray submit infra/local.yaml pipelines/fineweb2.py -- --output OUT --limit-shards 2
    ray down -y infra/local.yaml

Needs root (sshd on 127.0.0.1, apt-get for openssh-server/rsync if missing); skipped otherwise.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL_YAML = "infra/local.yaml"
SETUP = ROOT / "infra" / "setup_local_ssh.sh"
# Where the cluster keeps its session dir: setup_local_ssh.sh gives the curate key's SSH
# sessions RAY_TMPDIR=$CURATE_RAY_TMPDIR (default below).
CLUSTER_TMPDIR = os.environ.get("CURATE_RAY_TMPDIR", "/tmp/curate-ray")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env=env, stdin=subprocess.DEVNULL)
    proc.stdout, proc.stderr = ANSI.sub("", proc.stdout), ANSI.sub("", proc.stderr)
    return proc


def tail(proc: subprocess.CompletedProcess, n: int = 6000) -> str:
    return f"exit {proc.returncode}\n--- stdout ---\n{proc.stdout[-n:]}\n--- stderr ---\n{proc.stderr[-n:]}"


def ray_cli() -> str:
    ray = Path(sys.executable).with_name("ray")
    return str(ray) if ray.exists() else (shutil.which("ray") or "ray")


def _cluster_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            args = Path("/proc", entry, "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(CLUSTER_TMPDIR.encode() + b"/" in a for a in args):
            pids.append(int(entry))
    return pids


def kill_leftovers() -> None:
    """Belt and braces after `ray down`: end only processes of THIS cluster (their session dir is
    under CLUSTER_TMPDIR), never other Ray instances on the machine."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = _cluster_pids()
        for pid in pids:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + 10
        while pids and time.monotonic() < deadline:
            time.sleep(0.5)
            pids = _cluster_pids()
        if not pids:
            return


KEY = os.environ.get("CURATE_SSH_KEY", "/root/.ssh/id_curate")


def login_shell_ready() -> str | None:
    """None when the loopback sshd answers with the curate key and its login shell (as the launcher runs
    it) imports ray and curate; else what is missing."""
    if not shutil.which("ssh") or not Path(KEY).is_file():
        return f"no ssh client or no key {KEY}"
    probe = "python -c 'import ray, curate'"
    proc = run(["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=5", "-o", "IdentitiesOnly=yes", "-i", KEY, "root@127.0.0.1",
                f"bash --login -c {probe!r}"], timeout=60)
    return None if proc.returncode == 0 else f"ssh root@127.0.0.1 or its login shell failed: {proc.stderr.strip()[-300:]}"


@pytest.fixture(scope="module")
def local_ssh():
    # CI sets the loopback sshd up (.ci/run) and must run this test for real; elsewhere the README's test
    # command alone skips it, naming the set-up, rather than installing packages and starting a root sshd.
    if os.environ.get("CI") != "true":
        missing = login_shell_ready()
        if missing:
            pytest.skip(f"needs the loopback sshd of infra/local.yaml ({missing}): run `sudo bash infra/setup_local_ssh.sh` "
                        "first (CI does)")
        return
    if os.name != "posix" or os.geteuid() != 0:
        pytest.fail("CI must run as root: infra/setup_local_ssh.sh installs packages and runs sshd on 127.0.0.1")
    proc = run(["bash", str(SETUP)], timeout=900)
    if proc.returncode in (2, 3):
        pytest.skip(f"infra/setup_local_ssh.sh could not prepare ssh (no root / apt unavailable):\n{tail(proc, 1500)}")
    assert proc.returncode == 0, "infra/setup_local_ssh.sh failed:\n" + tail(proc)


def test_ray_up_submit_down(local_ssh, tmp_path):
    ray = ray_cli()
    out = tmp_path / "out"
    try:
        t0 = time.monotonic()
        up = run([ray, "up", "-y", "--no-config-cache", "--disable-usage-stats", LOCAL_YAML], timeout=900)
        print(f"ray up took {time.monotonic() - t0:.1f}s")
        assert up.returncode == 0, "ray up failed:\n" + tail(up)

        t0 = time.monotonic()
        sub = run([ray, "submit", LOCAL_YAML, "pipelines/fineweb2.py", "--",
                   "--output", str(out), "--limit-shards", "2"], timeout=2700)
        print(f"ray submit (pipeline) took {time.monotonic() - t0:.1f}s")
        assert sub.returncode == 0, "ray submit of the pipeline failed:\n" + tail(sub)

        # The output the pipeline promises: dataset card + per-language Parquet with text.
        assert (out / "README.md").is_file(), tail(sub)
        files = sorted(out.glob("data/*/train/*.parquet"))
        assert files, f"no data/*/train/*.parquet under {out}:\n" + tail(sub)
        import pyarrow.parquet as pq

        rows = 0
        for f in files:
            table = pq.read_table(f)
            assert "text" in table.schema.names, f
            rows += table.num_rows
        assert rows > 0

        # ...and it ran ON the cluster `ray up` started, not on a private local Ray instance.
        jobs = run([ray, "submit", LOCAL_YAML, "tests/infra/cluster_jobs.py"], timeout=300)
        assert jobs.returncode == 0, tail(jobs)
        gcs = re.search(r"CURATE_CLUSTER_GCS (\S+)", jobs.stdout)
        assert gcs and gcs.group(1).endswith(":6380"), "helper did not reach the cluster on port 6380:\n" + tail(jobs)
        line = re.search(r"CURATE_CLUSTER_JOBS (.*)", jobs.stdout)
        assert line, tail(jobs)
        entrypoints = json.loads(line.group(1))
        assert any("fineweb2.py" in e and str(out) in e for e in entrypoints), (
            "the pipeline's driver never connected to the `ray up` cluster (it started its own Ray?); "
            f"cluster saw drivers: {entrypoints}")
    finally:
        down = run([ray, "down", "-y", LOCAL_YAML], timeout=600)
        kill_leftovers()
        assert down.returncode == 0, "ray down failed:\n" + tail(down)
