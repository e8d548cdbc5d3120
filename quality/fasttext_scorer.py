"""DCLM-style quality classifier: a fastText model; the score is the probability of the positive label."""
from __future__ import annotations

import numpy as np

from .spec import ModelSpec


class FastTextScorer:
    def __init__(self, spec: ModelSpec, path: str):
        import fasttext

        try:
            self._ft = fasttext.load_model(path)
        except ValueError as e:
            raise ValueError(f"quality model {spec.name}: {spec.source} is not a fastText model ({e})") from None
        labels = self._ft.get_labels()
        if spec.fasttext_label not in labels:
            raise ValueError(f"quality model {spec.name}: label {spec.label!r} is not one of the model's {labels[:10]}")
        self.spec, self.files = spec, [path]
        self._label = spec.fasttext_label

    def score(self, texts: list[str]) -> np.ndarray:
        # fastText reads one line per example; all labels with their probabilities, then ours
        lines = [t.replace("\n", " ") for t in texts]
        labels, probs = self._ft.predict(lines, k=-1, threshold=0.0)
        scores = np.array([float(p[list(lab).index(self._label)]) if self._label in lab else 0.0
                           for lab, p in zip(labels, probs)], np.float32)
        return np.minimum(scores, 1.0)  # fastText adds 1e-5 to every probability (softmax): a sure one reads 1.00001
