"""The demonstration quality model: a fastText classifier of running web sentences (`hq`) against word
salad (`cc`), trained by the project from the labelled set it ships (`demo/train.jsonl.gz`, built by
`scripts/build_quality_demo_data.py`; sources in `demo/NOTICE.md`). It shows the quality step on the
bundled sample; the card marks it as a demonstration, not a model to select real data with.

`--quality-model demo` (or `curate score OUTPUT --model demo`) names it; the quick start uses it."""
from __future__ import annotations

import json
import os
import tempfile

from .spec import ModelSpec
from .train import read_rows, train_fasttext

NAME = "demo"
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo", "train.jsonl.gz")
POSITIVE = "hq"
# small: the model is written into every output that uses it (about 6 MB)
SETTINGS = {"dim": 16, "bucket": 50_000}


def spec(source: str) -> ModelSpec:
    return ModelSpec(name=NAME, kind="fasttext", source=source, label=POSITIVE, demo=True)


def train() -> tuple[bytes, dict]:
    """(model file bytes, held-out figures); one thread, so the same bytes on every run."""
    rows = read_rows(DATA, "text", "label", None, None)
    with tempfile.TemporaryDirectory() as d:
        r = train_fasttext(rows, POSITIVE, d, NAME, 0.1, **SETTINGS)
        with open(os.path.join(d, "model.bin"), "rb") as f:
            return f.read(), {"figures": r["figures"], "trained_on": r["trained_on"], "settings": r["settings"],
                              "data": os.path.relpath(DATA, os.path.dirname(os.path.dirname(DATA)))}


if __name__ == "__main__":
    print(json.dumps(train()[1]))
