"""`curate train-quality`: train a quality model that `curate score` loads, from labelled text.

Input: JSONL or Parquet with a text column and a label (classes: FineWeb2-HQ-style positives vs random
web documents) or a score (JQL-style LLM annotations). A held-out split (by a hash of the text, so the
same data always splits the same) gives the figures: accuracy and F1 of the positive class for
classes, Spearman and MSE for scores. Writes a folder with the model and a quality.yaml.
  * ``--kind fasttext``: a fastText classifier (DCLM style), classes only;
  * ``--kind head --encoder SOURCE``: a head over the frozen encoder's pooled embeddings: one Linear
    (least squares for scores, logistic regression for two classes: score = P(positive)), or with
    ``--head-arch mlp`` FineWeb2-HQ's Linear, ReLU, Linear trained by Adam on the same losses.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
import tempfile

import numpy as np
import yaml

from .spec import SPEC_FILE, ModelSpec, SpecError


# fastText settings for a quality classifier: word bigrams (DCLM's), a smaller hash table and dimension than
# fastText's defaults (2M x 100 floats, 800 MB a model) since two classes need far less; lr 0.5 because at
# fastText's 0.1 a few thousand documents stay near chance after 25 epochs
FASTTEXT_ARGS = {"epoch": 25, "lr": 0.5, "wordNgrams": 2, "dim": 64, "bucket": 200_000}


def read_rows(path: str, text_col: str, target_col: str, lang_col: str | None, lang: str | None) -> list[tuple[str, object]]:
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    else:
        with (gzip.open if path.endswith(".gz") else open)(path, "rt", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    out = []
    for i, r in enumerate(rows):
        if text_col not in r or target_col not in r:
            raise ValueError(f"{path}: row {i + 1} has no {text_col!r} or {target_col!r}")
        if lang and r.get(lang_col) != lang:
            continue
        out.append((str(r[text_col]), r[target_col]))
    if len(out) < 4:
        raise ValueError(f"{path}: {len(out)} usable rows; at least 4 are needed to train and hold out")
    return out


def held_out(text: str, fraction: float) -> bool:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < fraction


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    r = np.empty(len(x))
    r[order] = np.arange(len(x))
    for v in np.unique(x):  # ties share their mean rank
        m = x == v
        r[m] = r[m].mean()
    return r


def class_figures(truth: list[bool], pred: list[bool]) -> dict:
    t, p = np.array(truth), np.array(pred)
    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"accuracy": round(float((t == p).mean()), 4) if len(t) else None, "f1": round(f1, 4), "held_out": len(t)}


def score_figures(truth: np.ndarray, pred: np.ndarray) -> dict:
    rho = float(np.corrcoef(_ranks(truth), _ranks(pred))[0, 1]) if len(truth) > 1 and np.ptp(truth) > 0 else None
    return {"spearman": None if rho is None or np.isnan(rho) else round(rho, 4),
            "mse": round(float(np.mean((truth - pred) ** 2)), 4), "held_out": len(truth)}


def train_fasttext(rows, positive: str, out: str, name: str, fraction: float, **settings) -> dict:
    from curate.patches import fasttext_training

    args = {**FASTTEXT_ARGS, **{k: v for k, v in settings.items() if v is not None}}
    labels = sorted({str(y) for _, y in rows})
    if positive not in labels:
        raise ValueError(f"positive label {positive!r} is not among the labels {labels}")
    train = [(t, str(y)) for t, y in rows if not held_out(t, fraction)]
    test = [(t, str(y)) for t, y in rows if held_out(t, fraction)]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.writelines(f"__label__{y} {t.replace(chr(10), ' ')}\n" for t, y in train)
    try:
        # one thread: the same data gives the same model
        model = fasttext_training.train_supervised(f.name, thread=1, verbose=0, seed=0, **args)
    except RuntimeError as e:  # fastText's "Encountered NaN.": a diverging learning rate
        raise RuntimeError(f"fastText training of {name!r} on {len(train)} documents failed: {e} "
                           f"(try a lower --lr than {args['lr']})") from e
    finally:
        os.unlink(f.name)
    model.save_model(os.path.join(out, "model.bin"))
    pred = [model.predict(t.replace("\n", " "))[0][0] == f"__label__{positive}" for t, _ in test]
    spec = ModelSpec(name=name, kind="fasttext", source="model.bin", label=positive)
    return {"spec": spec, "figures": class_figures([y == positive for _, y in test], pred), "trained_on": len(train),
            "settings": args}


def fit_mlp(x: np.ndarray, y: np.ndarray, hidden: int, logistic: bool, steps: int = 1500, seed: int = 0) -> dict:
    """Linear(d, hidden), ReLU, Linear(hidden, 1) (FineWeb2-HQ's head) by full-batch Adam on the squared error
    (scores) or the logistic loss (two classes), with a little weight decay; a state dict in torch's
    `nn.Sequential` names, as the published heads are."""
    rng = np.random.default_rng(seed)
    d = x.shape[1]
    mu, sd = x.mean(0), x.std(0) + 1e-6  # standardised inputs, folded back into the first layer at the end
    z = (x - mu) / sd
    p = {"w1": rng.normal(0, (2 / d) ** 0.5, (hidden, d)), "b1": np.zeros(hidden),
         "w2": rng.normal(0, (1 / hidden) ** 0.5, (1, hidden)), "b2": np.zeros(1)}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v2 = {k: np.zeros_like(v) for k, v in p.items()}
    for t in range(1, steps + 1):
        h = np.maximum(z @ p["w1"].T + p["b1"], 0)
        out = (h @ p["w2"].T + p["b2"])[:, 0]
        err = (1 / (1 + np.exp(-out)) - y) if logistic else (out - y)
        g_out = err[:, None] / len(y)
        g_h = (g_out @ p["w2"]) * (h > 0)
        grads = {"w2": g_out.T @ h + 1e-4 * p["w2"], "b2": g_out.sum(0), "w1": g_h.T @ z + 1e-4 * p["w1"], "b1": g_h.sum(0)}
        for k, g in grads.items():
            m[k] = 0.9 * m[k] + 0.1 * g
            v2[k] = 0.999 * v2[k] + 0.001 * g * g
            p[k] -= 1e-2 * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v2[k] / (1 - 0.999 ** t)) + 1e-8)
    w1 = p["w1"] / sd
    return {"0.weight": w1.astype(np.float32), "0.bias": (p["b1"] - w1 @ mu).astype(np.float32),
            "2.weight": p["w2"].astype(np.float32), "2.bias": p["b2"].astype(np.float32)}


def train_head(rows, encoder: str, out: str, name: str, fraction: float, positive: str | None, pooling: str,
               max_tokens: int, arch: str = "linear", hidden: int = 256) -> dict:
    from safetensors.numpy import save_file

    from .encoder_scorer import EncoderScorer
    from .heads import load_head
    from .loader import _fetch

    probe = ModelSpec(name=name, kind="encoder", source=encoder, head="-", pooling=pooling, max_tokens=max_tokens)
    emb = EncoderScorer(probe, _fetch(probe, encoder, folder=True), None).embed([t for t, _ in rows])
    mask = np.array([held_out(t, fraction) for t, _ in rows])
    logistic = positive is not None
    y = np.array([float(str(v) == positive) if logistic else float(v) for _, v in rows])
    if arch == "mlp":
        state = fit_mlp(emb[~mask].astype(np.float64), y[~mask], hidden, logistic)
    else:
        x = np.hstack([emb, np.ones((len(emb), 1), np.float32)])
        if logistic:  # two classes: logistic regression by gradient descent
            w = np.zeros(x.shape[1])
            for _ in range(2000):
                p = 1 / (1 + np.exp(-x[~mask] @ w))
                w -= 0.5 * (x[~mask].T @ (p - y[~mask]) / max(1, (~mask).sum()) + 1e-3 * w)
        else:  # scores: ridge least squares
            a = x[~mask]
            w = np.linalg.solve(a.T @ a + 1e-3 * np.eye(a.shape[1]), a.T @ y[~mask])
        state = {"weight": w[None, :-1].astype(np.float32), "bias": w[-1:].astype(np.float32)}
    path = os.path.join(out, "head.safetensors")
    save_file(state, path)
    # held-out figures from the saved head as the scorer loads and runs it, logits before the output function
    pred = load_head(path, arch)(emb[mask])[:, 0]
    figures = class_figures(list(y[mask] > 0.5), list(pred > 0)) if logistic else score_figures(y[mask], pred)
    source = encoder if "://" in encoder else os.path.abspath(encoder)
    spec = ModelSpec(name=name, kind="encoder", source=source, head="head.safetensors", head_arch=arch,
                     pooling=pooling, max_tokens=max_tokens, output="sigmoid" if logistic else "raw")
    return {"spec": spec, "figures": figures, "trained_on": int((~mask).sum())}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="curate train-quality", description=__doc__.split("\n\n")[0])
    p.add_argument("data", help="JSONL or Parquet of labelled text")
    p.add_argument("--kind", choices=("fasttext", "head"), required=True)
    p.add_argument("--out", required=True, help="folder to write the model and its quality.yaml into")
    p.add_argument("--name", required=True, help="the model's name (its score column is quality_<name>)")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", help="class labels (with --positive)")
    p.add_argument("--score-column", help="numeric scores (head only)")
    p.add_argument("--positive", help="the positive class label")
    p.add_argument("--language-column", default="language")
    p.add_argument("--language", help="train on this language's rows only (default: all: multilingual)")
    p.add_argument("--encoder", help="encoder folder, hf://org/repo or s3:// prefix (head only)")
    p.add_argument("--pooling", default="mean", choices=("mean", "cls"))
    p.add_argument("--head-arch", default="linear", choices=("linear", "mlp"),
                   help="linear (JQL, FineWeb-Edu) or mlp: Linear, ReLU, Linear (FineWeb2-HQ) (head only)")
    p.add_argument("--hidden", type=int, default=256, help="the MLP head's hidden size (FineWeb2-HQ: 256)")
    p.add_argument("--max-tokens", type=int, default=512)
    p.add_argument("--test-fraction", type=float, default=0.1)
    p.add_argument("--epochs", type=int, help=f"fastText epochs (default {FASTTEXT_ARGS['epoch']})")
    p.add_argument("--lr", type=float, help=f"fastText learning rate (default {FASTTEXT_ARGS['lr']})")
    p.add_argument("--dim", type=int, help=f"fastText vector size (default {FASTTEXT_ARGS['dim']})")
    p.add_argument("--bucket", type=int, help=f"fastText word-bigram hash buckets (default {FASTTEXT_ARGS['bucket']})")
    a = p.parse_args(argv)
    try:
        if bool(a.label_column) == bool(a.score_column):
            raise ValueError("give one of --label-column (with --positive) or --score-column")
        if a.label_column and not a.positive:
            raise ValueError("--label-column needs --positive (the class that scores 1)")
        if a.kind == "fasttext" and a.score_column:
            raise ValueError("a fastText classifier trains on classes: use --label-column, or --kind head for scores")
        if a.kind == "head" and not a.encoder:
            raise ValueError("--kind head needs --encoder")
        ModelSpec(name=a.name, kind="fasttext", source="-", label="-")  # the name, checked before any work
        rows = read_rows(a.data, a.text_column, a.label_column or a.score_column, a.language_column, a.language)
        os.makedirs(a.out, exist_ok=True)
        if a.kind == "fasttext":
            r = train_fasttext(rows, a.positive, a.out, a.name, a.test_fraction, epoch=a.epochs, lr=a.lr, dim=a.dim,
                               bucket=a.bucket)
        else:
            r = train_head(rows, a.encoder, a.out, a.name, a.test_fraction, a.positive, a.pooling, a.max_tokens,
                           a.head_arch, a.hidden)
    except (ValueError, OSError, SpecError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    with open(os.path.join(a.out, SPEC_FILE), "w", encoding="utf-8") as f:
        yaml.safe_dump(r["spec"].to_dict(), f, sort_keys=False)
    with open(os.path.join(a.out, "figures.json"), "w", encoding="utf-8") as f:
        json.dump({"figures": r["figures"], "trained_on": r["trained_on"], "data": a.data, "language": a.language,
                   "settings": r.get("settings")}, f, indent=1)
    print(json.dumps({"model": a.out, **r["figures"]}))
    return 0
