"""`curate score OUTPUT --model SPEC ...`: score an existing output's documents with quality models
and select by score, as the pipeline's quality step does (the common flow: a FineWeb2-style output
in, its high-quality subset out). Updates stats.json and re-renders the card."""
from __future__ import annotations

import argparse
import json
import sys

from curate.config import PipelineConfig
from curate.store import storage


def parse_args(argv):
    p = argparse.ArgumentParser(prog="curate score", description=__doc__.split("\n\n")[0])
    p.add_argument("output", help="a curate output (local folder or s3:// prefix) with stats.json")
    p.add_argument("--model", action="append", required=True, metavar="SPEC",
                   help="quality model (repeatable): key=value,..., a folder with quality.yaml (docs/quality.md), or "
                   "`demo` (the project's demonstration model)")
    p.add_argument("--select", metavar="RULE", help="top:PERCENT of each language (FineWeb2-HQ: top:10) or "
                   "min:SCORE (FineWeb-Edu: min:3); default: only write scores")
    p.add_argument("--select-model", help="the model selection uses (default: the first)")
    p.add_argument("--gpus", type=float, help="GPUs per scoring actor (default 0: CPU actors)")
    p.add_argument("--cpus-per-actor", type=int, help="threads per scoring actor (default 1)")
    p.add_argument("--actors", type=int, help="scoring actors (default: as many as the cluster allows)")
    p.add_argument("--num-cpus", type=int, help="CPUs of the local Ray instance (default: all)")
    p.add_argument("--ray-address", help="Ray cluster address; 'local' forces a new local instance")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    stats_uri = storage.join(a.output, "stats.json")
    if not storage.exists(stats_uri):
        print(f"error: {a.output} has no stats.json: not a curate output (run the pipeline first)", file=sys.stderr)
        return 2
    stats = json.loads(storage.read_text(stats_uri))
    overrides = dict(output=a.output, quality_models=tuple(a.model), quality_select=a.select,
                     quality_select_model=a.select_model, quality_gpus=a.gpus, quality_cpus=a.cpus_per_actor,
                     quality_actors=a.actors, num_cpus=a.num_cpus, ray_address=a.ray_address)
    try:
        cfg = PipelineConfig.from_yaml(json.dumps(stats["config"]), **overrides)
        from curate.run.quality import specs_of

        specs_of(cfg)  # a bad spec stops here, before Ray starts
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    from curate.report.card import write_card
    from curate.run import orchestrate
    from curate.run.quality import run_quality

    orchestrate.init_ray(cfg)
    try:
        summary = run_quality(cfg, orchestrate.score_files, orchestrate.map_tasks, orchestrate.log)
    except (OSError, ValueError) as e:
        print(f"error: quality step failed: {e}", file=sys.stderr)
        return 1
    stats["quality"] = summary
    stats["config"] = {**stats["config"], **{k: v for k, v in cfg.to_dict().items() if k.startswith("quality_")}}
    storage.write_text(stats_uri, json.dumps(stats, indent=1, sort_keys=True))
    print(write_card(cfg, stats))
    return 0
