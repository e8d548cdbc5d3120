"""The quality step's driver: which data files to score, the whole-language cutoffs, selection, and
the summary (``quality/summary.json``, carried into stats.json and the card). Runs inside the pipeline
after finalize (`quality_models:` in the config) and on an existing output (`curate score`); the Ray
parts (the scoring actor pool, the selection tasks) are in `curate.run.orchestrate`."""
from __future__ import annotations

import hashlib
import json
import os
import time

import numpy as np

from curate.config import PipelineConfig
from curate.report.outputs import QUALITY_SUMMARY as SUMMARY
from curate.stages import quality as stage
from curate.stages.shard import work_dir
from curate.store import storage
from quality import demo, parse

HIST_BINS = 40


def _fp(*items) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()[:16]


def data_files(cfg: PipelineConfig) -> dict[str, list[str]]:
    """{language: [data file URI]} of the released (not `_removed`) subsets, train and test."""
    out: dict[str, list[str]] = {}
    for uri in storage.list_files(storage.join(cfg.output, "data"), ".parquet"):
        lang, split = uri.rsplit("/", 3)[1:3]
        if not lang.endswith("_removed") and split in ("train", "test"):
            out.setdefault(lang, []).append(uri)
    return out


def demo_model_uri(cfg: PipelineConfig) -> str:
    uri = storage.join(work_dir(cfg), "quality", "demo", "model.bin")
    # one spelling of a local output ("./output", "output/"): the path is in the spec, whose digest keys the scores
    return uri if storage.is_s3(uri) else os.path.abspath(uri)


def specs_of(cfg: PipelineConfig) -> list:
    """The configured models; the spec ``demo`` is the project's demonstration model (`quality.demo`)."""
    specs = [demo.spec(demo_model_uri(cfg)) if s == demo.NAME else parse(s) for s in cfg.quality_models]
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"quality models need distinct names, got {names}")
    if cfg.quality_select_model and cfg.quality_select_model not in names:
        raise ValueError(f"quality_select_model {cfg.quality_select_model!r} is not one of the models {names}")
    return specs


def run_quality(cfg: PipelineConfig, score_files, map_tasks, log) -> dict:
    """Score, cut and select; returns the summary. `score_files(cfg, specs, jobs)` scores
    [(data URI, sidecar URI)] on the actor pool; `map_tasks(fn, arg_tuples)` runs plain tasks."""
    specs = specs_of(cfg)
    if demo.NAME in cfg.quality_models and not storage.exists(demo_model_uri(cfg)):
        model, figures = demo.train()
        storage.write_bytes(demo_model_uri(cfg), model)
        log(f"quality: trained the demonstration model on {figures['trained_on']} documents "
            f"(held-out accuracy {figures['figures']['accuracy']})")
    files = data_files(cfg)
    work = work_dir(cfg)
    finalized = sorted(json.loads(storage.read_text(u)).get("fingerprint", "")
                       for u in storage.list_files(storage.join(work, "finalize"), ".json"))
    scores_fp = _fp(finalized, [s.digest() for s in specs])
    scores_dir = storage.join(work, "quality", "scores", scores_fp)
    rel = {u: u[len(storage.join(cfg.output, "data")):].lstrip("/") for fs in files.values() for u in fs}
    sidecar = {u: storage.join(scores_dir, r) for u, r in rel.items()}
    present = set(storage.list_files(scores_dir, ".parquet"))
    todo = [(u, sidecar[u]) for u in rel if sidecar[u] not in present]
    t = time.time()
    log(f"quality: {len(rel)} data files, {len(rel) - len(todo)} scored before, {len(todo)} to score "
        f"with {', '.join(s.name for s in specs)}")
    scored = score_files(cfg, specs, todo) if todo else []
    sha = {}
    for r in scored:
        for name, h in r["sha256"].items():
            if sha.setdefault(name, h) != h:
                raise RuntimeError(f"quality model {name}: workers loaded different files ({sha[name]} vs {h})")
    previous = _previous(cfg)
    for name in (s.name for s in specs):  # a resumed run scored nothing new: the hash of the earlier run
        if name not in sha and previous:
            sha[name] = next((m["sha256"] for m in previous.get("models", []) if m["name"] == name), None)
    score_s = time.time() - t

    select_name = cfg.quality_select_model or specs[0].name
    column = f"quality_{select_name}"
    gathered = dict(zip(files, map_tasks(_gather, [([sidecar[u] for u in fs], [s.column for s in specs]) for fs in files.values()])))
    rule = cfg.quality_select
    cutoffs = {}
    for lang, (keys, cols) in gathered.items():
        if rule and rule.startswith("top:"):
            cutoffs[lang] = stage.top_cutoff(cols[column], keys, float(rule[4:]))
    tag = _fp(scores_fp, rule, column if rule else None, cutoffs)
    jobs = [(u, sidecar[u], lang, column if rule else None, rule, cutoffs.get(lang), tag) for lang, fs in files.items() for u in fs]
    results = map_tasks(stage.select_file, jobs)
    for u in storage.list_files(storage.join(work, "quality", "scores")):  # earlier models' or inputs' scores
        if not u.startswith(scores_dir + "/"):
            storage.delete(u)
    summary = _summary(cfg, specs, sha, select_name, rule, cutoffs, gathered, results, scores_fp, tag)
    summary["timings"] = {"score_s": round(score_s, 3), "files_scored": len(todo)}
    storage.write_text(storage.join(cfg.output, SUMMARY), json.dumps(summary, indent=1, sort_keys=True))
    kept = sum(r["kept"] for r in results)
    log(f"quality: {sum(r['scored'] for r in results)} documents scored, {kept} kept"
        + (f" by {rule} of {select_name}" if rule else " (scores only)"))
    return summary


