"""``curate calibrate``: derive a language's FineWeb2 filter config from reference corpora.

    curate calibrate --reference REF --cc CC --language xxx_Scrp \\
        --english-reference EN_REF --english-cc EN_CC [--out filters/configs/] \\
        [--method-fwq ref-10tail] [--method-goq ref-quantile] [--method-gor cc-meanstd]
    curate calibrate --compare A.yml B.yml      (a path, or a language code = its shipped config)

Inputs are Parquet or JSONL files (or folders of them) with a ``text`` column (``--text-column``) and,
for the Common Crawl sample, an optional ``language_score`` column; rows with ``language`` and
``language_script`` columns are restricted to the target language (so a pipeline output folder can be
passed: its ``_work/shards/*/{lang}.parquet`` parts, i.e. every document LID labelled with the
language, before the LID threshold, are read).

What it does (FineWeb2, Penedo et al. 2025, §4.4 and A.7; the code that produced FineWeb2's configs is
not published, so each choice it leaves open is named here and in docs/calibrate.md):

1. Reference cleaning as the paper does for Wikipedia: drop documents whose dominant script
   (:func:`langid.scripts.dominant_script`) is not the language's, and documents lid.176 calls English
   with a score > 0.7 (not for English itself).
2. Per-document metrics with :func:`filters.metrics.document_metrics` (the filters' own definitions
   and tokenizer), for the reference, the CC sample, and the two English corpora; Ray tasks when a
   corpus has ``--ray-min-docs`` documents or more, in-process otherwise.
3. Thresholds per metric group, by FineWeb2's chosen methods (Table 25): FineWeb quality
   (``line_punct_thr``, ``new_line_ratio``) by 10Tail on the reference; Gopher quality (word lengths,
   alpha-word ratio) by Quantile against English on the reference; Gopher repetition
   (``dup_line_frac``, ``top_n_grams``, ``dup_n_grams``) by MeanStd against English on CC. Any group can
   use another method (``english``, ``{ref,cc}-{10tail,quantile,meanstd,medianstd,medianratio}``).
   The English thresholds are FineWeb's (:data:`filters.config.ENGLISH_DEFAULTS`); the English
   *distributions* are computed here, by the same code, from the English corpora given.
4. Stop words: lowercased word frequencies over the cleaned reference (tokens with a digit or with no
   letter removed); every word at or above ``--stopword-freq`` of all counted tokens, lowered to the
   8 most frequent words when fewer pass.
5. LID threshold ``max(0.3, min(0.9, median - std))`` of the CC sample's ``language_score``; when there
   is none, the shipped (or fallback) value is kept and the report says so. Metric distributions on
   CC then use only the documents at or above that threshold (the LID-filtered data FineWeb2 used).
6. Writes ``{out}/{lang}.yml`` in FineWeb2's format (``load_language_config`` reads it: with
   ``--out filters/configs/`` the pipeline uses it) and ``{report_dir}/{lang}.{md,json}``; prints a
   summary per threshold (reference distribution, threshold, share of reference and CC removed).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from filters.config import (
    CONFIG_DIR,
    CONFIG_KEYS,
    ENGLISH_DEFAULTS,
    LanguageConfig,
    _from_mapping,
    load_language_config,
    validate_lang_script,
)
from filters.metrics import METRICS, THRESHOLDS, Threshold, decide, distinct_stop_words, document_metrics, words_of

LID_FLOOR, LID_CAP = 0.3, 0.9  # FineWeb2 §4.2
ENGLISH_REF_MAX_SCORE = 0.7  # reference cleaning: drop docs lid.176 calls English above this
MIN_STOPWORDS = 8  # size of Gopher's English list
DEFAULT_STOPWORD_FREQ = 0.005
DEFAULT_METHODS = {"fwq": "ref-10tail", "goq": "ref-quantile", "gor": "cc-meanstd"}
BASE_METHODS = ("10tail", "quantile", "meanstd", "medianstd", "medianratio")
METHOD_ALIASES = {"quant": "quantile", "medratio": "medianratio"}  # the paper's Table 25 names
DEFAULT_RAY_MIN_DOCS = 20000
WARN_CC_REMOVED = 0.5  # a single threshold removing more of CC than this gets a warning in the report
BATCH_DOCS = 500


# ------------------------------------------------------------------ threshold methods (pure functions)
def _clean(values) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return v[~np.isnan(v)]


def ten_tail(values, side: str, tail: float = 0.10) -> float:
    """The value that removes ``tail`` of ``values`` on the filtered side (numpy's linear quantile)."""
    v = _clean(values)
    return float(np.quantile(v, tail if side == "lower" else 1.0 - tail))


def cdf_position(values, t: float) -> float:
    """Where ``t`` sits in ``values`` as a quantile level, on the piecewise-linear empirical CDF that is
    the exact inverse of ``np.quantile(values, q)`` (linear method): ``np.quantile(v, cdf_position(v,
    t)) == t`` for any t inside the range of v. Clamped to 0/1 outside the range."""
    v = np.sort(_clean(values))
    if len(v) == 1:
        return 0.0 if t < v[0] else 1.0
    return float(np.interp(t, v, np.linspace(0.0, 1.0, len(v))))


def quantile_match(values, en_values, thr_en: float) -> float:
    """Quantile: the value removing the same fraction of ``values`` as ``thr_en`` removes of
    ``en_values`` (same quantile level on both distributions, whichever side is filtered).

    When ``thr_en`` lies outside the English sample (it removes none of it, as FineWeb's word-length
    bounds 3 and 10 often do on a small sample), every value beyond the language's extreme removes the
    same 0%; the one returned sits as many standard deviations beyond that extreme as ``thr_en`` sits
    beyond the English extreme. Identical distributions therefore map ``thr_en`` to itself in every case.
    """
    v, e = _clean(values), _clean(en_values)
    lo, hi = e.min(), e.max()
    if lo <= thr_en <= hi:
        return float(np.quantile(v, cdf_position(e, thr_en)))
    if e.std() == 0:
        raise ValueError("English distribution is constant: cannot place a threshold outside it")
    k = (thr_en - (lo if thr_en < lo else hi)) / e.std()
    return float((v.min() if thr_en < lo else v.max()) + k * v.std())


def mean_std(values, en_values, thr_en: float) -> float:
    """MeanStd: ``z = (thr_en - mean_en) / std_en``, ``thr = mean + z * std`` (population std)."""
    v, e = _clean(values), _clean(en_values)
    if e.std() == 0:
        raise ValueError("English distribution is constant: MeanStd undefined")
    return float(v.mean() + (thr_en - e.mean()) / e.std() * v.std())


def median_std(values, en_values, thr_en: float) -> float:
    """The median variant of MeanStd (paper: "gives similar values")."""
    v, e = _clean(values), _clean(en_values)
    if e.std() == 0:
        raise ValueError("English distribution is constant: MedianStd undefined")
    return float(np.median(v) + (thr_en - np.median(e)) / e.std() * v.std())


def median_ratio(values, en_values, thr_en: float) -> float:
    """MedianRatio (HPLT2): ``thr_en * median / median_en``. When both medians are 0 (e.g. repeated
    n-grams, absent from most documents) the ratio is taken as 1 (``thr_en``); when only the English
    one is, the method is undefined."""
    med, med_en = float(np.median(_clean(values))), float(np.median(_clean(en_values)))
    if med_en == 0:
        if med == 0:
            return float(thr_en)
        raise ValueError("English median is 0: MedianRatio undefined")
    return float(thr_en * med / med_en)


def lid_threshold(scores) -> float:
    """``max(0.3, min(0.9, median - std))`` of the language's LID scores (FineWeb2 §4.2)."""
    s = _clean(scores)
    return float(max(LID_FLOOR, min(LID_CAP, np.median(s) - s.std())))


def select_stopwords(counts: Counter, freq: float = DEFAULT_STOPWORD_FREQ, min_words: int = MIN_STOPWORDS) -> list[str]:
    """Words with relative frequency >= ``freq``, most frequent first; if fewer than ``min_words``
    pass, the threshold is lowered to the ``min_words``-th word's frequency (ties included)."""
    total = sum(counts.values())
    if not total:
        return []
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    cut = freq * total
    chosen = [w for w, n in ranked if n >= cut]
    if len(chosen) < min_words and len(ranked) > len(chosen):
        floor = ranked[min(min_words, len(ranked)) - 1][1]
        chosen = [w for w, n in ranked if n >= floor]
    return chosen


def is_countable_word(w: str) -> bool:
    """Stop-word candidates: numbers and symbols removed (a letter, no digit)."""
    return any(c.isalpha() for c in w) and not any(c.isdigit() for c in w)


def parse_method(spec: str, group: str) -> tuple[str, str]:
    """``"ref-10tail"`` -> ("ref", "10tail"); a bare method takes the group's default source."""
    spec = spec.lower()
    if spec == "english":
        return "", "english"
    source, _, base = spec.rpartition("-")
    source = {"wiki": "ref", "": DEFAULT_METHODS[group].split("-")[0]}.get(source, source)
    base = METHOD_ALIASES.get(base, base)
    if source not in ("ref", "cc") or base not in BASE_METHODS:
        raise ValueError(f"unknown method {spec!r}: use english or {{ref,cc}}-{{{','.join(BASE_METHODS)}}}")
    return source, base


# ------------------------------------------------------------------ corpus reading and scanning
@dataclass
class Corpus:
    texts: list[str]
    scores: list[float] | None = None  # language_score column, when present
    files: list[str] = field(default_factory=list)


def _files(path: Path, lang_script: str | None) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"no such file or folder: {path}")
    work = path / "_work" / "shards"
    if lang_script and work.is_dir():  # a pipeline output: its staged parts for this language
        return sorted(work.glob(f"*/{lang_script}.parquet"))
    return sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith((".parquet", ".jsonl", ".jsonl.gz")))


