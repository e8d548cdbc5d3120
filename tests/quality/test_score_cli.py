"""`curate score` on a real pipeline output (the bundled sample) with a fastText classifier trained here:
every language keeps exactly ceil(10 %) of its documents, the rest are in `_removed` with the model's
reason and score, the card says so, and a second run scores nothing again and leaves the same files."""
import json
import math
import shutil

import pyarrow.parquet as pq

from curate.patches import fasttext_training

from tests.util import run_curate


def _files(out):
    return {p.relative_to(out): p.read_bytes() for p in (out / "data").rglob("*.parquet")}


def test_score_selects_the_top_decile_of_each_language(sample_run, tmp_path):
    base = sample_run[0]
    out = tmp_path / "out"
    shutil.copytree(base, out)
    texts = [t.replace("\n", " ") for p in (out / "data").glob("*/train/*.parquet") if "_removed" not in str(p)
             for t in pq.read_table(p, columns=["text"]).column("text").to_pylist()]
    (tmp_path / "train.txt").write_text("\n".join(f"__label__{'hq' if len(t) > 2000 else 'cc'} {t}" for t in texts) + "\n")
    fasttext_training.train_supervised(str(tmp_path / "train.txt"), epoch=5, lr=0.1, thread=1,
                                       verbose=0).save_model(str(tmp_path / "m.bin"))
    before = {p.parent.parent.name: 0 for p in (out / "data").glob("*/*/*.parquet") if "_removed" not in str(p)}
    for p in (out / "data").glob("*/*/*.parquet"):
        if "_removed" not in str(p):
            before[p.parent.parent.name] += pq.read_metadata(p).num_rows
    args = ["score", str(out), "--model", f"name=longdoc,kind=fasttext,source={tmp_path / 'm.bin'},label=hq",
            "--select", "top:10", "--num-cpus", "2", "--ray-address", "local"]
    proc = run_curate(*args)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads((out / "quality" / "summary.json").read_text())
    for lang, n in before.items():
        kept = sum(pq.read_metadata(p).num_rows for p in (out / "data" / lang).glob("*/*.parquet"))
        assert kept == math.ceil(0.1 * n) == summary["languages"][lang]["kept"], lang
        removed = [pq.read_table(p) for p in (out / "data" / f"{lang}_removed" / "train").glob("quality_*.parquet")]
        assert sum(t.num_rows for t in removed) == n - kept
        assert all(set(t.column("filter_reason").to_pylist()) == {"quality_model:longdoc"} for t in removed)
    stats = json.loads((out / "stats.json").read_text())
    assert stats["quality"]["select"] == {"rule": "top:10", "model": "longdoc"}
    card = (out / "README.md").read_text()
    assert "## Model-based quality" in card and "keep the top 10% of each language by `longdoc`" in card
    assert (out / "card_quality.png").stat().st_size > 1000
    files = _files(out)
    again = run_curate(*args)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 to score" in again.stderr and _files(out) == files
