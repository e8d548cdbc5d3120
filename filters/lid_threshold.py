"""The LID threshold step: the ``language_score`` a document needs to stay in its language.

Below it, a document goes to ``_removed`` with ``filter_reason = language_score``. FineWeb2's
per-language values are read from the language's filter config, so they follow a calibrated config
folder (`PipelineConfig.filter_configs`) as the quality thresholds do.
"""
from __future__ import annotations

from collections.abc import Mapping

from filters.config import load_language_config
from langid.thresholds import NON_GLOTLID_DEFAULT


def threshold_for(lang: str, model_kind: str, default: float = NON_GLOTLID_DEFAULT,
                  calibrated: Mapping[str, float] | None = None, filter_configs: str | None = None) -> float:
    """LID threshold for ``lang`` (``xxx_Scrp``) with a model of ``model_kind`` (`LidModel.kind`).

    GlotLID: FineWeb2's shipped ``language_score`` (its config, or the median of all configs for a
    language without one: `filters.config`). Other models: the run's own calibrated value if
    given, else ``default``.
    """
    if model_kind == "glotlid":
        return load_language_config(lang, filter_configs).language_score
    if calibrated and lang in calibrated:
        return calibrated[lang]
    return default
