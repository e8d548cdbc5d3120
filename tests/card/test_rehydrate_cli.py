"""`curate rehydrate` on a real sample output: upsampled copy and weights column."""
import json
import subprocess
import sys
from collections import Counter

import pyarrow.parquet as pq
import pytest

from curate.report.rehydrate import copies
from tests.util import ROOT


def _run(*args):
    p = subprocess.run([sys.executable, "-m", "curate.run.cli", "rehydrate", *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr[-3000:]
    return p


@pytest.mark.parametrize("max_reps", [3, 10])
def test_upsampled_copy_repeats_each_train_document_by_its_weight(sample_run, tmp_path, max_reps):
    out, dst = sample_run[0], tmp_path / "rehydrated"
    _run(out, "--max-reps", max_reps, "--out", dst)
    w = {l: {int(s): c for s, c in v.items()} for l, v in json.loads((dst / "weights.json").read_text()).items()}
    assert max(c for v in w.values() for c in v.values()) <= max_reps
    grew = 0
    for src in sorted(out.glob("data/*/train/*.parquet")):
        lang = src.parts[-3]
        if lang.endswith("_removed"):
            assert not (dst / src.relative_to(out)).exists()  # removed documents are not training data
            continue
        orig = pq.read_table(src, columns=["id", "minhash_cluster_size"]).to_pylist()
        got = Counter(pq.read_table(dst / src.relative_to(out), columns=["id"]).column("id").to_pylist())
        assert got == {r["id"]: copies(w[lang], r["minhash_cluster_size"]) for r in orig}
        grew += sum(got.values()) - len(orig)
    assert grew > 0  # the sample's planted duplicates make clusters of size > 1
    assert not list(dst.glob("data/*/test/*.parquet"))  # test splits stay one copy per document


def test_weights_column_keeps_rows_once(sample_run, tmp_path):
    out, dst = sample_run[0], tmp_path / "col"
    _run(out, "--max-reps", 5, "--out", dst, "--weights-column")
    w = {l: {int(s): c for s, c in v.items()} for l, v in json.loads((dst / "weights.json").read_text()).items()}
    for src in sorted(out.glob("data/*/train/*.parquet")):
        if src.parts[-3].endswith("_removed"):
            continue
        t = pq.read_table(dst / src.relative_to(out))
        assert t.num_rows == pq.read_metadata(src).num_rows
        assert t.column("rehydration_weight").to_pylist() == [
            copies(w[src.parts[-3]], s) for s in t.column("minhash_cluster_size").to_pylist()]
