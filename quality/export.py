"""Export a Hugging Face encoder folder (``config.json`` + ``model.safetensors``) to ONNX, in the hub's
layout (``onnx/model.onnx``), so the scorer runs it with onnxruntime. Needs torch + transformers
(``pip install -e '.[quality-torch]'``); the exported folder then needs only onnxruntime."""
from __future__ import annotations

import os

OPSET = 17


def export_onnx(folder: str, opset: int = OPSET) -> str:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(folder).eval()

    class _Hidden(torch.nn.Module):  # keyword arguments: newer transformers' forward() takes more positionals
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    out = os.path.join(folder, "onnx", "model.onnx")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    ids = torch.ones((2, 8), dtype=torch.int64)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "last_hidden_state": {0: "batch", 1: "tokens"}}
    wrapped = _Hidden(model).eval()
    with torch.no_grad():
        torch.onnx.export(wrapped, (ids, torch.ones_like(ids)), out, input_names=["input_ids", "attention_mask"],
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=opset, dynamo=False)
    return out
