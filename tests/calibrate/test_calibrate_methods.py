"""Each threshold method on synthetic distributions with known quantiles/moments: exact thresholds."""
import math
from collections import Counter

import numpy as np
import pytest

from filters.calibrate import (
    _round,
    cdf_position,
    lid_threshold,
    mean_std,
    median_ratio,
    median_std,
    parse_method,
    quantile_match,
    select_stopwords,
    ten_tail,
)
from filters.metrics import THRESHOLD_BY_KEY

U = np.arange(101, dtype=float)  # 0..100: the q-quantile is 100q exactly


def test_ten_tail_removes_ten_percent_on_the_filtered_side():
    assert ten_tail(U, "lower") == 10.0  # remove if < thr
    assert ten_tail(U, "upper") == 90.0  # remove if > thr
    assert ten_tail(U, "lower", tail=0.25) == 25.0
    assert ten_tail(np.append(U, np.nan), "upper") == 90.0  # undefined metrics are ignored
    x = np.random.default_rng(0).normal(size=10001)
    assert np.mean(x < ten_tail(x, "lower")) == pytest.approx(0.10, abs=1e-4)


def test_cdf_position_is_the_inverse_of_numpy_quantile():
    assert cdf_position(U, 10.0) == pytest.approx(0.10, abs=1e-12)
    assert cdf_position([0, 1, 2, 3], 1.5) == pytest.approx(0.5)
    assert cdf_position(U, -5) == 0.0 and cdf_position(U, 500) == 1.0
    x = np.random.default_rng(1).gamma(2.0, size=999)
    for t in (0.3, 1.0, 2.5, 7.0):
        assert np.quantile(x, cdf_position(x, t)) == pytest.approx(t, abs=1e-9)


def test_quantile_maps_to_the_same_quantile_level():
    ten_x = np.arange(0, 1001, 10, dtype=float)  # the same shape, 10x the scale
    assert quantile_match(ten_x, U, 10.0) == pytest.approx(100.0, abs=1e-9)  # a lower bound at q=0.1
    assert quantile_match(ten_x, U, 90.0) == pytest.approx(900.0, abs=1e-9)  # an upper bound at q=0.9
    assert quantile_match([0, 10, 20, 30], [0, 1, 2, 3], 1.5) == pytest.approx(15.0)
    # Different shapes: the share removed is the same on both sides
    rng = np.random.default_rng(2)
    en, lang = rng.normal(5, 1, 4001), rng.exponential(3, 4001)
    thr = quantile_match(lang, en, 3.7)
    assert np.mean(lang < thr) == pytest.approx(np.mean(en < 3.7), abs=1e-3)


def test_quantile_outside_the_english_range_keeps_the_distance_in_stds():
    en = np.array([0.0, 1, 2, 3, 4])  # std sqrt(2)
    lang = 10 * en  # std 10 sqrt(2)
    assert quantile_match(lang, en, 6.0) == pytest.approx(60.0, abs=1e-9)  # 2 above the max -> 20 above
    assert quantile_match(lang, en, -1.0) == pytest.approx(-10.0, abs=1e-9)
    assert quantile_match(en, en, 10.0) == pytest.approx(10.0, abs=1e-12)  # identity


def test_mean_std():
    # English mean 1, std 1: the threshold 3 is z=2; the language has mean 20, std 10 -> 40
    assert mean_std([10, 30], [0, 2], 3.0) == 40.0
    assert mean_std(U, U, 37.5) == pytest.approx(37.5)


def test_median_std_differs_from_mean_std_on_skewed_data():
    en = [0.0, 0.0, 3.0]  # median 0, mean 1, std sqrt(2)
    lang = [0.0, 3.0, 3.0]  # median 3, mean 2, std sqrt(2)
    thr_en = 2 * math.sqrt(2)  # z = 2 from the median, (2 sqrt2 - 1)/sqrt2 from the mean
    assert median_std(lang, en, thr_en) == pytest.approx(3 + 2 * math.sqrt(2))
    assert mean_std(lang, en, thr_en) == pytest.approx(1 + 2 * math.sqrt(2))


def test_median_ratio():
    assert median_ratio([1, 5, 9], [1, 2, 3], 0.3) == pytest.approx(0.75)
    assert median_ratio([0, 0, 1], [0, 0, 1], 0.15) == 0.15  # 0/0: ratio taken as 1
    with pytest.raises(ValueError):
        median_ratio([1, 2, 3], [0, 0, 1], 0.15)


def test_lid_threshold_formula_and_clamps():
    assert lid_threshold([0.7, 0.9]) == pytest.approx(0.7)  # median 0.8 - std 0.1
    assert lid_threshold([0.6, 0.8, 0.8, 1.0]) == pytest.approx(0.8 - math.sqrt(0.02))
    assert lid_threshold([0.1, 0.3]) == 0.3  # floor
    assert lid_threshold([0.99, 1.0, 1.0]) == 0.9  # cap


def test_stopwords_by_frequency_threshold_with_at_least_eight_words():
    counts = Counter({w: n for w, n in zip("abcdefghijkl", (300, 200, 100, 90, 80, 70, 60, 50, 50, 20, 10, 10))})
    total = sum(counts.values())  # 1040
    assert select_stopwords(counts, freq=80 / total) == list("abcdefghi")  # 5 pass; lowered to the 8th (h), i ties
    assert select_stopwords(counts, freq=60 / total, min_words=3) == list("abcdefg")
    assert select_stopwords(counts, freq=0.05) == list("abcdefghi")  # 52/1040 = 5%: 9 words (h, i tie at 50)
    # Too few above the threshold: lowered to the 8th word's count, ties included
    assert select_stopwords(counts, freq=0.2) == list("abcdefghi")
    assert select_stopwords(counts, freq=0.0) == list("abcdefghijkl")
    assert select_stopwords(Counter({"x": 3, "y": 1})) == ["x", "y"]


def test_parse_method():
    assert parse_method("10tail", "fwq") == ("ref", "10tail")
    assert parse_method("meanstd", "gor") == ("cc", "meanstd")
    assert parse_method("wiki-Quant", "goq") == ("ref", "quantile")  # the paper's names
    assert parse_method("ref-quantile", "goq") == ("ref", "quantile")
    assert parse_method("cc-medratio", "goq") == ("cc", "medianratio")
    assert parse_method("english", "gor") == ("", "english")
    with pytest.raises(ValueError):
        parse_method("cc-top5", "fwq")


def test_rounding_word_lengths_outwards_and_ratios_to_3_decimals():
    lo, hi, r = THRESHOLD_BY_KEY["min_avg_word_length"], THRESHOLD_BY_KEY["max_avg_word_length"], THRESHOLD_BY_KEY["new_line_ratio"]
    assert _round(4.87, lo) == 4 and _round(5.2, hi) == 6
    assert _round(2.9999999999, lo) == 3 and _round(10.0000000001, hi) == 10  # float noise is not rounded outwards
    assert _round(0.123456, r) == 0.123
