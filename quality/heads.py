"""Scoring heads over pooled embeddings: a chain of Linear layers read from a state dict (PyTorch
``.pt``/``.bin``, or ``.safetensors``), run in NumPy (a head is a few small matrix products per batch).

FineWeb2-HQ's classifiers are Linear(768, 256), ReLU, Linear(256, 1) (``head_arch=mlp``); JQL's and
FineWeb-Edu's regression heads are one Linear (``head_arch=linear``). Layers are taken in the state
dict's order: each ``*.weight`` of two dimensions with its ``*.bias``."""
from __future__ import annotations

import numpy as np


class HeadError(ValueError):
    """A head file that cannot be read or does not fit its declared architecture."""


def read_state_dict(path: str) -> dict[str, np.ndarray]:
    try:
        if path.endswith(".safetensors"):
            from safetensors.numpy import load_file

            return dict(load_file(path))
        try:
            import torch
        except ImportError:
            raise HeadError(f"{path}: a PyTorch state dict needs torch (pip install -e '.[quality-torch]'), "
                            "or convert it to .safetensors") from None
        state = torch.load(path, map_location="cpu", weights_only=True)  # tensors only: never unpickles code
        if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
            state = state["state_dict"]
        return {k: v.float().numpy() for k, v in state.items() if hasattr(v, "numpy")}
    except HeadError:
        raise
    except Exception as e:  # truncated file, not a state dict, ...
        raise HeadError(f"cannot read head weights {path}: {type(e).__name__}: {e}") from e


class Head:
    def __init__(self, layers: list[tuple[np.ndarray, np.ndarray]], path: str = ""):
        self.layers, self.path = layers, path

    @property
    def in_dim(self) -> int:
        return self.layers[0][0].shape[1]

    @property
    def out_dim(self) -> int:
        return self.layers[-1][0].shape[0]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """(batch, in_dim) -> (batch, out_dim); ReLU between layers."""
        x = np.asarray(x, np.float32)
        for i, (w, b) in enumerate(self.layers):
            x = x @ w.T + b
            if i < len(self.layers) - 1:
                np.maximum(x, 0, out=x)
        return x


def load_head(path: str, arch: str) -> Head:
    state = read_state_dict(path)
    layers = []
    for name, w in state.items():
        if name.endswith("weight") and w.ndim == 2:
            bias = state.get(name[: -len("weight")] + "bias")
            layers.append((w.astype(np.float32), (np.zeros(w.shape[0]) if bias is None else bias).astype(np.float32)))
    if not layers:
        raise HeadError(f"{path}: no Linear layer (a 2-D `*.weight`) in the state dict: {sorted(state)[:8]}")
    if arch == "linear" and len(layers) != 1:
        raise HeadError(f"{path}: head_arch=linear expects one Linear layer, found {len(layers)}")
    if arch == "mlp" and len(layers) < 2:
        raise HeadError(f"{path}: head_arch=mlp expects two or more Linear layers, found {len(layers)}")
    for (w1, _), (w2, _) in zip(layers, layers[1:]):
        if w2.shape[1] != w1.shape[0]:
            raise HeadError(f"{path}: layer shapes do not chain ({w1.shape} then {w2.shape})")
    return Head(layers, path)


def apply_output(logits: np.ndarray, output: str) -> np.ndarray:
    """The score of each row from the head's outputs, as the model card defines it."""
    if output == "raw" or output == "sigmoid":
        if logits.shape[1] != 1:
            raise HeadError(f"output={output} needs a head with one output, it has {logits.shape[1]}")
        x = logits[:, 0]
        return 1.0 / (1.0 + np.exp(-x)) if output == "sigmoid" else x
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = z / z.sum(axis=1, keepdims=True)
    if output == "expected":
        return p @ np.arange(p.shape[1], dtype=np.float32)
    k = int(output.split(":")[1])
    if k >= p.shape[1]:
        raise HeadError(f"output={output}: the head has {p.shape[1]} classes")
    return p[:, k]
