"""`curate calibrate` on a pipeline output of the bundled sample (slow: runs the pipeline once)."""
import json

import pyarrow.parquet as pq
import pytest

from filters.calibrate import lid_threshold, main

from .conftest import DATA


@pytest.mark.slow
def test_calibrate_on_the_sample_pipeline_output(sample_run, tmp_path):
    out, _proc, _cfg = sample_run
    parts = sorted((out / "_work" / "shards").glob("*/fra_Latn.parquet"))
    assert parts
    scores = [s for p in parts for s in pq.read_table(p, columns=["language_score"]).column(0).to_pylist()]
    rc = main(["--reference", str(DATA / "lingua_fr.jsonl"), "--cc", str(out), "--language", "fra_Latn",
               "--english-reference", str(DATA / "eng_Latn_reference.jsonl"), "--english-cc", str(DATA / "eng_Latn_cc.jsonl"),
               "--out", str(tmp_path), "--quiet"])
    assert rc == 0
    report = json.loads((tmp_path / "calibration_reports" / "fra_Latn.json").read_text())
    assert report["inputs"]["cc_docs"] == len(scores) > 10  # every staged French doc, before the LID threshold
    assert report["config"]["language_score"] == round(lid_threshold(scores), 3)
    assert 0.3 <= report["config"]["language_score"] <= 0.9
