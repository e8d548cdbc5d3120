"""The one typed configuration of a run, with every default in one place.

Its hash (`config_hash`) is recorded in the run's stats and dataset card, so a dataset can be
traced to the exact parameters that produced it. Configuration is data: it can be loaded from a
YAML file with `yaml.safe_load`, never executed.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from dataclasses import dataclass, field

import yaml

SAMPLE_SNAPSHOT = "CC-MAIN-SAMPLE"
SAMPLE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample", SAMPLE_SNAPSHOT)
LANG_SCRIPT_RE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
SNAPSHOT_RE = re.compile(r"^CC-MAIN-[0-9A-Z-]+$")
QUALITY_SELECT_RE = re.compile(r"^(top:(100(\.0+)?|[0-9]{1,2}(\.[0-9]+)?)|min:-?[0-9]+(\.[0-9]+)?)$")
# the quality step's fields: they decide what the quality step keeps, not what the stages before it did,
# so changing a model leaves the shard, dedup and finalize work valid (its own hash is in quality/summary.json)
QUALITY_FIELDS = ("quality_models", "quality_select", "quality_select_model", "quality_cpus", "quality_gpus",
                  "quality_actors", "quality_start_timeout_s")


@dataclass(frozen=True)
class MinhashParams:
    """FineWeb2's MinHash: 5-word shingles, 64-bit xxhash, 14 bands x 8 rows (112 permutations)."""

    n_grams: int = 5
    num_buckets: int = 14
    hashes_per_bucket: int = 8
    seed: int = 1


@dataclass(frozen=True)
class PipelineConfig:
    # --- input / output ---
    snapshot: str = SAMPLE_SNAPSHOT          # CC snapshot name; the bundled sample by default
    input: str | None = None                 # local dir / s3:// prefix of WARC shards (overrides snapshot)
    output: str = "./output"
    languages: tuple[str, ...] = ()          # FineWeb2 codes to keep (empty: all)
    limit_shards: int | None = None
    cc_base_url: str = "s3://commoncrawl"    # or https://data.commoncrawl.org
    # --- extraction (trafilatura, FineWeb2 settings) ---
    extract_timeout_s: float = 10.0          # per record; 1 s (datatrove's default) drops real slow pages
    favor_precision: bool = True
    include_comments: bool = False
    deduplicate: bool = True
    max_html_bytes: int = 20_000_000         # larger payloads are counted as "too_large", not parsed
    # --- language ID ---
    lid_model: str = "lid.176"               # "lid.176" (bundled), a path, s3:// URI or hf://repo/file
    # FineWeb2's per-language thresholds are calibrated on GlotLID scores; lid.176 scores are
    # spread differently, so with any other model one documented threshold applies to all languages.
    lid_threshold_non_glotlid: float = 0.5
    # FineWeb2 leaves English to FineWeb (its base pass removes English >= 0.65 with lid.176).
    english_threshold: float = 0.65
    release_english: bool = False
    filter_configs: str | None = None        # folder of calibrated {lang}.yml (curate calibrate --out) used first
    # --- dedup ---
    minhash: MinhashParams = field(default_factory=MinhashParams)
    dedup_docs_per_partition: int = 2_000_000  # a language's hash partitions grow with its size...
    dedup_max_partitions: int = 256            # ...up to this many (bucket and cluster shuffles)
    dedup_rows_per_map_task: int = 50_000      # documents read by one signature-map task (bounds its memory)
    dedup_spill: bool = True                   # shuffle bucket rows and edges through Parquet on the output store
    dedup_index_files_per_task: int = 16       # index bucket files read by one index-map task
    dedup_max_rounds: int = 50               # label-propagation rounds before giving up loudly
    dedup_index: str | None = None           # persisted index dir: deduplicate against earlier runs
    # --- finalize ---
    test_fraction: float = 0.01              # FineWeb2: min(1%, 100k docs) per language, by content hash
    test_max_docs: int = 100_000
    parts_per_finalize_task: int = 64        # staged (shard, language) parts per output file group
    max_rows_per_file: int = 200_000
    # --- model-based quality (after dedup and the heuristic filters; quality/spec.py documents a spec) ---
    quality_models: tuple = ()               # specs: "key=value,..." strings, mappings, or folders with quality.yaml
    quality_select: str | None = None        # "top:10" (percent of each language), "min:3" (score >= 3), None: scores only
    quality_select_model: str | None = None  # the model selection uses (default: the first)
    quality_cpus: int = 1                    # threads (and Ray CPUs) per scoring actor
    quality_gpus: float = 0.0                # GPUs per scoring actor (0: CPU actors)
    quality_actors: int | None = None        # scoring actors (None: as many as the cluster's CPUs or GPUs allow)
    quality_start_timeout_s: float = 1800.0  # how long scoring actors may wait for room (an autoscaled GPU node)
    # --- execution ---
    num_cpus: int | None = None              # local Ray instance size (None: all cores)
    ray_address: str | None = None
    shard_retries: int = 2                   # application errors retried before a shard is quarantined
    shard_tasks_in_flight: int | None = None   # shard tasks submitted at a time (None: 4 per cluster CPU, at least 64)
    # true: a resume also lists every staged part (4,500 pages for a snapshot) and redoes shards missing one;
    # false: a committed shard's parts are trusted, as nothing deletes them (curate/run/resume.py)
    resume_verify_parts: bool = False
    progress_interval_s: float = 5.0
    # benchmark switch: datatrove's plain spaCy tokenization and Python-set URL lists instead of our
    # cached/memory-mapped versions. Decisions are identical by design; bench/ checks they are.
    unoptimised: bool = False
    patches_off: tuple = ()                  # single library patches left out (curate/patches; the speed-up review)

    def __post_init__(self):
        for lang in self.languages:
            if not LANG_SCRIPT_RE.match(lang):
                raise ValueError(f"invalid language code {lang!r}: expected FineWeb2 form like 'fra_Latn'")
        if self.quality_select is not None and not QUALITY_SELECT_RE.match(self.quality_select):
            raise ValueError(f"invalid quality_select {self.quality_select!r}: expected top:PERCENT (e.g. top:10) or min:SCORE")
        if self.quality_select and not self.quality_models:
            raise ValueError("quality_select needs at least one quality model (quality_models / --quality-model)")
        if self.input is None and not SNAPSHOT_RE.match(self.snapshot):
            raise ValueError(f"invalid snapshot name {self.snapshot!r}: expected e.g. CC-MAIN-2024-10")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def config_hash(self) -> str:
        """Hash of the parameters that decide which documents are kept (not paths or resources)."""
        d = self.to_dict()
        for k in ("output", "num_cpus", "ray_address", "progress_interval_s", "limit_shards", "unoptimised", "patches_off",
                  "dedup_spill", "shard_tasks_in_flight", "resume_verify_parts", *QUALITY_FIELDS):
            d.pop(k)
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_yaml(cls, text: str, **overrides) -> "PipelineConfig":
        data = yaml.safe_load(text) or {}
        if not isinstance(data, dict):
            raise ValueError("config YAML must be a mapping")
        data.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        if "minhash" in data and isinstance(data["minhash"], dict):
            data["minhash"] = MinhashParams(**data["minhash"])
        if "quality_models" in data:
            data["quality_models"] = tuple(data["quality_models"] or ())
        if "languages" in data:
            data["languages"] = tuple(data["languages"] or ())
        if "patches_off" in data:
            data["patches_off"] = tuple(data["patches_off"] or ())
        return cls(**data)
