"""Rehydration weights against FineWeb2's own published distributions and weights (tests/card/data, see NOTICE)."""
import json
from pathlib import Path

import pytest

from curate.report.rehydrate import SIMPLE_WEIGHTS, Distribution, copies, distribution, language_weights, weights

DATA = Path(__file__).parent / "data" / "fineweb2_rehydration"
SHIPPED = json.loads((DATA / "weights_subset.json").read_text())


def _dist(lang: str) -> Distribution:
    return Distribution(**json.loads((DATA / "distributions" / f"{lang}.json").read_text()))


@pytest.mark.parametrize("reps", ["3", "5", "10"])
@pytest.mark.parametrize("lang", ["fra_Latn", "ita_Latn", "swh_Latn", "tha_Thai", "maw_Latn"])
def test_shipped_distribution_gives_shipped_weights_and_sizes(lang, reps):
    w, total = weights(_dist(lang), int(reps))
    assert w == {int(k): v for k, v in SHIPPED["weights"][reps][lang].items()}
    assert total == SHIPPED["resulting_ds_sizes"][reps][lang]


def test_readme_example_italian_one_duplicate_gets_three_copies():
    w, _ = weights(_dist("ita_Latn"), 10)
    assert [copies(w, s) for s in (1, 2, 16, 17, 25, 26, 10_000)] == [1, 3, 9, 10, 10, 9, 1]


def _as_run_stats(d: Distribution) -> dict:
    """FineWeb2's distribution turned back into the per-size kept/removed counts a run records."""
    out = {}
    for s, r, k in zip(d.cluster_sizes + [d.tail_threshold], d.cluster_removal_rates + [d.tail_removal_rate],
                       d.cluster_post_filtering_doc_counts + [d.tail_post_filtering_doc_counts]):
        out[str(s)] = {"kept": k, "removed": round(k / (1 - r / 100)) - k}
    return out


def test_run_counts_give_fineweb2_tail_threshold_and_weights():
    fr = _dist("fra_Latn")
    mine = distribution(_as_run_stats(fr))
    assert mine.tail_threshold == fr.tail_threshold == 218
    assert mine.global_removal_rate == pytest.approx(fr.global_removal_rate, abs=1e-6)
    assert weights(mine, 10)[0] == {int(k): v for k, v in SHIPPED["weights"]["10"]["fra_Latn"].items()}


def test_short_series_is_interpolated_without_smoothing():
    # sizes 1, 2 and a tail at 3: removal 50% (above the 45% global rate), 20% (the lowest), 60%
    d = Distribution([1, 2], [50.0, 20.0], [50, 80], 3, 60.0, 4, 45.0)
    assert weights(d, 10)[0] == {1: 1, 2: 10, 3: 1}


def test_small_language_falls_back_to_fineweb2_simple_table_capped_at_max_reps():
    tiny = {"1": {"kept": 30, "removed": 10}, "4": {"kept": 2, "removed": 0}, "150": {"kept": 1, "removed": 0}}
    w = language_weights(tiny, max_reps=10)
    assert w["method"] == "simple" and w["weights"] == SIMPLE_WEIGHTS
    assert w["rehydrated_docs"] == 30 * 1 + 2 * 3 + 1 * 8
    capped = language_weights(tiny, max_reps=3)
    assert [copies(capped["weights"], s) for s in (1, 4, 150, 5000)] == [1, 3, 3, 1]


def test_known_difference_short_series_upsamples_the_least_filtered_size():
    # avn_Latn has 4 cluster-size buckets, fewer than the smoothing window: FineWeb2's np.convolve(mode="same")
    # then misaligns values: the shipped table gives 3 copies from size 3 (a size whose documents were all
    # removed) and 1 copy at size 11 (never removed); curate keeps the interpolated values.
    d = _dist("avn_Latn")
    assert SHIPPED["weights"]["10"]["avn_Latn"] == {"1": 1, "3": 3, "11": 1}
    rates = d.cluster_removal_rates + [d.tail_removal_rate]
    least = (d.cluster_sizes + [d.tail_threshold])[rates.index(min(rates))]
    assert copies(weights(d, 10)[0], least) == 10
