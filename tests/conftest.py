import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "curate" / "sample"


def run_cli(*args, timeout=1800):
    """Run the user's command (`python pipelines/fineweb2.py ...`) on a fresh local Ray instance."""
    cmd = [sys.executable, str(ROOT / "pipelines" / "fineweb2.py"), "--ray-address", "local", "--num-cpus", "2", *args]
    env = {**os.environ, "RAY_DEDUP_LOGS": "0"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)


@pytest.fixture(scope="session")
def manifest():
    return [json.loads(line) for line in (SAMPLE / "MANIFEST.jsonl").read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """One full pipeline run on the bundled sample (small dedup partitions to exercise the shuffle)."""
    out = tmp_path_factory.mktemp("sample_run") / "out"
    cfg = out.parent / "config.yaml"
    cfg.write_text("dedup_docs_per_partition: 8\nparts_per_finalize_task: 2\n")
    proc = run_cli("--output", str(out), "--config", str(cfg))
    assert proc.returncode == 0, proc.stderr[-5000:]
    return out, proc, cfg
