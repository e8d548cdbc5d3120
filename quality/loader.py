"""A spec's files fetched once per node (the shared model cache) and loaded once per process."""
from __future__ import annotations

import functools
import hashlib
import os
import threading

from curate.store import models

from .encoder_scorer import EncoderScorer
from .fasttext_scorer import FastTextScorer
from .spec import ModelSpec

Scorer = FastTextScorer | EncoderScorer
_LOCK = threading.Lock()


def _sha256(paths: list[str]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def _fetch(spec: ModelSpec, uri: str, folder: bool) -> str:
    try:
        return models.fetch(uri, folder=folder)
    except models.ModelFetchError as e:
        raise models.ModelFetchError(f"quality model {spec.name}: {e}") from None


@functools.lru_cache(maxsize=None)
def _load(spec: ModelSpec, threads: int, gpu: bool) -> Scorer:
    if spec.kind == "fasttext":
        scorer = FastTextScorer(spec, _fetch(spec, spec.source, folder=False))
    else:
        folder = _fetch(spec, spec.source, folder=True)
        scorer = EncoderScorer(spec, folder, _fetch(spec, spec.head, folder=False), threads=threads, gpu=gpu)
    scorer.sha256 = _sha256([p for p in scorer.files if os.path.isfile(p)])  # what the card names
    return scorer


def load_scorer(spec: ModelSpec, threads: int = 1, gpu: bool = False) -> Scorer:
    """The scorer of `spec`, loaded once per process. Raises FileNotFoundError or ValueError naming
    the model and the file at fault."""
    with _LOCK:
        return _load(spec, threads, gpu)
