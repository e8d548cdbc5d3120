"""Model-based quality scoring (FineWeb2-HQ, JQL, FineWeb-Edu, DCLM style): model specs, the two
scorer kinds, and training (`curate train-quality`). Stage and selection logic live in
`curate.stages.quality`; nothing here knows about Ray or the output layout."""
from .loader import Scorer, load_scorer
from .spec import ModelSpec, SpecError, parse

__all__ = ["ModelSpec", "Scorer", "SpecError", "load_scorer", "parse"]
