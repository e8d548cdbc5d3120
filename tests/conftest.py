import json

import pytest

from tests.util import SAMPLE, run_cli


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
