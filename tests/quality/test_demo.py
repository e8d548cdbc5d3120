"""The quick start as a new user types it (`python pipelines/fineweb2.py`, no arguments) runs the bundled
sample through the quality step with the demonstration model: every released document carries its score,
nothing is cut (scores only), the card names the model as a demonstration with its hash, and that hash is
the model the project trains from its shipped data, byte for byte, on every run."""
import hashlib
import json
import os
import subprocess
import sys

import pyarrow.parquet as pq

from quality import demo
from tests.util import ROOT


def test_quick_start_scores_the_sample_with_the_demonstration_model(tmp_path):
    env = {**os.environ, "RAY_DEDUP_LOGS": "0"}
    proc = subprocess.run([sys.executable, str(ROOT / "pipelines" / "fineweb2.py")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-5000:]
    out = tmp_path / "output"
    stats = json.loads((out / "stats.json").read_text())
    q = stats["quality"]
    [model] = q["models"]
    assert model["name"] == "demo" and model["demo"] is True and q["select"]["rule"] is None
    assert hashlib.sha256(demo.train()[0]).hexdigest().startswith(model["sha256"])  # deterministic training

    released = [p for p in (out / "data").glob("*/*/*.parquet") if "_removed" not in p.parent.parent.name]
    rows = sum(pq.read_metadata(p).num_rows for p in released)
    kept = sum(d["train_docs"] + d["test_docs"] for d in stats["languages"].values())
    assert rows == kept == sum(d["scored"] for d in q["languages"].values()) > 100
    scores = [s for p in released for s in pq.read_table(p, columns=["quality_demo"]).column(0).to_pylist()]
    assert len(scores) == rows and all(0.0 <= s <= 1.0 for s in scores)
    assert not list((out / "data").glob("*_removed/train/quality_*.parquet"))  # scores only: nothing moved

    card = (out / "README.md").read_text()
    assert "**demonstration model**" in card and model["sha256"] in card
    assert (out / "card_quality.png").stat().st_size > 1000
