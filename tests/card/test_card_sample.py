"""The card of a real run on the bundled sample: Hub-valid metadata, configs that load, sections, pictures, diff."""
import copy
import json
import re
import shutil
import subprocess
import sys

import pytest
from huggingface_hub import DatasetCard

from curate.config import PipelineConfig
from curate.report.card import write_card
from tests.util import ROOT

SECTIONS = ["What is it?", "Languages and subsets", "How to load", "Processing steps", "Filtering funnel",
            "Deduplication", "Rehydration weights", "Language-ID caveats", "Provenance", "Limitations and biases",
            "License and citation"]


@pytest.fixture(scope="module")
def carded(sample_run, tmp_path_factory):
    """A copy of the sample output after `curate card` (the shared run stays untouched)."""
    out = tmp_path_factory.mktemp("card") / "out"
    shutil.copytree(sample_run[0], out, ignore=shutil.ignore_patterns("_work"))
    proc = subprocess.run([sys.executable, "-m", "curate.run.cli", "card", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def test_front_matter_is_valid_hub_dataset_metadata(carded):
    card = DatasetCard.load(carded / "README.md")
    stats = json.loads((carded / "stats.json").read_text())
    assert card.data.license == "odc-by"
    assert card.data.task_categories == ["text-generation"]
    assert card.data.size_categories == ["n<1K"]  # the sample has a few hundred documents
    assert set(card.data.language) == {l.split("_")[0] for l in stats["languages"]}
    assert all(re.fullmatch(r"[a-z]{3}", code) for code in card.data.language)
    assert card.data.pretty_name


def test_every_config_matches_written_files_and_loads_with_datasets(carded):
    import datasets

    card = DatasetCard.load(carded / "README.md")
    stats = json.loads((carded / "stats.json").read_text())
    written = {str(p.relative_to(carded)) for p in carded.glob("data/**/*.parquet")}
    covered = set()
    for cfg in card.data.configs:
        name = cfg["config_name"]
        for df in cfg["data_files"]:
            matched = {str(p.relative_to(carded)) for p in carded.glob(df["path"])}
            assert matched, f"{name}/{df['split']}: {df['path']} matches no file"
            covered |= matched
        lang, removed = name.removesuffix("_removed"), name.endswith("_removed")
        s = stats["languages"][lang]
        ds = datasets.load_dataset(str(carded), name=name)
        for split, d in ds.items():
            expected = s["removed_docs"] if removed else s[f"{split}_docs"]
            assert d.num_rows == expected, (name, split)
            if removed:
                assert all(d["filter_reason"])
    assert covered == written  # no written subset is missing from the card


def test_card_has_every_section_and_numbers_from_the_run(carded):
    text = (carded / "README.md").read_text()
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == SECTIONS  # first card of this output: no "changes" section
    stats = json.loads((carded / "stats.json").read_text())
    assert stats["config_hash"] in text
    total = sum(s["train_docs"] for s in stats["languages"].values())
    assert f"| **total** | {total:,} |" in text
    assert "lid.176" in text and "0 failed" in text


def test_pictures_exist_next_to_the_card_and_are_real_pngs(carded):
    from PIL import Image

    text = (carded / "README.md").read_text()
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert sorted(links) == ["card_cluster_sizes.png", "card_filter_reasons.png", "card_funnel.png", "card_languages.png"]
    for link in links:
        with Image.open(carded / link) as im:
            assert im.format == "PNG" and im.width >= 600 and im.height >= 300


def test_each_picture_is_drawn_once_and_the_same_as_with_savefigs_extra_draw(carded, monkeypatch):
    import matplotlib.figure

    from curate.report import plots

    stats = json.loads((carded / "stats.json").read_text())
    draws = []
    real_draw = matplotlib.figure.Figure.draw
    monkeypatch.setattr(matplotlib.figure.Figure, "draw", lambda fig, r: (draws.append(fig), real_draw(fig, r))[1])
    fast = {name: getattr(plots, name)(stats) for name in plots.FILES}
    assert len(draws) == len(plots.FILES)
    real_set = matplotlib.figure.Figure.set_layout_engine  # as before: _png's reset ignored, tight_layout's kept
    monkeypatch.setattr(matplotlib.figure.Figure, "set_layout_engine",
                        lambda fig, layout=None, **k: None if layout is None else real_set(fig, layout, **k))
    assert {name: getattr(plots, name)(stats) for name in plots.FILES} == fast  # byte for byte
    assert len(draws) == 3 * len(plots.FILES)


def test_weights_file_has_every_language_and_max_reps(carded):
    tables = json.loads((carded / "rehydration_weights.json").read_text())
    stats = json.loads((carded / "stats.json").read_text())
    assert set(tables) == {f"up_to_{r:02d}_reps" for r in range(3, 11)} | {"method"}
    assert set(tables["up_to_10_reps"]) == {l for l, s in stats["languages"].items() if s["cluster_sizes"]}
    for r in range(3, 11):
        assert max(c for w in tables[f"up_to_{r:02d}_reps"].values() for c in w.values()) <= r


def test_cron_rerun_card_lists_changes_and_rerender_keeps_them(carded, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(carded, out)
    stats = json.loads((out / "stats.json").read_text())
    cfg = PipelineConfig.from_yaml(json.dumps(stats["config"]), output=str(out))
    new = copy.deepcopy(stats)
    gone = sorted(new["languages"])[0]
    del new["languages"][gone]
    new["languages"]["zzz_Latn"] = {**copy.deepcopy(stats["languages"]["fra_Latn"]), "train_docs": 7}
    fr = new["languages"]["fra_Latn"]
    before = fr["train_docs"]
    fr["train_docs"] = before * 2
    write_card(cfg, new)
    text = (out / "README.md").read_text()
    changes = text.split("## Changes since the previous card")[1].split("\n## ")[0]
    assert "Languages added: zzz_Latn" in changes and f"no longer present: {gone}" in changes
    assert f"| fra_Latn | {before:,} -> {2 * before:,} (+100.0%)" in changes
    write_card(cfg, new)  # `curate card` again on the same run: still compared with the run before
    assert changes in (out / "README.md").read_text()
