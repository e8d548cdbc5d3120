"""A fastText quality classifier trained here on real text scores documents the same in any batch, and
selection keeps exactly the top X % of a language over all its files, moving the rest to `_removed`
with their scores; selecting again (after a kill, or a re-cut) starts from the same documents."""
import math

import numpy as np
import pyarrow as pa
import pytest

from curate.patches import fasttext_training
from curate.stages import quality as stage
from curate.store import storage
from curate.store.schema import OUTPUT_SCHEMA
from quality import SpecError, load_scorer, parse

GOOD = ["The committee published its annual report on regional water quality and the measures taken.",
        "Researchers describe a new method for measuring soil moisture across large agricultural areas.",
        "The museum opens a permanent exhibition on the history of printing and the book trade."]
BAD = ["click here buy now cheap cheap cheap best price login register",
       "free download crack keygen full version click here now",
       "casino bonus win win win click subscribe like share"]


@pytest.fixture(scope="module")
def ft_model(tmp_path_factory):
    d = tmp_path_factory.mktemp("ft")
    lines = [f"__label__hq {t}" for t in GOOD * 20] + [f"__label__cc {t}" for t in BAD * 20]
    (d / "train.txt").write_text("\n".join(lines) + "\n")
    m = fasttext_training.train_supervised(str(d / "train.txt"), epoch=10, lr=0.1, thread=1, verbose=0)
    m.save_model(str(d / "model.bin"))
    return d / "model.bin"


def test_spec_errors_name_the_field(ft_model):
    with pytest.raises(SpecError, match="needs `label`"):
        parse(f"name=dclm,kind=fasttext,source={ft_model}")
    with pytest.raises(SpecError, match="name 'Bad-Name'"):
        parse(f"name=Bad-Name,kind=fasttext,source={ft_model},label=hq")
    with pytest.raises(SpecError, match="unknown quality model keys"):
        parse(f"name=a,kind=fasttext,source={ft_model},label=hq,colour=red")


def test_scores_do_not_depend_on_the_batch(ft_model):
    s = load_scorer(parse(f"name=dclm,kind=fasttext,source={ft_model},label=hq"))
    texts = GOOD + BAD
    together = s.score(texts)
    alone = np.concatenate([s.score([t]) for t in texts])
    assert np.array_equal(together, alone)
    assert together[:3].min() > 0.5 > together[3:].max()  # the good texts score high, the spam low


def test_a_corrupt_model_names_its_file(tmp_path):
    bad = tmp_path / "broken.bin"
    bad.write_bytes(b"not a fasttext model")
    with pytest.raises(ValueError, match="broken.bin"):
        load_scorer(parse(f"name=broken,kind=fasttext,source={bad},label=hq"))
    with pytest.raises(FileNotFoundError, match="missing.bin"):
        load_scorer(parse(f"name=missing,kind=fasttext,source={tmp_path / 'missing.bin'},label=hq"))


def test_top_cutoff_is_exact_over_the_whole_language():
    rng = np.random.default_rng(0)
    scores = np.round(rng.random(1000), 2).astype(np.float32)  # many ties
    keys = rng.permutation(1000).astype(np.int64)
    for pct in (10, 33.3, 100):
        cut = stage.top_cutoff(scores, keys, pct)
        kept = stage.keep_mask(scores, keys, f"top:{pct}", cut)
        assert kept.sum() == math.ceil(pct / 100 * 1000)
        assert scores[kept].min() >= scores[~kept].max() if (~kept).any() else True
        # split into two "workers" by file: the same documents are kept
        halves = [stage.keep_mask(scores[p], keys[p], f"top:{pct}", cut) for p in (slice(0, 400), slice(400, None))]
        assert np.array_equal(np.concatenate(halves), kept)


def _data_file(out, lang, texts):
    rows = [{"text": t, "id": f"<urn:uuid:{lang}-{i}>", "dump": "CC-MAIN-SAMPLE", "url": f"https://x/{i}", "date": "2024",
             "file_path": "s", "language": lang[:3], "language_score": 0.9, "language_script": lang[4:],
             "minhash_cluster_size": 1, "top_langs": "{}", "warc_record_offset": i} for i, t in enumerate(texts)]
    uri = str(out / "data" / lang / "train" / "000_00000.parquet")
    storage.write_parquet(uri, pa.Table.from_pylist(rows, schema=OUTPUT_SCHEMA))
    return uri


def test_select_keeps_the_top_and_a_recut_restores(ft_model, tmp_path):
    s = load_scorer(parse(f"name=dclm,kind=fasttext,source={ft_model},label=hq"))
    data = _data_file(tmp_path, "eng_Latn", GOOD + BAD)
    side = str(tmp_path / "scores.parquet")
    stage.score_file(data, side, [s])
    sc = storage.read_parquet(side)
    scores, keys = sc.column("quality_dclm").to_numpy(), sc.column("doc_key").to_numpy()
    cut = stage.top_cutoff(scores, keys, 50)
    r = stage.select_file(data, side, "eng_Latn", "quality_dclm", "top:50", cut, "t1")
    kept = storage.read_parquet(data)
    removed = storage.read_parquet(stage.removed_sibling(data))
    assert (r["kept"], r["removed"]) == (3, 3) and sorted(kept.column("text").to_pylist()) == sorted(GOOD)
    assert set(removed.column("filter_reason").to_pylist()) == {"quality_model:dclm"}
    assert removed.column("quality_dclm").to_numpy().max() < kept.column("quality_dclm").to_numpy().min()
    again = stage.select_file(data, side, "eng_Latn", "quality_dclm", "top:50", cut, "t1")  # as after a kill
    assert again == r and storage.read_parquet(data).equals(kept)
    stage.select_file(data, side, "eng_Latn", None, None, None, "t2")  # re-cut to scores only: all back, in order
    assert storage.read_parquet(data).column("text").to_pylist() == GOOD + BAD
    assert not storage.exists(stage.removed_sibling(data))


def test_train_quality_writes_a_model_that_scores(tmp_path):
    import json as _json

    from quality.train import main

    rows = [{"text": f"{t} {i}", "label": "hq"} for i, t in enumerate(GOOD * 15)] + \
           [{"text": f"{t} {i}", "label": "cc"} for i, t in enumerate(BAD * 15)]
    data = tmp_path / "labelled.jsonl"
    data.write_text("\n".join(_json.dumps(r) for r in rows))
    out = tmp_path / "model"
    assert main([str(data), "--kind", "fasttext", "--out", str(out), "--name", "mine", "--label-column", "label",
                 "--positive", "hq"]) == 0
    figures = _json.loads((out / "figures.json").read_text())["figures"]
    assert figures["held_out"] > 0 and figures["accuracy"] >= 0.9
    s = load_scorer(parse(str(out)))  # the folder's quality.yaml
    assert s.spec.name == "mine" and s.score(GOOD).min() > s.score(BAD).max()
    assert main([str(data), "--kind", "fasttext", "--out", str(out), "--name", "mine", "--score-column", "label"]) == 2
