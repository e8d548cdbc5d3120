"""The pipeline runs with calibrated configs (a folder in FineWeb2's format) instead of the shipped ones."""
import json
import shutil

import yaml

from filters.config import CONFIG_DIR
from tests.util import SAMPLE, run_cli


def test_calibrated_config_folder_replaces_the_shipped_config(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(sorted((SAMPLE / "CC-MAIN-SAMPLE").glob("*.warc.gz"))[0], inp / "shard.warc.gz")
    calibrated = tmp_path / "calibrated"
    calibrated.mkdir()
    spa = yaml.safe_load((CONFIG_DIR / "spa_Latn.yml").read_text())
    spa["max_non_alpha_words_ratio"] = 0.9999  # a (deliberately) strict calibrated value
    (calibrated / "spa_Latn.yml").write_text(yaml.safe_dump(spa))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"filter_configs: {calibrated}\n")
    shipped, custom = tmp_path / "shipped", tmp_path / "custom"
    assert run_cli("--input", str(inp), "--output", str(shipped), "--languages", "spa_Latn", "deu_Latn").returncode == 0
    proc = run_cli("--input", str(inp), "--output", str(custom), "--languages", "spa_Latn", "deu_Latn", "--config", str(cfg))
    assert proc.returncode == 0, proc.stderr[-3000:]
    a, b = (json.loads((d / "stats.json").read_text())["languages"] for d in (shipped, custom))
    assert a["spa_Latn"]["train_docs"] > 0 and b["spa_Latn"]["train_docs"] + b["spa_Latn"]["test_docs"] == 0
    assert b["spa_Latn"]["filter_reasons"].get("gopher_below_alpha_threshold", 0) > a["spa_Latn"]["filter_reasons"].get(
        "gopher_below_alpha_threshold", 0)
    assert b["spa_Latn"]["filter_config"] == "calibrated" and a["spa_Latn"]["filter_config"] == "fineweb2"
    assert a["deu_Latn"] == b["deu_Latn"]  # other languages keep FineWeb2's shipped config
