"""What a quality model is: a spec, given on the command line as ``key=value,...``, as a YAML mapping in
the config's ``quality_models:``, or as a folder holding a ``quality.yaml`` (what `curate train-quality`
writes).

Two kinds:
  * ``kind=fasttext`` (DCLM style): ``source`` is a fastText classifier; the score is the probability
    of ``label`` (e.g. ``hq``, with or without ``__label__``).
  * ``kind=encoder`` (FineWeb2-HQ, JQL, FineWeb-Edu style): ``source`` is a Hugging Face text encoder
    folder or repo (``tokenizer.json`` and ``onnx/model.onnx`` or ``model.safetensors``), ``head`` a
    PyTorch state dict or safetensors file of Linear layers (``head_arch``: ``linear`` or ``mlp``,
    ReLU between layers), over ``pooling`` (``mean`` or ``cls``) of the first ``max_tokens`` tokens.
    ``output``: ``raw`` (a regression score or a logit as is), ``sigmoid``, or ``softmax:K`` (the
    probability of class K), or ``expected`` (softmax-weighted class index, FineWeb-Edu style).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from dataclasses import dataclass

import yaml

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")  # becomes a column name and a path component
SPEC_FILE = "quality.yaml"
KINDS = ("fasttext", "encoder")
POOLINGS = ("mean", "cls")
HEAD_ARCHS = ("linear", "mlp")
RUNTIMES = ("auto", "onnx", "torch")
_OUTPUT_RE = re.compile(r"^(raw|sigmoid|expected|softmax:\d+)$")


class SpecError(ValueError):
    """A quality model spec that cannot be used; the message names the bad field."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str
    source: str                      # fastText model file, or encoder folder / hf://org/repo / s3:// prefix
    label: str | None = None         # fasttext: the positive label
    head: str | None = None          # encoder: the head's weights
    head_arch: str = "mlp"
    pooling: str = "mean"
    max_tokens: int = 512
    output: str = "raw"
    runtime: str = "auto"            # encoder: onnxruntime if the folder has an ONNX export, else torch
    batch_size: int = 32             # documents per inference call (the encoder's batch)
    demo: bool = False               # a demonstration model (the card says so)

    def __post_init__(self):
        if not isinstance(self.name, str) or not NAME_RE.match(self.name):
            raise SpecError(f"quality model name {self.name!r}: expected lowercase letters, digits, _ (max 40)")
        if self.kind not in KINDS:
            raise SpecError(f"quality model {self.name}: kind {self.kind!r} is not one of {KINDS}")
        if not self.source:
            raise SpecError(f"quality model {self.name}: `source` is required")
        if self.kind == "fasttext" and not self.label:
            raise SpecError(f"quality model {self.name}: a fasttext model needs `label` (the positive class)")
        if self.kind == "encoder":
            if not self.head:
                raise SpecError(f"quality model {self.name}: an encoder model needs `head` (its weights file)")
            for field, allowed in (("pooling", POOLINGS), ("head_arch", HEAD_ARCHS), ("runtime", RUNTIMES)):
                if getattr(self, field) not in allowed:
                    raise SpecError(f"quality model {self.name}: {field} {getattr(self, field)!r} is not one of {allowed}")
            if not _OUTPUT_RE.match(self.output):
                raise SpecError(f"quality model {self.name}: output {self.output!r}: raw, sigmoid, expected or softmax:K")
        if not (isinstance(self.max_tokens, int) and 1 <= self.max_tokens <= 8192):
            raise SpecError(f"quality model {self.name}: max_tokens must be 1..8192")
        if not (isinstance(self.batch_size, int) and self.batch_size >= 1):
            raise SpecError(f"quality model {self.name}: batch_size must be a positive integer")

    @property
    def column(self) -> str:
        return f"quality_{self.name}"

    @property
    def fasttext_label(self) -> str:
        return self.label if self.label.startswith("__label__") else f"__label__{self.label}"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def digest(self) -> str:
        """Hash of the spec's fields (the model files' own hashes come from the loaded scorer)."""
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:16]


_INT_FIELDS = {"max_tokens", "batch_size"}


def _from_mapping(data: dict, base: str | None = None) -> ModelSpec:
    known = {f.name for f in dataclasses.fields(ModelSpec)}
    unknown = set(data) - known
    if unknown:
        raise SpecError(f"unknown quality model keys {sorted(unknown)}; known: {sorted(known)}")
    data = dict(data)
    for k in _INT_FIELDS & set(data):
        try:
            data[k] = int(data[k])
        except (TypeError, ValueError):
            raise SpecError(f"quality model {data.get('name')}: {k} must be an integer, got {data[k]!r}") from None
    if isinstance(data.get("demo"), str):
        data["demo"] = data["demo"].lower() in ("1", "true", "yes")
    if base:  # paths in a quality.yaml are relative to its folder
        for k in ("source", "head"):
            v = data.get(k)
            if isinstance(v, str) and "://" not in v and not os.path.isabs(v):
                data[k] = os.path.join(base, v)
    try:
        return ModelSpec(**data)
    except TypeError as e:
        raise SpecError(f"quality model spec {data}: {e}") from None


def parse(spec) -> ModelSpec:
    """A spec from a mapping, a ``key=value,...`` string, or a folder (or file) with a quality.yaml."""
    if isinstance(spec, ModelSpec):
        return spec
    if isinstance(spec, dict):
        return _from_mapping(spec)
    if not isinstance(spec, str) or not spec.strip():
        raise SpecError(f"quality model spec {spec!r}: expected key=value,... or a folder with {SPEC_FILE}")
    spec = spec.strip()
    path = os.path.join(spec, SPEC_FILE) if os.path.isdir(spec) else spec
    if "=" not in spec and os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
        if not isinstance(data, dict):
            raise SpecError(f"{path}: a quality model spec must be a YAML mapping")
        return _from_mapping(data, base=os.path.dirname(os.path.abspath(path)))
    data = {}
    for item in spec.split(","):
        key, eq, value = item.partition("=")
        if not eq:
            raise SpecError(f"quality model spec {spec!r}: {item!r} is not key=value (or no {SPEC_FILE} at {spec!r})")
        data[key.strip()] = value.strip()
    return _from_mapping(data)
