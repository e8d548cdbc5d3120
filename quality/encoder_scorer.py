"""FineWeb2-HQ / JQL / FineWeb-Edu style scorer: a Hugging Face text encoder, pooled, then a head.

The encoder folder is laid out as on the hub: ``tokenizer.json`` (the `tokenizers` library reads it),
``config.json``, and ``onnx/model.onnx`` (run by onnxruntime, CPU or CUDA) and/or
``model.safetensors`` (run by torch + transformers). Documents are tokenized in one call per batch,
sorted by length so a batch pads little, and scored in the input's order."""
from __future__ import annotations

import json
import os

import numpy as np

from .heads import apply_output, load_head
from .spec import ModelSpec

CHARS_PER_TOKEN_BOUND = 32  # text past max_tokens * this is never tokenized: it would be truncated anyway
ONNX_FILES = ("onnx/model.onnx", "model.onnx")


def onnx_file(folder: str) -> str | None:
    return next((os.path.join(folder, f) for f in ONNX_FILES if os.path.isfile(os.path.join(folder, f))), None)


def _runtime(spec: ModelSpec, folder: str) -> str:
    if spec.runtime != "auto":
        return spec.runtime
    return "onnx" if onnx_file(folder) else "torch"


class EncoderScorer:
    def __init__(self, spec: ModelSpec, folder: str, head_path: str | None, threads: int = 1, gpu: bool = False):
        from tokenizers import Tokenizer

        tok_file = os.path.join(folder, "tokenizer.json")
        if not os.path.isfile(tok_file):
            raise ValueError(f"quality model {spec.name}: {spec.source} has no tokenizer.json")
        self.spec, self.runtime = spec, _runtime(spec, folder)
        self.tokenizer = Tokenizer.from_file(tok_file)
        self.tokenizer.enable_truncation(spec.max_tokens)
        self.tokenizer.no_padding()
        self.pad_id = self._pad_id(folder)
        self.head = load_head(head_path, spec.head_arch) if head_path else None  # None: embeddings only (training)
        self.files = [tok_file] + ([head_path] if head_path else [])
        if self.runtime == "onnx":
            self._init_onnx(folder, threads, gpu)
        else:
            self._init_torch(folder, threads, gpu)

    def _pad_id(self, folder: str) -> int:
        try:
            with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
                pad = json.load(f).get("pad_token_id")
        except (OSError, ValueError):
            pad = None
        return int(pad if pad is not None else self.tokenizer.token_to_id("<pad>") or 0)

    def _init_onnx(self, folder: str, threads: int, gpu: bool) -> None:
        import onnxruntime as ort

        path = onnx_file(folder)
        if path is None:
            raise ValueError(f"quality model {self.spec.name}: runtime=onnx but {self.spec.source} has no {ONNX_FILES[0]}")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads, opts.inter_op_num_threads = max(1, threads), 1
        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if gpu else ["CPUExecutionProvider"]
        try:
            self._session = ort.InferenceSession(path, opts, providers=providers)
        except Exception as e:  # corrupt or foreign file
            raise ValueError(f"quality model {self.spec.name}: cannot load {path}: {type(e).__name__}: {e}") from None
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.files.append(path)

    def _init_torch(self, folder: str, threads: int, gpu: bool) -> None:
        try:
            import torch
            from transformers import AutoModel
        except ImportError:
            raise ValueError(f"quality model {self.spec.name}: runtime=torch needs torch and transformers "
                             "(pip install -e '.[quality-torch]')") from None
        torch.set_num_threads(max(1, threads))
        self._device = "cuda" if gpu and torch.cuda.is_available() else "cpu"
        try:
            self._model = AutoModel.from_pretrained(folder).eval().to(self._device)
        except Exception as e:
            raise ValueError(f"quality model {self.spec.name}: cannot load {folder}: {type(e).__name__}: {e}") from None
        self.files += [os.path.join(folder, f) for f in ("config.json", "model.safetensors") if os.path.isfile(os.path.join(folder, f))]

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self.runtime == "onnx":
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            return self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        import torch

        with torch.inference_mode():
            out = self._model(input_ids=torch.from_numpy(ids).to(self._device),
                              attention_mask=torch.from_numpy(mask).to(self._device))
        return out.last_hidden_state.float().cpu().numpy()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Pooled embeddings (len(texts), hidden), in the input's order."""
        limit = self.spec.max_tokens * CHARS_PER_TOKEN_BOUND
        encs = self.tokenizer.encode_batch([t[:limit] for t in texts])
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        out = None
        for start in range(0, len(order), self.spec.batch_size):
            idx = order[start:start + self.spec.batch_size]
            width = max(1, max(len(encs[i].ids) for i in idx))
            ids = np.full((len(idx), width), self.pad_id, np.int64)
            mask = np.zeros((len(idx), width), np.int64)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n], mask[row, :n] = encs[i].ids, 1
            h = self._hidden(ids, mask)
            if h.ndim == 3:  # token states: pool them as the model card says
                if self.spec.pooling == "cls":
                    h = h[:, 0]
                else:
                    m = mask[:, :, None].astype(np.float32)
                    h = (h * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
            if out is None:
                out = np.empty((len(texts), h.shape[1]), np.float32)
            out[idx] = h
        return out if out is not None else np.empty((0, self.head.in_dim if self.head else 0), np.float32)

    def score(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.empty(0, np.float32)
        emb = self.embed(texts)
        if emb.shape[1] != self.head.in_dim:
            raise ValueError(f"quality model {self.spec.name}: the encoder gives {emb.shape[1]}-d embeddings, "
                             f"the head {self.head.path} takes {self.head.in_dim}")
        return apply_output(self.head(emb), self.spec.output).astype(np.float32)
