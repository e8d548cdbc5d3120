"""Language identification with fastText, labels normalised to FineWeb2's `iso639-3_Script`."""
from .labels import is_valid_lang_script, normalise
from .model import DEFAULT_MODEL, LidModel, LidResult, ModelNotFoundError, load_model

__all__ = [
    "DEFAULT_MODEL",
    "LidModel",
    "LidResult",
    "ModelNotFoundError",
    "is_valid_lang_script",
    "load_model",
    "normalise",
]
