"""What the datatrove reference's stage processes share, and stage A (see datatrove_fineweb2.py).

* FineWeb2's per-language configs (`load_config`) and the ft176 label -> FineWeb2 code mapping;
* ft176 served from a local model file (`LocalFT176`);
* `run_executor`: one LocalPipelineExecutor run, timed (CPU of this process and its reaped children,
  wall) with datatrove's per-block stats;
* the release columns of the final Parquet (`fw2_adapter`, `parquet_schema`);
* `stage_a`: WarcReader -> URLFilter -> Trafilatura -> LanguageFilter -> JsonlWriter per language.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIG_DIRS = [REPO / "filters" / "configs", Path("/work/shared/data/fineweb2/configs")]

# FineWeb2 has no eng_Latn config (English goes to FineWeb). Unless filters/configs/eng_Latn.yml
# exists, English uses datatrove's FineWeb-English defaults (stop_words=None = datatrove's English list).
ENGLISH_DEFAULTS = {
    "language_score": 0.65,
    "dup_line_frac": 0.3,
    "top_n_grams": [[2, 0.2], [3, 0.18], [4, 0.16]],
    "dup_n_grams": [[5, 0.15], [6, 0.14], [7, 0.13], [8, 0.12], [9, 0.11], [10, 0.10]],
    "line_punct_thr": 0.12,
    "new_line_ratio": 0.3,
    "min_avg_word_length": 3,
    "max_avg_word_length": 10,
    "max_non_alpha_words_ratio": 0.8,
    "stopwords": None,
}


def fw2_code(ft176_label: str) -> str:
    """FineWeb2 code of an ft176 label, by curate's own normalisation, so both sides route alike."""
    from langid.labels import normalise

    lang, script = normalise(ft176_label)
    return f"{lang}_{script}"


def load_config(code: str) -> tuple[dict, str]:
    """(FineWeb2's filter config for a language code, where it came from); FileNotFoundError if none."""
    import yaml

    for d in CONFIG_DIRS:
        p = d / f"{code}.yml"
        if p.exists():
            return yaml.safe_load(p.read_text()), str(p)
    if code == "eng_Latn":
        return dict(ENGLISH_DEFAULTS), "builtin:datatrove-fineweb-english-defaults"
    raise FileNotFoundError(f"no FineWeb2 config for {code}")


def cpu_now() -> float:
    """CPU seconds of this process and of its reaped children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_executor(executor, logging_dir: Path) -> dict:
    """Run one executor; return CPU (self + reaped children), wall and datatrove's per-block stats."""
    c0, w0 = cpu_now(), time.perf_counter()
    executor.run()
    cpu, wall = cpu_now() - c0, time.perf_counter() - w0
    blocks = []
    stats_file = logging_dir / "stats.json"
    if stats_file.exists():
        for st in json.loads(stats_file.read_text()):
            ts = st.get("time_stats")  # an int 0 when the block never saw a document
            blocks.append(
                {
                    "name": st.get("name"),
                    "time_s": round(float(ts.get("total", 0.0)) if isinstance(ts, dict) else 0.0, 4),
                    "stats": {k: (v.get("total") if isinstance(v, dict) else v) for k, v in st.get("stats", {}).items()},
                }
            )
    incomplete = executor.get_incomplete_ranks()
    return {"cpu_s": round(cpu, 4), "wall_s": round(wall, 4), "blocks": blocks, "incomplete_ranks": list(incomplete)}


try:
    from datatrove.utils.lid import FastTextLID as _FastTextLID
except ImportError:  # orchestrator-only use without datatrove: stage processes will fail loudly
    _FastTextLID = object


class LocalFT176(_FastTextLID):
    """ft176 served from a local .ftz (datatrove copies it to $HF_HOME/assets/datatrove/lid/ft176/).
    Module-level class + instance MODEL_URL, so the forkserver pool (workers > 1) can pickle it."""

    MODEL_SUBFOLDER = "ft176"

    def __init__(self, languages=None, k: int = -1, model_url: str | None = None):
        super().__init__(languages, k)
        self.MODEL_URL = model_url


def parquet_schema():
    import pyarrow as pa

    return pa.schema(
        [
            ("text", pa.string()), ("id", pa.string()), ("url", pa.string()), ("date", pa.string()),
            ("file_path", pa.string()), ("language", pa.string()), ("language_score", pa.float64()),
            ("language_script", pa.string()), ("minhash_cluster_size", pa.int64()), ("top_langs", pa.string()),
        ]
    )


def fw2_adapter(self, document) -> dict:
    """FineWeb2's release columns; the per-document top_language_*_score keys become one JSON string
    (needed anyway: ParquetWriter infers its schema from the first doc and these keys vary)."""
    md = document.metadata
    code = fw2_code(md["language"]) if md.get("language") else ""
    top = {k[len("top_language_"):-len("_score")]: v for k, v in md.items() if k.startswith("top_language_")}
    return {
        "text": document.text, "id": document.id, "url": md.get("url"), "date": str(md.get("date")),
        "file_path": md.get("file_path"), "language": md.get("language"),
        "language_score": md.get("language_score"), "language_script": md.get("language_script") or (code.split("_")[1] if code else None),
        "minhash_cluster_size": md.get("minhash_cluster_size"), "top_langs": json.dumps(top),
    }


def stage_a(args) -> dict:
    """WARC -> extracted, language-labelled documents in WORK/A/out/<ft176 label>/; one task per worker."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.filters import LanguageFilter, URLFilter
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter

    inp = Path(args.input)
    if inp.is_dir():
        folder, glob = str(inp), "*.warc*"
        n_files = len(list(inp.glob(glob)))
    else:
        folder, glob, n_files = str(inp.parent), inp.name, 1
    work = Path(args.work)
    lid = LanguageFilter(backend="ft176", label_only=True, keep_top_pairs_threshold=0.01)
    lid.model = LocalFT176(model_url=str(Path(args.lid_model).resolve()))
    pipeline = [
        WarcReader(folder, glob_pattern=glob),
        URLFilter(),
        Trafilatura(favour_precision=True, timeout=10.0),
        lid,
        JsonlWriter(str(work / "A" / "out"), output_filename="${language}/${rank}.jsonl.gz"),
    ]
    logs = work / "A" / "logs"
    ex = LocalPipelineExecutor(pipeline, tasks=args.workers, workers=args.workers, logging_dir=str(logs))
    res = run_executor(ex, logs)
    res["input_files"] = n_files
    if n_files < args.workers:
        res["warning"] = f"{n_files} input file(s) for {args.workers} tasks: datatrove shards by file"
    return res
