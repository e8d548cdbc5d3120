"""`curate` command line. Each subcommand lives in the module that does the work and exposes
`main(argv) -> exit code`; this table is the only place that lists them."""
from __future__ import annotations

import argparse
import importlib
import sys

from curate.config import PipelineConfig

COMMANDS = {
    "run": ("curate.run.cli:run_pipeline_main", "run the FineWeb2 pipeline (same options as pipelines/fineweb2.py)"),
    "status": ("curate.report.status:main", "progress and failures of a job, read from its output store alone"),
    "card": ("curate.report.card:main", "re-render the dataset card of an output from its stats"),
    "rehydrate": ("curate.report.rehydrate:main", "upsample an output by cluster size (FineWeb2 rehydration)"),
    "publish": ("curate.report.publish:main", "push an output to the Hugging Face Hub"),
    "cron": ("curate.run.cron:main", "process Common Crawl snapshots not yet in an output, incrementally"),
    "score": ("curate.run.score:main", "score an output's documents with quality models, and select by score"),
    "train-quality": ("quality.train:main", "train a fastText classifier or an encoder head that `score` loads"),
    "audit": ("curate.audit.cli:main", "audit packs, their review page (serve) and reviewers' labels (ingest)"),
    "eval-lid": ("langid.evaluate:main", "evaluate a language-ID model on labelled text"),
    "calibrate": ("filters.calibrate:main", "derive a language's filter thresholds from reference corpora"),
}


def add_run_args(p: argparse.ArgumentParser) -> None:
    d = PipelineConfig()
    p.add_argument("--snapshot", default=d.snapshot, help="Common Crawl snapshot, e.g. CC-MAIN-2024-10 (default: bundled sample)")
    p.add_argument("--input", help="local folder or s3:// prefix of WARC/WET shards (instead of --snapshot)")
    p.add_argument("--output", default=d.output, help="local folder or s3:// prefix (default: ./output)")
    p.add_argument("--languages", nargs="*", default=[], help="FineWeb2 codes to keep, e.g. fra_Latn cmn_Hani (default: all)")
    p.add_argument("--limit-shards", type=int)
    p.add_argument("--lid-model", default=d.lid_model, help="lid.176 (bundled), a path, s3:// URI or hf://repo/file (GlotLID)")
    p.add_argument("--num-cpus", type=int, help="CPUs of the local Ray instance (default: all)")
    p.add_argument("--ray-address", help="Ray cluster address; 'local' forces a new local instance")
    p.add_argument("--quality-model", action="append", default=[], metavar="SPEC",
                   help="score kept documents with this model (repeatable): key=value,..., a folder with quality.yaml, "
                   "or `demo` (the project's demonstration model)")
    p.add_argument("--quality-select", metavar="RULE", help="top:PERCENT of each language, or min:SCORE (default: scores only)")
    p.add_argument("--quality-gpus", type=float, help="GPUs per scoring actor (default 0: CPU)")
    p.add_argument("--config", help="YAML file with any PipelineConfig fields (safe YAML)")


def config_from_args(a: argparse.Namespace) -> PipelineConfig:
    overrides = dict(snapshot=a.snapshot, input=a.input, output=a.output, languages=tuple(a.languages) or None,
                     limit_shards=a.limit_shards, lid_model=a.lid_model, num_cpus=a.num_cpus, ray_address=a.ray_address,
                     quality_models=tuple(a.quality_model) or None, quality_select=a.quality_select,
                     quality_gpus=a.quality_gpus)
    text = open(a.config, encoding="utf-8").read() if a.config else ""
    return PipelineConfig.from_yaml(text, **overrides)


def run_pipeline_main(argv: list[str] | None = None) -> int:
    """Entry point of `pipelines/fineweb2.py` and `curate run`."""
    p = argparse.ArgumentParser(prog="fineweb2", description="FineWeb2 pipeline: Common Crawl WARC -> per-language Parquet + card")
    add_run_args(p)
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # the quick start: the bundled sample, with the quality step shown by the demonstration model
        argv = ["--quality-model", "demo"]
        print("quick start: the bundled sample, scored by the demonstration quality model (--quality-model demo)")
    a = p.parse_args(argv)
    try:
        cfg = config_from_args(a)
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    from curate.run.orchestrate import run_pipeline

    return run_pipeline(cfg)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        width = max(map(len, COMMANDS))
        print("usage: curate COMMAND [options]\n\ncommands:", file=sys.stderr)
        for name, (_target, help_) in COMMANDS.items():
            print(f"  {name:<{width}}  {help_}", file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    module, func = COMMANDS[argv[0]][0].split(":")
    try:
        entry = getattr(importlib.import_module(module), func)
    except ModuleNotFoundError as e:
        print(f"error: `curate {argv[0]}` is not available in this installation ({e})", file=sys.stderr)
        return 2
    return entry(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
