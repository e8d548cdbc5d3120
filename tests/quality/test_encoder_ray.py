"""An encoder + head scored on Ray: inside the pipeline (two scoring actors) and by `curate score` (one actor)
on the same sample, the scores and the top-30 % selection are the same; `curate score` killed after some files
were scored, then run again, scores only the rest and leaves the same files."""
import glob
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("torch")
pytest.importorskip("transformers")

from tests.production import procs  # noqa: E402
from tests.quality import tiny_encoder  # noqa: E402
from tests.util import ROOT, run_cli, run_curate  # noqa: E402


def _data_files(out) -> dict[str, str]:
    """{path under the output: path} of every data file, `_removed` subsets included."""
    return {os.path.relpath(p, out): p for p in sorted(glob.glob(f"{out}/data/*/*/*.parquet"))}


def _table(path):
    t = pq.read_table(path)
    cols = [c for c in ("id", "quality_tiny", "filter_reason") if c in t.column_names]
    return t.select(cols).to_pydict()


def _same_files(a, b):
    fa, fb = _data_files(a), _data_files(b)
    assert set(fa) == set(fb)
    for rel in fa:
        assert _table(fa[rel]) == _table(fb[rel]), rel


@pytest.fixture(scope="module")
def encoder(sample_run, tmp_path_factory):
    base = sample_run[0]
    corpus = [t for p in _data_files(base).values() for t in pq.read_table(p, columns=["text"]).column(0).to_pylist()]
    d = tiny_encoder.build(tmp_path_factory.mktemp("enc"), corpus, max_positions=80)
    return (f"name=tiny,kind=encoder,source={d},head={d / 'head.safetensors'},head_arch=mlp,pooling=mean,"
            f"max_tokens=64,output=sigmoid,runtime=onnx")


def _score(out, spec, *extra):
    return run_curate("score", str(out), "--model", spec, "--select", "top:30", "--num-cpus", "2",
                      "--ray-address", "local", *extra)


def test_pipeline_and_score_agree_for_one_and_two_actors(sample_run, encoder, tmp_path):
    base, _, cfg = sample_run
    piped = tmp_path / "piped"
    conf = tmp_path / "config.yaml"
    conf.write_text(cfg.read_text() + "quality_actors: 2\n")
    proc = run_cli("--output", str(piped), "--config", str(conf), "--quality-model", encoder, "--quality-select", "top:30")
    assert proc.returncode == 0, proc.stderr[-5000:]
    assert "2 scoring actor(s)" in proc.stdout + proc.stderr

    scored = tmp_path / "scored"
    shutil.copytree(base, scored)
    proc = _score(scored, encoder, "--actors", "1")
    assert proc.returncode == 0, proc.stderr[-5000:]
    assert "1 scoring actor(s)" in proc.stdout + proc.stderr
    _same_files(piped, scored)

    q = json.loads((piped / "stats.json").read_text())["quality"]
    assert q["models"][0]["kind"] == "encoder" and q["models"][0]["head"].endswith("head.safetensors")
    for lang, d in q["languages"].items():
        assert d["kept"] == math.ceil(0.3 * d["scored"]), lang


def test_score_killed_midway_resumes_to_the_same_files(sample_run, encoder, tmp_path):
    base = sample_run[0]
    ref, out = tmp_path / "ref", tmp_path / "killed"
    shutil.copytree(base, ref)
    shutil.copytree(base, out)
    assert _score(ref, encoder, "--actors", "1").returncode == 0
    total = len([p for p in _data_files(base) if "_removed" not in p])

    cmd = [sys.executable, "-m", "curate.run.cli", "score", str(out), "--model", encoder, "--select", "top:30",
           "--num-cpus", "2", "--ray-address", "local", "--actors", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sidecars = lambda: glob.glob(f"{out}/_work/quality/scores/*/**/*.parquet", recursive=True)
    end = time.monotonic() + 300
    while not sidecars() and proc.poll() is None and time.monotonic() < end:
        time.sleep(0.005)
    tree = procs.snapshot_tree(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    procs.kill_tree_leftovers(tree)
    at_kill = len(sidecars())
    assert 0 < at_kill < total, (at_kill, total)  # killed while scoring

    again = _score(out, encoder, "--actors", "1")
    assert again.returncode == 0, again.stderr[-5000:]
    assert f"{at_kill} scored before, {total - at_kill} to score" in again.stdout + again.stderr
    _same_files(out, ref)
