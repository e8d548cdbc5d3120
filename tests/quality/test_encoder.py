"""An encoder + head scorer on a tiny XLM-RoBERTa built here and saved in the hub's layout (tokenizer.json,
config.json, model.safetensors, onnx/model.onnx): onnxruntime and torch give the same scores, batching
does not change them, and text past max_tokens does not count."""
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnxruntime")
transformers = pytest.importorskip("transformers")

from quality import load_scorer, parse  # noqa: E402
from tests.quality import tiny_encoder  # noqa: E402

TEXTS = ["the report on water quality was published today", "click here buy now cheap",
         "a new method for measuring soil moisture across large areas of farmland and forest " * 3, "museum"]


@pytest.fixture(scope="module")
def encoder(tmp_path_factory):
    return tiny_encoder.build(tmp_path_factory.mktemp("enc"), TEXTS * 3)


def _spec(d, runtime, **kw):
    return parse({"name": f"tiny_{runtime}", "kind": "encoder", "source": str(d), "head": str(d / "head.safetensors"),
                  "head_arch": "mlp", "pooling": "mean", "max_tokens": 12, "runtime": runtime, **kw})


def test_onnx_and_torch_agree_and_batching_does_not_matter(encoder):
    onnx, pt = load_scorer(_spec(encoder, "onnx")), load_scorer(_spec(encoder, "torch"))
    a, b = onnx.score(TEXTS), pt.score(TEXTS)
    assert np.allclose(a, b, atol=1e-4) and np.ptp(a) > 0
    one = load_scorer(_spec(encoder, "onnx", batch_size=1)).score(TEXTS)
    assert np.allclose(a, one, atol=1e-5)


def test_text_past_max_tokens_is_not_read(encoder):
    s = load_scorer(_spec(encoder, "onnx"))
    long = TEXTS[2]  # more than 12 tokens
    assert np.allclose(s.score([long]), s.score([long + " museum museum click"]), atol=1e-6)
    assert not np.allclose(s.score([TEXTS[0]]), s.score([TEXTS[0] + " museum"]), atol=1e-6)


def test_a_head_that_does_not_fit_names_its_file(encoder, tmp_path):
    from safetensors.numpy import save_file

    save_file({"0.weight": np.zeros((1, 7), np.float32), "0.bias": np.zeros(1, np.float32)}, str(tmp_path / "wrong.safetensors"))
    s = load_scorer(parse({"name": "wrong", "kind": "encoder", "source": str(encoder), "head_arch": "linear",
                           "head": str(tmp_path / "wrong.safetensors"), "runtime": "onnx"}))
    with pytest.raises(ValueError, match="wrong.safetensors takes 7"):
        s.score(TEXTS)
    json.dumps(s.spec.to_dict())


@pytest.mark.parametrize("arch", ["linear", "mlp"])
def test_train_quality_fits_a_head_on_scores(encoder, tmp_path, arch):
    from quality.train import main

    rng = np.random.default_rng(1)
    words = TEXTS[0].split() + TEXTS[1].split()
    texts = [" ".join(rng.choice(words, 8)) for _ in range(200)]
    rows = [{"text": t, "score": float(t.count("report") + t.count("water"))} for t in texts]
    data = tmp_path / "scores.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows))
    out = tmp_path / "head"
    assert main([str(data), "--kind", "head", "--encoder", str(encoder), "--out", str(out), "--name", "jql_like",
                 "--score-column", "score", "--max-tokens", "12", "--test-fraction", "0.2", "--head-arch", arch,
                 "--hidden", "16"]) == 0
    figures = json.loads((out / "figures.json").read_text())["figures"]
    assert figures["held_out"] > 10 and figures["spearman"] > 0.3  # the head learned the annotation's direction
    s = load_scorer(parse(str(out)))
    assert s.spec.head_arch == arch and len(s.score(texts[:5])) == 5
    ranks = np.argsort(np.argsort(s.score(texts)))  # the loaded scorer ranks like the annotation
    truth = np.array([r["score"] for r in rows])
    assert np.corrcoef(ranks, np.argsort(np.argsort(truth)))[0, 1] > 0.3
