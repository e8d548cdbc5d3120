"""LID thresholds: FineWeb2's formula on known distributions; which value applies per model kind."""
import math
import random

import pytest

from langid import load_model
from filters.lid_threshold import threshold_for
from langid.thresholds import NON_GLOTLID_DEFAULT, calibrate, fineweb2_threshold


def test_formula_on_known_distributions():
    # median 0.7, population std sqrt(0.08 / 3)
    assert fineweb2_threshold([0.5, 0.7, 0.9]) == pytest.approx(0.7 - math.sqrt(0.08 / 3))
    # median of an even count is the mean of the middle two: 0.65; std of {.4,.6,.7,.9} = sqrt(.0325)
    assert fineweb2_threshold([0.9, 0.4, 0.7, 0.6]) == pytest.approx(0.65 - math.sqrt(0.0325))
    assert fineweb2_threshold([0.99] * 10) == 0.9  # capped
    assert fineweb2_threshold([0.1, 0.2, 0.3]) == 0.3  # floored
    assert fineweb2_threshold(iter([0.8])) == 0.8  # any iterable; one score: std 0
    with pytest.raises(ValueError):
        fineweb2_threshold([])


def test_formula_on_a_large_sample():
    rng = random.Random(0)
    scores = [min(1.0, max(0.0, rng.gauss(0.75, 0.1))) for _ in range(20000)]
    assert fineweb2_threshold(scores) == pytest.approx(0.65, abs=0.01)


def test_calibrate_per_language():
    got = calibrate({"fra_Latn": [0.5, 0.7, 0.9], "deu_Latn": [0.99, 0.98], "xyz_Latn": [0.4]}, min_docs=2)
    assert got == {"fra_Latn": pytest.approx(0.7 - math.sqrt(0.08 / 3)), "deu_Latn": 0.9}


def test_glotlid_uses_fineweb2_shipped_values():
    # values of FineWeb2's configs (configs/{lang}.yml: language_score)
    assert threshold_for("fra_Latn", "glotlid") == 0.824
    assert threshold_for("tha_Thai", "glotlid") == 0.9
    assert threshold_for("swh_Latn", "glotlid") == 0.3
    assert threshold_for("cmn_Hani", "glotlid") == 0.692
    # calibrated values and defaults do not override GlotLID's shipped ones
    assert threshold_for("fra_Latn", "glotlid", default=0.1, calibrated={"fra_Latn": 0.2}) == 0.824


def test_other_models_use_the_default_or_a_run_calibration():
    assert NON_GLOTLID_DEFAULT == 0.5
    assert threshold_for("fra_Latn", "lid176") == 0.5
    assert threshold_for("fra_Latn", "fasttext", default=0.4) == 0.4
    cal = calibrate({"fra_Latn": [0.5, 0.7, 0.9]})
    assert threshold_for("fra_Latn", "lid176", calibrated=cal) == cal["fra_Latn"]
    assert threshold_for("deu_Latn", "lid176", calibrated=cal) == 0.5


def test_model_kind_selects_the_threshold(glot_model_path):
    glot, lid176 = load_model(glot_model_path), load_model()
    assert threshold_for("fra_Latn", glot.kind) == 0.824
    assert threshold_for("fra_Latn", lid176.kind) == NON_GLOTLID_DEFAULT
    # calibrating from the model's own scores gives a value inside FineWeb2's bounds
    res = lid176.predict(["Le chat dort sur la table.", "Il fait beau aujourd'hui à Paris.", "Bonjour"])
    t = fineweb2_threshold([r.score for r in res if r.language == "fra"])
    assert 0.3 <= t <= 0.9
