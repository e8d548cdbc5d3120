"""End of a run: stats.json (deterministic: the same input gives the same file), run.json
(timings of this particular run) and the dataset card README.md."""
from __future__ import annotations

import json
import time

from curate.config import PipelineConfig
from curate.report.card import write_card
from curate.store import storage
from curate.store.counters import Counters


def cluster_distribution(counters: Counters, lang: str) -> dict[str, dict[str, int]]:
    """{cluster size: {"kept": n, "removed": n}} of cluster representatives (filter outcome by size)."""
    out: dict[str, dict[str, int]] = {}
    for (stage, l, reason), n in counters.c.items():
        if stage == "clusters" and l == lang:
            size, outcome = reason.removeprefix("size=").split(":")
            out.setdefault(size, {"kept": 0, "removed": 0})[outcome] += n
    return dict(sorted(out.items(), key=lambda kv: int(kv[0])))


def language_summary(counters: Counters, languages: list[str], info: dict[str, dict]) -> dict[str, dict]:
    out = {}
    for lang in languages:
        passed_lid = counters.total("lid_threshold", lang, "kept")
        below = counters.total("lid_threshold", lang) - passed_lid
        dups = counters.total("dedup", lang, "minhash_duplicate")
        filtered = counters.total("filters", lang) - counters.total("filters", lang, "kept")
        out[lang] = {
            "docs_identified": counters.total("langid", lang, "kept"),
            "docs_below_lid_threshold": below,
            "docs_duplicates": dups,
            "docs_filtered": filtered,
            **{f"{split}_{what}": counters.total("output", lang, f"{split}_{what}")
               for split in ("train", "test", "removed") for what in ("docs", "words", "bytes")},
            "filter_reasons": {r: n for (s, l, r), n in sorted(counters.c.items())
                               if s == "filters" and l == lang and r != "kept"},
            "cluster_sizes": cluster_distribution(counters, lang),
            **info.get(lang, {}),
        }
    return out


# what `curate audit ingest` summarised: a new run of the same output carries it into stats.json and the card
AUDIT_SUMMARY = "audits/summary.json"
# what the quality step (in the run or `curate score`) summarised; kept with the data files it rewrote
QUALITY_SUMMARY = "quality/summary.json"


def write_outputs(cfg: PipelineConfig, shards, shard_info: dict, counters: Counters, dedup_results, finals,
                  failed: list[dict], timings: dict, started: float) -> str:
    """stats.json, the card and its pictures, then run.json with the card's wall time and the whole
    run's (from `started`, a time.time()) in its timings."""
    languages = sorted(dedup_results)
    info = shard_info["languages"]  # per-language settings the shard tasks used (same in every shard of a run)
    lid_models = shard_info["lid_models"]
    stats = {
        "snapshot": cfg.snapshot if not cfg.input else None,
        "input": cfg.input,
        "config_hash": cfg.config_hash,
        "config": {k: v for k, v in cfg.to_dict().items() if k not in ("output", "ray_address", "num_cpus")},
        "shards": {"total": len(shards), "committed": shard_info["committed"], "failed": [f["shard"] for f in failed]},
        "lid_model": json.loads(lid_models[0]) if lid_models else None,
        "languages": language_summary(counters, languages, info),
        "dedup": {l: {k: r[k] for k in ("partitions", "rounds", "clustered_docs")} for l, r in dedup_results.items()},
        "files": sorted(f for m in finals for f in m["files"]),
        "counters": counters.to_rows(),
    }
    for key, rel in (("audits", AUDIT_SUMMARY), ("quality", QUALITY_SUMMARY)):
        uri = storage.join(cfg.output, rel)
        if storage.exists(uri):
            stats[key] = json.loads(storage.read_text(uri))
    storage.write_text(storage.join(cfg.output, "stats.json"), json.dumps(stats, indent=1, sort_keys=True))
    t = time.time()
    card = write_card(cfg, stats)  # card, pictures, rehydration weights, diff against the previous card
    timings["card_s"] = time.time() - t
    timings["total_s"] = time.time() - started
    run_info = {"timings": timings, "failures": failed,
                "shard_cpu_seconds": shard_info["shard_cpu_seconds"]}
    storage.write_text(storage.join(cfg.output, "run.json"), json.dumps(run_info, indent=1, sort_keys=True))
    return card