def _rows(p: Path, text_column: str) -> list[dict]:
    if p.name.endswith(".parquet"):
        import pyarrow.parquet as pq

        schema = pq.read_schema(p)
        cols = [c for c in (text_column, "language_score", "language", "language_script") if c in schema.names]
        return pq.read_table(p, columns=cols).to_pylist()
    opener = gzip.open if p.name.endswith(".gz") else open
    with opener(p, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_corpus(path, text_column: str = "text", lang_script: str | None = None, max_docs: int | None = None) -> Corpus:
    """Texts (and language scores) of a Parquet/JSONL file or folder, restricted to ``lang_script``
    when the rows say their language."""
    texts: list[str] = []
    scores: list[float | None] = []
    files = _files(Path(path), lang_script)
    for p in files:
        for r in _rows(p, text_column):
            if text_column not in r:
                raise ValueError(f"{p}: no {text_column!r} column")
            if lang_script and r.get("language") and r.get("language_script"):
                if f"{r['language']}_{r['language_script']}" != lang_script:
                    continue
            elif lang_script and r.get("language") and "_" in str(r["language"]) and r["language"] != lang_script:
                continue
            if r[text_column] is None:
                continue
            texts.append(r[text_column])
            scores.append(r.get("language_score"))
            if max_docs and len(texts) >= max_docs:
                break
        if max_docs and len(texts) >= max_docs:
            break
    has_scores = bool(scores) and all(s is not None for s in scores)
    return Corpus(texts, [float(s) for s in scores] if has_scores else None, [str(f) for f in files])


def clean_reference(texts: list[str], lang_script: str, lid_model: str = "lid.176") -> tuple[list[str], dict[str, int]]:
    """Drop documents in another script or confidently English (FineWeb2's Wikipedia cleaning)."""
    from langid import load_model
    from langid.scripts import dominant_script

    script = lang_script.split("_")[1]
    expected = {"Hans": "Hani", "Hant": "Hani"}.get(script, script)
    counts = {"kept": 0, "other_script": 0, "english": 0, "empty": 0}
    candidates = []
    for t in texts:
        if not t or not t.strip():
            counts["empty"] += 1
        elif dominant_script(t) != expected:
            counts["other_script"] += 1
        else:
            candidates.append(t)
    if lang_script.startswith("eng_"):
        kept = candidates
    else:
        model = load_model(lid_model)
        kept = []
        for start in range(0, len(candidates), 1000):
            batch = candidates[start : start + 1000]
            for t, res in zip(batch, model.predict(batch)):
                if res.language == "eng" and res.score > ENGLISH_REF_MAX_SCORE:
                    counts["english"] += 1
                else:
                    kept.append(t)
    counts["kept"] = len(kept)
    return kept, counts


@dataclass
class Scan:
    """Per-document metrics of a corpus (NaN where undefined), distinct stop words per named list,
    and lowercased counts of countable words (when asked)."""

    metrics: dict[str, np.ndarray]
    stop_counts: dict[str, np.ndarray]
    word_counts: Counter
    n_docs: int

    @staticmethod
    def merge(parts: list[Scan]) -> Scan:
        if not parts:
            return Scan({m: np.array([]) for m in METRICS}, {}, Counter(), 0)
        wc: Counter = Counter()
        for p in parts:
            wc.update(p.word_counts)
        return Scan(
            {m: np.concatenate([p.metrics[m] for p in parts]) for m in METRICS},
            {k: np.concatenate([p.stop_counts[k] for p in parts]) for k in parts[0].stop_counts},
            wc,
            sum(p.n_docs for p in parts),
        )

    def row(self, i: int) -> dict:
        return {m: (None if math.isnan(v := float(self.metrics[m][i])) else v) for m in METRICS}


def scan_texts(texts: list[str], lang_script: str, stop_lists: dict[str, tuple[str, ...]], count_words: bool) -> Scan:
    """Metrics of every document (plain Python: the unit of work of a Ray task)."""
    cols = {m: np.full(len(texts), np.nan) for m in METRICS}
    stops = {k: np.zeros(len(texts), dtype=np.int64) for k in stop_lists}
    wc: Counter = Counter()
    for i, t in enumerate(texts):
        words = words_of(t, lang_script)
        for k, v in document_metrics(t, lang_script, words).items():
            if v is not None:
                cols[k][i] = v
        for k, sw in stop_lists.items():
            stops[k][i] = distinct_stop_words(words, sw)
        if count_words:
            wc.update(w.lower() for w in words if is_countable_word(w))
    return Scan(cols, stops, wc, len(texts))


def scan_corpus(texts, lang_script, stop_lists, count_words, *, use_ray: bool | None = None,
                ray_min_docs: int = DEFAULT_RAY_MIN_DOCS, ray_address: str | None = None,
                num_cpus: int | None = None, log=print) -> Scan:
    """:func:`scan_texts` over batches, as Ray tasks for a large corpus (orchestration only)."""
    batches = [texts[i : i + BATCH_DOCS] for i in range(0, len(texts), BATCH_DOCS)]
    if use_ray is None:
        use_ray = len(texts) >= ray_min_docs
    if not use_ray or not batches:
        return Scan.merge([scan_texts(b, lang_script, stop_lists, count_words) for b in batches])
    import ray  # the only Ray code of calibration

    if not ray.is_initialized():
        kwargs = dict(include_dashboard=False, logging_level="WARNING")
        if ray_address and ray_address != "local":
            ray.init(address=ray_address, **kwargs)
        else:
            ray.init(address="local", num_cpus=num_cpus, **kwargs)
    task = ray.remote(scan_texts)
    log(f"  {len(texts)} docs as {len(batches)} Ray tasks")
    return Scan.merge(ray.get([task.remote(b, lang_script, stop_lists, count_words) for b in batches]))


# ------------------------------------------------------------------ calibration
def config_to_mapping(c: LanguageConfig) -> dict:
    """The 10 FineWeb2 YAML keys of a config (n-gram lists as ``[[n, thr], ...]``)."""
    return {
        "dup_line_frac": c.dup_line_frac,
        "dup_n_grams": [[n, t] for n, t in c.dup_n_grams],
        "language_score": c.language_score,
        "line_punct_thr": c.line_punct_thr,
        "max_avg_word_length": c.max_avg_word_length,
        "max_non_alpha_words_ratio": c.max_non_alpha_words_ratio,
        "min_avg_word_length": c.min_avg_word_length,
        "new_line_ratio": c.new_line_ratio,
        "stopwords": list(c.stopwords),
        "top_n_grams": [[n, t] for n, t in c.top_n_grams],
    }


def threshold_value(c: LanguageConfig, key: str) -> float:
    if "[" in key:
        name, n = key[:-1].split("[")
        return dict(getattr(c, name))[int(n)]
    return getattr(c, key)


def _round(x: float, th: Threshold) -> float | int:
    """3 decimals, as FineWeb2 ships; word lengths as integers, rounded outwards (floor for a minimum,
    ceil for a maximum: never remove more than the raw threshold), after removing float noise."""
    if not th.integer:
        return round(x, 3)
    x = round(x, 6)
    return int(math.floor(x) if th.side == "lower" else math.ceil(x))


def _removed(values: np.ndarray, thr: float, side: str) -> float:
    """Share of documents (all of them; undefined metrics never remove) one threshold removes."""
    if len(values) == 0:
        return float("nan")
    with np.errstate(invalid="ignore"):
        hit = values < thr if side == "lower" else values > thr
    return float(np.count_nonzero(hit) / len(values))


def _describe(values) -> dict:
    v = _clean(values)
    if not len(v):
        return {"n": 0}
    q = np.quantile(v, [0.1, 0.25, 0.5, 0.75, 0.9])
    return {"n": int(len(v)), "p10": float(q[0]), "p25": float(q[1]), "median": float(q[2]), "p75": float(q[3]),
            "p90": float(q[4]), "mean": float(v.mean()), "std": float(v.std())}


def _chain(scan: Scan, config: LanguageConfig, stop_key: str) -> dict:
    reasons: Counter = Counter()
    for i in range(scan.n_docs):
        n_stop = int(scan.stop_counts[stop_key][i]) if stop_key in scan.stop_counts else None
        reasons[decide(scan.row(i), config, n_stop) or "kept"] += 1
    n = scan.n_docs or 1
    return {"removed": 1 - reasons["kept"] / n, "reasons": dict(reasons.most_common())}


@dataclass
class Inputs:
    lang_script: str
    ref: Scan
    cc: Scan
    en_ref: Scan | None
    en_cc: Scan | None
    cc_scores: list[float] | None


def calibrate_thresholds(inp: Inputs, methods: dict[str, str], tail: float = 0.10,
                         english: LanguageConfig = ENGLISH_DEFAULTS) -> tuple[dict[str, float], list[dict]]:
    """Threshold per key of :data:`THRESHOLDS` (except language_score) and one report row per key."""
    values: dict[str, float] = {}
    rows = []
    for th in THRESHOLDS:
        if th.group == "lid":
            continue
        source, base = parse_method(methods[th.group], th.group)
        thr_en = threshold_value(english, th.key)
        row = {"key": th.key, "metric": th.metric, "side": th.side, "group": th.group,
               "method": "english" if base == "english" else f"{source}-{base}"}
        if base == "english":
            raw = thr_en
        else:
            data = (inp.ref if source == "ref" else inp.cc).metrics[th.metric]
            if len(_clean(data)) < 2:
                raise ValueError(f"{th.key}: fewer than 2 {source} documents with {th.metric} defined")
            row["distribution"] = _describe(data)
            if base == "10tail":
                raw = ten_tail(data, th.side, tail)
            else:
                en_scan = inp.en_ref if source == "ref" else inp.en_cc
                if en_scan is None:
                    raise ValueError(f"{th.key}: method {source}-{base} needs --english-{'reference' if source == 'ref' else 'cc'}")
                en = en_scan.metrics[th.metric]
                row["english_distribution"] = _describe(en)
                row["english_threshold"] = thr_en
                row["english_removed"] = _removed(en, thr_en, th.side)
                fn = {"quantile": quantile_match, "meanstd": mean_std, "medianstd": median_std, "medianratio": median_ratio}[base]
                raw = fn(data, en, thr_en)
        row["raw"] = raw
        row["threshold"] = values[th.key] = _round(raw, th)
        note = disabled_note(th, row["threshold"])
        if note:
            row["note"] = note
        rows.append(row)
    return values, rows


def disabled_note(th: Threshold, value: float) -> str | None:
    """How datatrove reads a value that is not an ordinary threshold (see filters/quality.py)."""
    if th.key in ("dup_line_frac", "min_avg_word_length", "max_avg_word_length", "max_non_alpha_words_ratio") and value == 0:
        return "0 disables this check (datatrove skips falsy thresholds)"
    if th.key == "dup_line_frac" and value >= 1:
        return ">= 1 never fires (check disabled)"
    if th.key == "line_punct_thr" and value <= 0:
        return "<= 0 never fires (check disabled)"
    if th.key.startswith("dup_n_grams") and value == 0:
        return "0 removes any document with a repeated n-gram (datatrove does not skip it)"
    return None


def build_config(lang_script: str, values: dict[str, float], language_score: float, stopwords: list[str]) -> dict:
    top = sorted((int(k[len("top_n_grams["):-1]), v) for k, v in values.items() if k.startswith("top_n_grams["))
    dup = sorted((int(k[len("dup_n_grams["):-1]), v) for k, v in values.items() if k.startswith("dup_n_grams["))
    mapping = {k: values[k] for k in ("dup_line_frac", "line_punct_thr", "max_avg_word_length",
                                      "max_non_alpha_words_ratio", "min_avg_word_length", "new_line_ratio")}
    mapping.update(dup_n_grams=[[n, t] for n, t in dup], top_n_grams=[[n, t] for n, t in top],
                   language_score=round(language_score, 3), stopwords=list(stopwords))
    assert set(mapping) == CONFIG_KEYS
    _from_mapping(lang_script, mapping)  # validates
    return mapping


def dump_config(mapping: dict) -> str:
    """FineWeb2's YAML layout (PyYAML defaults: sorted keys, block lists, escaped non-ASCII)."""
    return yaml.safe_dump(mapping, sort_keys=True, default_flow_style=False)


def _shipped(lang_script: str) -> LanguageConfig | None:
    if lang_script == "eng_Latn":
        return ENGLISH_DEFAULTS
    return load_language_config(lang_script) if (CONFIG_DIR / f"{lang_script}.yml").is_file() else None


def run_calibration(a: argparse.Namespace, log=print) -> dict:
    lang = validate_lang_script(a.language)
    methods = {"fwq": a.method_fwq, "goq": a.method_goq, "gor": a.method_gor}
    for g, m in methods.items():
        parse_method(m, g)
    scan_kw = dict(use_ray=a.ray, ray_min_docs=a.ray_min_docs, ray_address=a.ray_address, num_cpus=a.num_cpus, log=log)
    shipped = _shipped(lang)
    needs_en = {src for g, m in methods.items() for src, base in [parse_method(m, g)] if base not in ("10tail", "english")}

    ref_corpus = read_corpus(a.reference, a.text_column, None, a.max_docs)
    ref_texts, cleaning = clean_reference(ref_corpus.texts, lang, a.lid_model) if not a.no_clean else (ref_corpus.texts, {"kept": len(ref_corpus.texts)})
    log(f"reference: {len(ref_corpus.texts)} docs, kept {len(ref_texts)} after cleaning {cleaning}")
    if len(ref_texts) < 2:
        raise ValueError("reference has fewer than 2 documents after cleaning")
    cc_corpus = read_corpus(a.cc, a.text_column, lang, a.max_docs)
    log(f"cc: {len(cc_corpus.texts)} docs{' with language_score' if cc_corpus.scores else ''}")

    # Stop words first (pass 1 on the reference: word counts), so every later pass can count them.
    ref_words = scan_corpus(ref_texts, lang, {}, True, **scan_kw) if not a.keep_stopwords else None
    if ref_words is not None:
        stopwords = select_stopwords(ref_words.word_counts, a.stopword_freq, MIN_STOPWORDS)
    else:
        stopwords = list((shipped or load_language_config(lang)).stopwords)
    stop_lists = {"calibrated": tuple(stopwords)}
    if shipped is not None:
        stop_lists["shipped"] = shipped.stopwords

    # LID threshold from the CC scores, then the LID-filtered CC.
    cc_texts = cc_corpus.texts
    if cc_corpus.scores:
        language_score, lid_source = lid_threshold(cc_corpus.scores), "cc-median-std"
        cc_texts = [t for t, s in zip(cc_corpus.texts, cc_corpus.scores) if s >= language_score]
    else:
        language_score = (shipped or load_language_config(lang)).language_score
        lid_source = "shipped" if shipped is not None else "fallback-median"
    if len(cc_texts) < 2:
        raise ValueError("CC sample has fewer than 2 documents (after the LID threshold)")

    ref = scan_corpus(ref_texts, lang, stop_lists, False, **scan_kw)
    cc = scan_corpus(cc_texts, lang, stop_lists, False, **scan_kw)
    en_ref = en_cc = None
    if "ref" in needs_en:
        if not a.english_reference:
            raise ValueError("--english-reference is needed by the chosen methods")
        en_texts = read_corpus(a.english_reference, a.text_column, None, a.max_docs).texts
        en_ref = scan_corpus(clean_reference(en_texts, "eng_Latn")[0], "eng_Latn", {}, False, **scan_kw)
    if "cc" in needs_en:
        if not a.english_cc:
            raise ValueError("--english-cc is needed by the chosen methods (MeanStd/Quantile/... on CC)")
        en_cc = scan_corpus(read_corpus(a.english_cc, a.text_column, None, a.max_docs).texts, "eng_Latn", {}, False, **scan_kw)

    values, rows = calibrate_thresholds(Inputs(lang, ref, cc, en_ref, en_cc, cc_corpus.scores), methods, a.tail)
    mapping = build_config(lang, values, language_score, stopwords)
    config = _from_mapping(lang, mapping)
    for row in rows:
        th = next(t for t in THRESHOLDS if t.key == row["key"])
        row["ref_removed"] = _removed(ref.metrics[th.metric], row["threshold"], th.side)
        row["cc_removed"] = _removed(cc.metrics[th.metric], row["threshold"], th.side)
        if shipped is not None:
            row["shipped"] = threshold_value(shipped, th.key)
            row["shipped_ref_removed"] = _removed(ref.metrics[th.metric], row["shipped"], th.side)
            row["shipped_cc_removed"] = _removed(cc.metrics[th.metric], row["shipped"], th.side)
        if row["cc_removed"] > WARN_CC_REMOVED:
            row["warning"] = (f"removes {100 * row['cc_removed']:.0f}% of CC on its own; FineWeb2 discarded method "
                              "choices removing > 75% of a language: check that the reference has the structure this metric needs")
    lid_row = {"key": "language_score", "method": lid_source, "threshold": mapping["language_score"]}
    if cc_corpus.scores:
        s = np.asarray(cc_corpus.scores)
        lid_row.update(distribution=_describe(s), cc_removed=float(np.mean(s < mapping["language_score"])))
    if shipped is not None:
        lid_row["shipped"] = shipped.language_score
    stop_row = {"key": "stopwords", "method": f"freq>={a.stopword_freq:g}, >= {MIN_STOPWORDS} words" if ref_words else "kept",
                "words": stopwords, "ref_removed": float(np.mean(ref.stop_counts["calibrated"] < config.min_stop_words)),
                "cc_removed": float(np.mean(cc.stop_counts["calibrated"] < config.min_stop_words))}
    if ref_words is not None:
        total = sum(ref_words.word_counts.values()) or 1
        stop_row["frequencies"] = {w: ref_words.word_counts[w] / total for w in stopwords}
    if shipped is not None:
        stop_row["shipped"] = list(shipped.stopwords)
        stop_row["shipped_ref_removed"] = float(np.mean(ref.stop_counts["shipped"] < shipped.min_stop_words))
        stop_row["shipped_cc_removed"] = float(np.mean(cc.stop_counts["shipped"] < shipped.min_stop_words))
    report = {
        "language": lang,
        "methods": methods,
        "inputs": {"reference": str(a.reference), "cc": str(a.cc), "english_reference": a.english_reference,
                   "english_cc": a.english_cc, "reference_docs": len(ref_corpus.texts), "reference_cleaning": cleaning,
                   "cc_docs": len(cc_corpus.texts), "cc_docs_after_lid": len(cc_texts),
                   "english_reference_docs": en_ref.n_docs if en_ref else 0, "english_cc_docs": en_cc.n_docs if en_cc else 0},
        "config": mapping,
        "thresholds": rows + [lid_row, stop_row],
        "whole_filter": {"calibrated": {"reference": _chain(ref, config, "calibrated"), "cc": _chain(cc, config, "calibrated")}},
    }
    if shipped is not None:
        report["whole_filter"]["shipped"] = {"reference": _chain(ref, shipped, "shipped"), "cc": _chain(cc, shipped, "shipped")}
    return report


# ------------------------------------------------------------------ reporting
def _pct(x) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def _num(x) -> str:
    return "-" if x is None else f"{x:.4g}"


def summary_lines(report: dict) -> list[str]:
    has_shipped = "shipped" in report["whole_filter"]
    out = [f"# Calibration of {report['language']}", "",
           f"methods: {report['methods']}; inputs: {json.dumps(report['inputs'])}", "",
           "| key | method | source p10 / median / p90 | threshold | ref removed | CC removed |"
           + (" shipped | shipped: ref / CC removed |" if has_shipped else ""),
           "|---|---|---|---|---|---|" + ("---|---|" if has_shipped else "")]
    for r in report["thresholds"]:
        d = r.get("distribution", {})
        dist = f"{_num(d.get('p10'))} / {_num(d.get('median'))} / {_num(d.get('p90'))}" if d.get("n") else "-"
        if r["key"] == "stopwords":
            thr = f"{len(r['words'])} words: {' '.join(r['words'][:12])}{' ...' if len(r['words']) > 12 else ''}"
            ship = f"{len(r['shipped'])} words" if "shipped" in r else ""
        else:
            thr, ship = _num(r["threshold"]), _num(r.get("shipped"))
        line = f"| {r['key']} | {r['method']} | {dist} | {thr} | {_pct(r.get('ref_removed'))} | {_pct(r.get('cc_removed'))} |"
        if has_shipped:
            line += f" {ship} | {_pct(r.get('shipped_ref_removed'))} / {_pct(r.get('shipped_cc_removed'))} |"
        out.append(line)
    out.append("")
    for r in report["thresholds"]:
        for kind in ("note", "warning"):
            if r.get(kind):
                out.append(f"- {kind}: {r['key']} = {r['threshold']}: {r[kind]}")
    for name, res in report["whole_filter"].items():
        for corpus, r in res.items():
            top = ", ".join(f"{k} {v}" for k, v in list(r["reasons"].items())[:6])
            out.append(f"- whole filter chain, {name} config, {corpus}: {_pct(r['removed'])} removed ({top})")
    return out


def write_outputs(report: dict, out_dir: Path, report_dir: Path) -> tuple[Path, Path]:
    lang = report["language"]
    out_dir.mkdir(parents=True, exist_ok=True)
    report_dir.mkdir(parents=True, exist_ok=True)
    cfg_path = out_dir / f"{lang}.yml"
    cfg_path.write_text(dump_config(report["config"]), encoding="utf-8")
    (report_dir / f"{lang}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    md = report_dir / f"{lang}.md"
    md.write_text("\n".join(summary_lines(report)) + "\n", encoding="utf-8")
    return cfg_path, md


# ------------------------------------------------------------------ compare
def _as_config(x) -> LanguageConfig:
    if isinstance(x, LanguageConfig):
        return x
    if isinstance(x, dict):
        return _from_mapping("und_Zzzz", x)
    p = Path(x)
    if p.is_file():
        with open(p, encoding="utf-8") as f:
            return _from_mapping(p.stem if "_" in p.stem else "und_Zzzz", yaml.safe_load(f))
    return load_language_config(validate_lang_script(str(x)))  # a code: its shipped config


def compare_configs(a, b) -> list[dict]:
    """Per key: both values and the drift (b - a, and relative to b); stop words by set overlap."""
    ca, cb = _as_config(a), _as_config(b)
    rows = []
    for th in THRESHOLDS:
        va, vb = threshold_value(ca, th.key), threshold_value(cb, th.key)
        rows.append({"key": th.key, "a": va, "b": vb, "diff": va - vb, "rel": (va - vb) / abs(vb) if vb else None})
    sa, sb = set(ca.stopwords), set(cb.stopwords)
    rows.append({"key": "stopwords", "a": len(sa), "b": len(sb), "jaccard": len(sa & sb) / len(sa | sb) if sa | sb else 1.0,
                 "common": sorted(sa & sb), "only_a": sorted(sa - sb), "only_b": sorted(sb - sa)})
    return rows


def compare_lines(a, b) -> list[str]:
    out = [f"| key | A ({a}) | B ({b}) | A - B | rel |", "|---|---|---|---|---|"]
    for r in compare_configs(a, b):
        if r["key"] == "stopwords":
            out.append(f"| stopwords | {r['a']} words | {r['b']} words | Jaccard {r['jaccard']:.2f} | |")
            out.append(f"\ncommon: {' '.join(r['common'])}\nonly A: {' '.join(r['only_a'])}\nonly B: {' '.join(r['only_b'])}")
        else:
            rel = "-" if r["rel"] is None else f"{100 * r['rel']:+.0f}%"
            out.append(f"| {r['key']} | {r['a']:g} | {r['b']:g} | {r['diff']:+.4g} | {rel} |")
    return out


# ------------------------------------------------------------------ CLI
def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="curate calibrate", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--compare", nargs=2, metavar=("A", "B"), help="show the drift between two configs (YAML paths or language codes)")
    p.add_argument("--reference", help="reference corpus of the language (Parquet/JSONL file or folder)")
    p.add_argument("--cc", help="LID-labelled Common Crawl sample of the language (file, folder or pipeline output)")
    p.add_argument("--language", help="FineWeb2 code, e.g. fra_Latn")
    p.add_argument("--english-reference", help="English reference corpus (for Quantile/MeanStd/MedianRatio on ref)")
    p.add_argument("--english-cc", help="English CC sample (for Quantile/MeanStd/MedianRatio on cc)")
    p.add_argument("--out", default=".", help="folder for {lang}.yml (filters/configs/ makes the pipeline use it)")
    p.add_argument("--report-dir", help="folder for {lang}.md and {lang}.json (default: OUT/calibration_reports)")
    for g, help_ in (("fwq", "FineWeb quality"), ("goq", "Gopher quality"), ("gor", "Gopher repetition")):
        p.add_argument(f"--method-{g}", default=DEFAULT_METHODS[g], help=f"{help_} (default {DEFAULT_METHODS[g]}): english | "
                       "[ref-|cc-]{10tail,quantile,meanstd,medianstd,medianratio}")
    p.add_argument("--tail", type=float, default=0.10, help="share removed by 10Tail (default 0.10)")
    p.add_argument("--stopword-freq", type=float, default=DEFAULT_STOPWORD_FREQ, help="relative frequency of a stop word")
    p.add_argument("--keep-stopwords", action="store_true", help="keep the shipped (or fallback) stop words")
    p.add_argument("--no-clean", action="store_true", help="do not clean the reference (script, English)")
    p.add_argument("--lid-model", default="lid.176", help="LID model for the reference cleaning")
    p.add_argument("--text-column", default="text")
    p.add_argument("--max-docs", type=int, help="read at most this many documents per corpus")
    p.add_argument("--ray", action=argparse.BooleanOptionalAction, default=None,
                   help="scan with Ray tasks (default: when a corpus has >= --ray-min-docs docs)")
    p.add_argument("--ray-min-docs", type=int, default=DEFAULT_RAY_MIN_DOCS)
    p.add_argument("--ray-address", help="Ray cluster address (default: a local instance)")
    p.add_argument("--num-cpus", type=int)
    p.add_argument("--quiet", action="store_true", help="no summary on stdout")
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    a = p.parse_args(argv)
    if a.compare:
        try:
            print("\n".join(compare_lines(*a.compare)))
        except (OSError, ValueError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        return 0
    if not (a.reference and a.cc and a.language):
        p.print_usage(sys.stderr)
        print("error: --reference, --cc and --language are required (or --compare A B)", file=sys.stderr)
        return 2
    log = (lambda *x: None) if a.quiet else (lambda *x: print(*x, file=sys.stderr, flush=True))
    try:
        report = run_calibration(a, log)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    out = Path(a.out)
    cfg_path, md = write_outputs(report, out, Path(a.report_dir) if a.report_dir else out / "calibration_reports")
    if not a.quiet:
        print("\n".join(summary_lines(report)))
        print(f"\nconfig: {cfg_path}\nreport: {md} (+ .json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
