"""Load a fastText language-ID model once per process and predict FineWeb2-style labels.

``spec`` (the CLI's ``--lid-model``) is one of:
  * ``lid.176``: the bundled quantized fastText model (offline default);
  * a local path;
  * ``s3://bucket/key``: downloaded once per node into the per-node model cache
    (`curate.store.models`, shared with the quality scorers);
  * a Hugging Face hub id, ``hf://owner/repo[/file]`` or ``owner/repo`` (e.g.
    ``hf://cis-lmu/glotlid/model_v3.bin``, FineWeb2's model), fetched with
    ``huggingface_hub`` only when asked for.
Nothing is loaded or downloaded at import time.
"""
from __future__ import annotations

import functools
import os
import re
import threading
from dataclasses import dataclass, field
from importlib import resources

from curate.store import models

from .labels import is_valid_lang_script, normalise_with_script
from .scripts import dominant_script

DEFAULT_MODEL = "lid.176"
_BUNDLED = {"lid.176": "lid.176.ftz", "lid176": "lid.176.ftz"}
# Default file of hub repos given without one (GlotLID v3 is what FineWeb2 used).
HUB_DEFAULT_FILES = {"cis-lmu/glotlid": "model_v3.bin"}
_HUB_REPO = re.compile(r"[\w.-]+/[\w.-]+")
TOP_LANGS_MIN_SCORE = 0.01  # FineWeb2 keeps every label above this in `top_langs`
_USAGE = "pass --lid-model PATH|s3://bucket/key|hf://repo/file (default: lid.176, bundled)"


class ModelNotFoundError(FileNotFoundError):
    """The language-ID model named by a spec cannot be found or fetched."""


@dataclass(frozen=True)
class LidResult:
    language: str  # ISO 639-3, e.g. "fra"; "und" for empty text
    script: str  # ISO 15924, e.g. "Latn"; "Zyyy" for empty text
    score: float  # top-1 probability (of the normalised label)
    top_langs: dict[str, float] = field(default_factory=dict)  # "xxx_Scrp" -> score > 0.01


EMPTY_RESULT = LidResult("und", "Zyyy", 0.0, {})


def _fetch_s3(uri: str) -> str:
    try:
        return models.fetch_s3(uri)
    except models.ModelFetchError as e:
        raise ModelNotFoundError(f"cannot fetch language-ID model {uri}: {e}; {_USAGE}") from e


def _not_a_file_name(spec: str) -> bool:
    # `models/lid.bin` that does not exist is a missing local file, not a hub repo.
    return not spec.startswith(".") and not spec.endswith((".bin", ".ftz"))


def _parse_hub(spec: str) -> tuple[str, str] | None:
    """(repo_id, filename) if ``spec`` is a hub id, else None."""
    if spec.startswith("hf://"):
        parts = spec[len("hf://"):].strip("/").split("/")
    elif _HUB_REPO.fullmatch(spec) and not os.path.exists(spec) and _not_a_file_name(spec):
        parts = spec.split("/")
    else:
        return None
    if len(parts) < 2:
        raise ModelNotFoundError(f"bad hub id {spec!r}: expected hf://owner/repo[/file]; {_USAGE}")
    repo_id = "/".join(parts[:2])
    return repo_id, "/".join(parts[2:]) or HUB_DEFAULT_FILES.get(repo_id, "model.bin")


def _fetch_hub(repo_id: str, filename: str) -> str:
    try:
        return models.fetch_hub(repo_id, filename)
    except models.ModelFetchError as e:
        raise ModelNotFoundError(f"cannot fetch language-ID model: {e}; {_USAGE}") from e


def resolve(spec: str) -> tuple[str, str]:
    """(local path, display name) for a model spec, downloading it if remote."""
    spec = (spec or DEFAULT_MODEL).strip()
    if spec in _BUNDLED:
        return str(resources.files("langid") / "models" / _BUNDLED[spec]), DEFAULT_MODEL
    if spec.startswith("s3://"):
        return _fetch_s3(spec), spec
    hub = _parse_hub(spec)
    if hub:
        return _fetch_hub(*hub), f"hf://{hub[0]}/{hub[1]}"
    path = os.path.abspath(os.path.expanduser(spec))
    if not os.path.isfile(path):
        raise ModelNotFoundError(f"language-ID model not found: {spec!r}; {_USAGE}")
    return path, path


