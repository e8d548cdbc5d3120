"""Quality scoring benchmark: docs/s per CPU core of the fastText scorer and of the encoder scorer
(XLM-RoBERTa-base architecture, 12 layers, 768 hidden, random weights: the speed of a base encoder
does not depend on its weights; up to 512 tokens), onnxruntime vs torch, a batch-size sweep, and the
encoder scorer against its raw runtime on the same pre-tokenized batches (the Python overhead).

    python bench/quality_scoring.py OUTPUT [--docs 64] [--threads 1]

OUTPUT is a finished pipeline output: its texts are the input, its run.json gives the pipeline's CPU
per document for the fastText scorer's share. Results: bench/results/quality-scoring.{json,md}."""
from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import sys
import tempfile
import time

import numpy as np
import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from quality import load_scorer, parse  # noqa: E402


def texts_of(output: str) -> list[str]:
    return [t for f in sorted(glob.glob(os.path.join(output, "data", "*", "*", "*.parquet")))
            for t in pq.read_table(f, columns=["text"]).column("text").to_pylist()]


def cpu(fn, *args):
    t = time.process_time()
    out = fn(*args)
    return time.process_time() - t, out


def fasttext_case(texts, tmp, n):
    from curate.patches import fasttext_training

    path = os.path.join(tmp, "train.txt")
    with open(path, "w") as f:
        f.writelines(f"__label__{'hq' if len(t) > 2000 else 'cc'} {t.replace(chr(10), ' ')}\n" for t in texts)
    fasttext_training.train_supervised(path, epoch=5, thread=1, verbose=0).save_model(os.path.join(tmp, "ft.bin"))
    s = load_scorer(parse(f"name=ft,kind=fasttext,source={tmp}/ft.bin,label=hq"))
    docs = (texts * (n // len(texts) + 1))[:n]
    runs = [cpu(s.score, docs)[0] for _ in range(5)]
    return {"docs": n, "docs_per_cpu_s": round(n / float(np.median(runs)), 1)}


def build_encoder(texts, tmp):
    import torch
    import transformers
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers

    from quality.export import export_onnx

    d = os.path.join(tmp, "enc")
    os.makedirs(d)
    tok = Tokenizer(models.WordPiece(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=30000, special_tokens=["<s>", "<pad>", "</s>", "<unk>"]))
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.save(os.path.join(d, "tokenizer.json"))
    cfg = transformers.XLMRobertaConfig(vocab_size=tok.get_vocab_size(), max_position_embeddings=514, pad_token_id=1)
    torch.manual_seed(0)
    transformers.XLMRobertaModel(cfg).eval().save_pretrained(d)
    export_onnx(d)
    rng = np.random.default_rng(0)
    save_file({"0.weight": rng.normal(size=(256, 768)).astype(np.float32), "0.bias": np.zeros(256, np.float32),
               "2.weight": rng.normal(size=(1, 256)).astype(np.float32), "2.bias": np.zeros(1, np.float32)},
              os.path.join(d, "head.safetensors"))
    return d


def encoder_case(d, docs, runtime, batch, threads):
    spec = parse({"name": f"enc_{runtime}_{batch}", "kind": "encoder", "source": d, "head": os.path.join(d, "head.safetensors"),
                  "max_tokens": 512, "runtime": runtime, "batch_size": batch})
    s = load_scorer(spec, threads=threads)
    s.score(docs[:batch])  # warm-up
    t = time.time()
    s.score(docs)
    wall = time.time() - t
    out = {"runtime": runtime, "batch": batch, "docs": len(docs), "docs_per_s": round(len(docs) / wall, 2),
           "docs_per_s_per_core": round(len(docs) / wall / threads, 2)}
    # the raw runtime alone on the same padded batches: tokenization and pooling are the scorer's overhead
    encs = s.tokenizer.encode_batch(docs)
    order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
    batches = []
    for start in range(0, len(order), batch):
        idx = order[start:start + batch]
        w = max(len(encs[i].ids) for i in idx)
        ids = np.full((len(idx), w), s.pad_id, np.int64)
        mask = np.zeros((len(idx), w), np.int64)
        for r, i in enumerate(idx):
            ids[r, :len(encs[i].ids)], mask[r, :len(encs[i].ids)] = encs[i].ids, 1
        batches.append((ids, mask))
    t = time.time()
    for ids, mask in batches:
        s._hidden(ids, mask)
    raw = time.time() - t
    out["raw_runtime_docs_per_s"] = round(len(docs) / raw, 2)
    out["scorer_over_raw"] = round(wall / raw, 3)
    out["mean_tokens"] = round(float(np.mean([len(e.ids) for e in encs])), 1)
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("output")
    p.add_argument("--docs", type=int, default=64)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--results", default=os.path.join(os.path.dirname(__file__), "results", "quality-scoring"))
    a = p.parse_args()
    texts = texts_of(a.output)
    if not texts:
        print(f"{a.output}: no data files", file=sys.stderr)
        return 2
    run = json.load(open(os.path.join(a.output, "run.json")))
    stats = json.load(open(os.path.join(a.output, "stats.json")))
    kept = sum(v["train_docs"] + v["test_docs"] for v in stats["languages"].values())
    pipeline_cpu = run["timings"]["shard_cpu_s"] + run["timings"]["finalize_cpu_s"]
    res = {"input": {"output": a.output, "texts": len(texts), "kept_docs": kept, "pipeline_cpu_s": round(pipeline_cpu, 2)}}
    with tempfile.TemporaryDirectory() as tmp:
        ft = fasttext_case(texts, tmp, 5000)
        ft["share_of_pipeline_cpu"] = round(kept / ft["docs_per_cpu_s"] / pipeline_cpu, 5)
        res["fasttext"] = ft
        print(json.dumps(ft), flush=True)
        d = build_encoder(texts, tmp)
        long_docs = sorted(texts, key=len, reverse=True)
        docs = (long_docs * (a.docs // len(long_docs) + 1))[:a.docs]
        res["encoder"] = []
        for runtime, batch in (("onnx", 8), ("onnx", 32), ("torch", 8), ("torch", 32)):
            r = encoder_case(d, docs, runtime, batch, a.threads)
            res["encoder"].append(r)
            print(json.dumps(r), flush=True)
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    with open(a.results + ".json", "w") as f:
        json.dump(res, f, indent=1)
    lines = ["# Quality scoring benchmark", "", f"Input: {len(texts)} texts of {a.output}; {a.threads} thread(s).", "",
             f"fastText scorer: {ft['docs_per_cpu_s']} docs per CPU second; scoring the {kept} kept documents adds "
             f"{ft['share_of_pipeline_cpu']:.2%} to the pipeline's {pipeline_cpu:.0f} CPU s.", "",
             "| encoder runtime | batch | docs/s/core | raw runtime docs/s | scorer / raw time | mean tokens |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['runtime']} | {r['batch']} | {r['docs_per_s_per_core']} | {r['raw_runtime_docs_per_s']} | "
              f"{r['scorer_over_raw']} | {r['mean_tokens']} |" for r in res["encoder"]]
    lines += ["", f"Peak RSS {res['peak_rss_mb']} MB (both runtimes and the base model loaded in one process)."]
    with open(a.results + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
