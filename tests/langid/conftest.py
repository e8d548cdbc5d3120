"""Shared fixtures: a tiny real fastText model with GlotLID-style labels stands in for GlotLID v3."""
import pytest

GLOT_TRAIN = {
    "srp_Cyrl": "ово је српски текст о граду и људима",
    "srp_Latn": "ovo je srpski tekst o gradu i ljudima",
    "fra_Latn": "ceci est un texte français sur la ville et les gens",
    "deu_Latn": "dies ist ein deutscher text über die stadt und die menschen",
}


@pytest.fixture(scope="session")
def glot_model_path(tmp_path_factory):
    from curate.patches import fasttext_training

    d = tmp_path_factory.mktemp("glot")
    lines = [f"__label__{lab} {text}" for lab, text in GLOT_TRAIN.items()] * 20
    (d / "train.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ft = fasttext_training.train_supervised(str(d / "train.txt"), epoch=50, minn=2, maxn=4,
                                   dim=16, thread=1, verbose=0, seed=1)
    ft.save_model(str(d / "glot.bin"))
    return str(d / "glot.bin")
