"""A shard that keeps failing is quarantined with its error; the job finishes the rest and exits non-zero."""
import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.util import ROOT, run_cli

DATA = Path(__file__).parent / "data"


def test_failing_shard_is_quarantined_and_reported(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(DATA / "resiliparse_CC-MAIN-2020-34_excerpt.warc.gz", inp / "good.warc.gz")
    os.symlink(tmp_path / "vanished.warc.gz", inp / "broken.warc.gz")  # listed, but unreadable
    out = tmp_path / "out"
    proc = run_cli("--input", str(inp), "--output", str(out))
    assert proc.returncode == 1
    assert "broken.warc.gz" in proc.stderr and "FAILED" in proc.stderr
    stats = json.loads((out / "stats.json").read_text())
    assert stats["shards"]["committed"] == 1 and stats["shards"]["failed"] == [str(inp / "broken.warc.gz")]
    assert list((out / "data").glob("cmn_Hani/train/*.parquet"))  # the good shard's documents are there
    status = subprocess.run(["curate", "status", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert status.returncode == 1
    assert "FAILED" in status.stdout and "broken.warc.gz" in status.stdout and "FileNotFoundError" in status.stdout