def _kind(name: str, labels: list[str]) -> str:
    if len(labels) == 176 and {"als", "sh", "bh"} <= set(labels):
        return "lid176"
    if "glotlid" in name.lower() or (labels and all(is_valid_lang_script(lab) for lab in labels)):
        return "glotlid"  # GlotLID-style `xxx_Scrp` labels: taken as-is
    return "fasttext"


class LidModel:
    """A loaded fastText LID model; `predict` returns FineWeb2-normalised labels."""

    def __init__(self, ft_model, name: str, path: str):
        self._ft = ft_model
        self.name, self.path = name, path
        self.raw_labels = [lab.removeprefix("__label__") for lab in ft_model.get_labels()]
        self.kind = _kind(name, self.raw_labels)
        # Labels without a script (lid.176's `fr`) need the text's dominant script.
        self._needs_script = any("_" not in lab for lab in self.raw_labels)

    def __repr__(self) -> str:
        return f"LidModel(name={self.name!r}, kind={self.kind!r}, labels={len(self.raw_labels)})"

    def predict(self, texts: list[str]) -> list[LidResult]:
        # fastText reads one line per example: newlines become spaces (as FineWeb2 does).
        lines = [t.replace("\n", " ") if t else "" for t in texts]
        todo = [i for i, line in enumerate(lines) if line.strip()]
        out = [EMPTY_RESULT] * len(lines)
        if not todo:
            return out
        batch = [lines[i] for i in todo]
        labels, probs = self._ft.predict(batch, k=-1, threshold=TOP_LANGS_MIN_SCORE)
        # No label above the threshold (noise): ask for the top-1 alone.
        weak = [j for j, lab in enumerate(labels) if len(lab) == 0]
        if weak:
            l1, p1 = self._ft.predict([batch[j] for j in weak], k=1)
            for j, lab, p in zip(weak, l1, p1):
                labels[j], probs[j] = lab, p
        for i, labs, ps in zip(todo, labels, probs):
            out[i] = self._result(lines[i], labs, ps)
        return out

    def predict_raw(self, texts: list[str]) -> list[tuple[str, float]]:
        """The model's own top-1 label (``__label__`` removed) and probability, before
        normalisation and merging; ("", 0.0) for empty text. For evaluation."""
        lines = [t.replace("\n", " ") if t else "" for t in texts]
        todo = [i for i, line in enumerate(lines) if line.strip()]
        out = [("", 0.0)] * len(lines)
        if todo:
            labels, probs = self._ft.predict([lines[i] for i in todo], k=1)
            for i, lab, p in zip(todo, labels, probs):
                out[i] = (lab[0].removeprefix("__label__"), float(p[0]))
        return out

    def _result(self, text: str, labs, ps) -> LidResult:
        script = dominant_script(text) if self._needs_script else ""  # once per doc
        merged: dict[str, float] = {}
        for lab, p in zip(labs, ps):
            code = "_".join(normalise_with_script(lab, script))
            # Several raw labels may map to one code (lid.176 `sh` and `bs` -> bos_Latn):
            # their probabilities add up, and the top-1 is taken after merging.
            merged[code] = min(merged.get(code, 0.0) + float(p), 1.0)
        best = max(merged, key=merged.__getitem__)
        lang, _, scr = best.partition("_")
        top = {k: v for k, v in merged.items() if v > TOP_LANGS_MIN_SCORE}
        return LidResult(lang, scr, merged[best], top)


@functools.lru_cache(maxsize=None)
def _load(spec: str) -> LidModel:
    import fasttext

    path, name = resolve(spec)
    try:
        ft = fasttext.load_model(path)
    except ValueError as e:  # not a fastText model file
        raise ModelNotFoundError(f"{name} is not a fastText model ({e}); {_USAGE}") from e
    return LidModel(ft, name, path)


_LOAD_LOCK = threading.Lock()


def load_model(spec: str = DEFAULT_MODEL) -> LidModel:
    """The model for ``spec``, loaded once per process (cached by spec).

    Raises `ModelNotFoundError` (a FileNotFoundError) naming what to pass instead.
    """
    with _LOAD_LOCK:  # threads of one worker must not load a 1.7 GB model twice
        return _load((spec or DEFAULT_MODEL).strip())