def _gather(sidecars: list[str], columns: list[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """A language's doc keys and scores, from all its sidecars (the cutoff is over the whole language)."""
    tables = [storage.read_parquet(u, columns=["doc_key", *columns]) for u in sidecars]
    keys = np.concatenate([t.column("doc_key").to_numpy() for t in tables]) if tables else np.empty(0, np.int64)
    return keys, {c: (np.concatenate([t.column(c).to_numpy() for t in tables]) if tables else np.empty(0, np.float32))
                  for c in columns}


def _previous(cfg: PipelineConfig) -> dict | None:
    uri = storage.join(cfg.output, SUMMARY)
    try:
        return json.loads(storage.read_text(uri)) if storage.exists(uri) else None
    except ValueError:
        return None


def _score_range(gathered: dict, column: str) -> tuple[float, float]:
    """One range for a model's histograms in every language, so the card's panels compare; [0, 1] for
    probabilities."""
    v = np.concatenate([cols[column] for _, cols in gathered.values()] or [np.empty(0, np.float32)])
    v = v[np.isfinite(v)]
    if not len(v) or (v.min() >= 0 and v.max() <= 1):
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    return lo, hi if hi > lo else lo + 1.0


def _histogram(values: np.ndarray, lo: float, hi: float) -> dict:
    v = values[np.isfinite(values)].astype(np.float64)
    if not len(v):
        return {"edges": [], "counts": []}
    counts, edges = np.histogram(v, bins=HIST_BINS, range=(lo, hi))
    return {"edges": [round(float(e), 6) for e in edges], "counts": counts.tolist()}


def _summary(cfg, specs, sha, select_name, rule, cutoffs, gathered, results, scores_fp, tag) -> dict:
    langs = {}
    ranges = {s.column: _score_range(gathered, s.column) for s in specs}
    for lang, (keys, cols) in sorted(gathered.items()):
        rs = [r for r in results if r["lang"] == lang]
        entry = {k: sum(r[k] for r in rs) for k in ("scored", "kept", "removed", "kept_words", "kept_bytes")}
        entry["histograms"] = {c.removeprefix("quality_"): _histogram(v, *ranges[c]) for c, v in cols.items()}
        entry["mean"] = {c.removeprefix("quality_"): round(float(np.nanmean(v)), 6) if len(v) else None for c, v in cols.items()}
        if lang in cutoffs:
            entry["cutoff"] = None if cutoffs[lang] is None else round(cutoffs[lang][0], 6)
        langs[lang] = entry
    return {
        "hash": tag,
        "scores": scores_fp,
        "models": [{"name": s.name, "kind": s.kind, "source": s.source, "head": s.head, "sha256": sha.get(s.name),
                    "demo": s.demo, "column": s.column, "spec": s.to_dict()} for s in specs],
        "select": {"rule": rule, "model": select_name if rule else None},
        "languages": langs,
        "removed_files": sorted(r["removed_file"][len(storage.join(cfg.output, "")):] for r in results if r["removed_file"]),
    }
