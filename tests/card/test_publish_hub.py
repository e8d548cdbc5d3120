"""`curate publish` against a local fake of the Hub HTTP API (HF_ENDPOINT): what arrives, resume, refusal, token."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.card.fake_hub import FakeHub
from tests.util import ROOT

TOKEN = "hf_test_Tok3nThatMustNeverBePrinted"


@pytest.fixture
def output(sample_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(sample_run[0], out)
    return out


@pytest.fixture
def hub():
    with FakeHub(TOKEN) as h:
        yield h


def publish(hub, output, *args, token=TOKEN):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=hub.url, HF_HOME=str(output.parent / "hf_home"), HF_HUB_DISABLE_PROGRESS_BARS="1",
               HF_HUB_DISABLE_XET="1")  # the fake speaks the LFS protocol, not Xet's separate storage service
    if token:
        env["HF_TOKEN"] = token
    p = subprocess.run([sys.executable, "-m", "curate.run.cli", "publish", str(output), *args], capture_output=True,
                       text=True, env=env, cwd=ROOT, timeout=600)
    assert TOKEN not in p.stdout + p.stderr
    return p


def expected_files(output):
    names = [p for p in output.rglob("*") if p.is_file()]
    return {str(p.relative_to(output)): p.read_bytes() for p in names
            if p.match("data/*/*/*.parquet") or p.name in ("README.md", "rehydration_weights.json")
            or (p.parent == output and p.suffix == ".png")}


def test_publish_uploads_data_card_and_pictures_in_bounded_commits(hub, output):
    p = publish(hub, output, "--repo-id", "org/fw2-sample", "--private", "--max-commit-files", "10")
    assert p.returncode == 0, p.stderr[-3000:]
    repo = hub.repos["org/fw2-sample"]
    assert repo.private
    files = hub.files("org/fw2-sample")
    assert files == expected_files(output)  # byte for byte; no _work/, stats.json or run.json
    assert all(len(c["paths"]) <= 10 for c in repo.commits) and len(repo.commits) >= 5
    assert "README.md" in repo.commits[-1]["paths"]  # the card comes after its data
    assert hub.validated and all(hub.validated)  # the Hub-side metadata check of README.md passed
    assert 'load_dataset("org/fw2-sample", name=' in files["README.md"].decode()
    assert hub.unauthorized == 0


def test_interrupted_publish_resumes_without_reuploading(hub, output):
    hub.fail_commits_after = 2
    p = publish(hub, output, "--repo-id", "org/ds", "--max-commit-files", "10")
    assert p.returncode == 1 and "re-run to resume" in p.stderr
    first = set(hub.files("org/ds"))
    assert len(first) == 20
    puts_before = len(hub.lfs_puts)
    hub.fail_commits_after = None
    p = publish(hub, output, "--repo-id", "org/ds", "--max-commit-files", "10")
    assert p.returncode == 0, p.stderr[-3000:]
    assert hub.files("org/ds") == expected_files(output)
    later = [path for c in hub.repos["org/ds"].commits[2:] for path in c["paths"]]
    assert not first & set(later)  # committed files are skipped, not sent again
    assert len(set(hub.lfs_puts)) == len(hub.lfs_puts) >= puts_before
    p = publish(hub, output, "--repo-id", "org/ds")
    assert p.returncode == 0 and "0 to upload" in p.stderr


def test_revision_goes_to_its_branch(hub, output):
    p = publish(hub, output, "--repo-id", "org/ds", "--revision", "snapshot-2024-10")
    assert p.returncode == 0, p.stderr[-3000:]
    assert hub.files("org/ds", "snapshot-2024-10") == expected_files(output)
    assert hub.files("org/ds", "main") == {}


def test_refuses_a_run_with_failed_shards_unless_told(hub, output):
    stats = json.loads((output / "stats.json").read_text())
    stats["shards"]["failed"] = ["CC-MAIN-SAMPLE-00002-b4d2a388"]
    (output / "stats.json").write_text(json.dumps(stats))
    p = publish(hub, output, "--repo-id", "org/ds")
    assert p.returncode == 1 and "--allow-failed-shards" in p.stderr
    assert hub.requests == [] and hub.repos == {}
    p = publish(hub, output, "--repo-id", "org/ds", "--allow-failed-shards")
    assert p.returncode == 0, p.stderr[-3000:]
    assert "1 failed: CC-MAIN-SAMPLE-00002-b4d2a388" in hub.files("org/ds")["README.md"].decode()


def test_without_credentials_it_fails_cleanly(hub, output):
    p = publish(hub, output, "--repo-id", "org/ds", token=None)
    assert p.returncode == 1 and "error: the Hub refused" in p.stderr and "Traceback" not in p.stderr
    assert hub.repos == {}
