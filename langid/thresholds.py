"""Per-language LID thresholds: FineWeb2's formula on any score distribution, and the value in use.

FineWeb2 sets a language's threshold to ``max(0.3, min(0.9, median - std))`` of the GlotLID scores
of the documents labelled with it (paper §4.2 and A.6.2; the shipped values fit the median reading).
The shipped values are calibrated on GlotLID's score distribution, so they are used only with
GlotLID. With another model, either calibrate from that model's own scores on a run (`calibrate`)
or use one documented default for every language (`NON_GLOTLID_DEFAULT`). The value a run applies
to a language is chosen by `filters.lid_threshold`, next to the language's filter config.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

FLOOR, CAP = 0.3, 0.9
# lid.176 and other non-GlotLID models: one threshold for every language (see docs/langid.md for
# the dev-set measurements behind keeping it).
NON_GLOTLID_DEFAULT = 0.5


def fineweb2_threshold(scores: Iterable[float]) -> float:
    """``max(0.3, min(0.9, median - std))``; std is the population standard deviation (ddof=0)."""
    x = np.fromiter(scores, dtype=np.float64)
    if x.size == 0:
        raise ValueError("no scores: a threshold needs at least one document of the language")
    return float(max(FLOOR, min(CAP, np.median(x) - x.std())))


def calibrate(scores_by_lang: Mapping[str, Iterable[float]], min_docs: int = 1) -> dict[str, float]:
    """FineWeb2's threshold per language, for languages with at least ``min_docs`` scores."""
    out = {}
    for lang, scores in scores_by_lang.items():
        x = list(scores)
        if len(x) >= min_docs:
            out[lang] = fineweb2_threshold(x)
    return out
