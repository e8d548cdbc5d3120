"""`curate` command line: `curate run` (the FineWeb2 pipeline), `curate status OUTPUT`, `curate card OUTPUT`."""
from __future__ import annotations

import argparse
import json
import sys

from curate.config import PipelineConfig


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
    p.add_argument("--config", help="YAML file with any PipelineConfig fields (safe YAML)")


def config_from_args(a: argparse.Namespace) -> PipelineConfig:
    overrides = dict(snapshot=a.snapshot, input=a.input, output=a.output, languages=tuple(a.languages) or None,
                     limit_shards=a.limit_shards, lid_model=a.lid_model, num_cpus=a.num_cpus, ray_address=a.ray_address)
    text = open(a.config, encoding="utf-8").read() if a.config else ""
    return PipelineConfig.from_yaml(text, **overrides)


def run_pipeline_main(argv: list[str] | None = None) -> int:
    """Entry point of `pipelines/fineweb2.py` and `curate run`."""
    p = argparse.ArgumentParser(prog="fineweb2", description="FineWeb2 pipeline: Common Crawl WARC -> per-language Parquet + card")
    add_run_args(p)
    a = p.parse_args(argv)
    try:
        cfg = config_from_args(a)
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    from curate.orchestrate import run_pipeline

    return run_pipeline(cfg)


def status_main(output: str) -> int:
    from curate import storage
    from curate.stats import Counters

    work = storage.join(output, "_work")
    markers = storage.list_files(storage.join(work, "shards"), "_SUCCESS.json")
    failed = [json.loads(storage.read_text(u)) for u in storage.list_files(storage.join(work, "failed"), ".json")]
    c = Counters()
    for u in markers:
        c.merge(Counters.from_rows(json.loads(storage.read_text(u))["counters"]))
    print(f"output: {output}")
    print(f"shards committed: {len(markers)}; failed: {len(failed)}")
    for f in failed:
        print(f"  FAILED {f['shard']}: {f['error']}")
    print(f"documents read: {c.total('read', reason='kept')}; identified languages: {len(c.languages('langid'))}")
    stats_uri = storage.join(output, "stats.json")
    if storage.exists(stats_uri):
        stats = json.loads(storage.read_text(stats_uri))
        print("finished run:")
        for lang, s in sorted(stats["languages"].items()):
            print(f"  {lang}: train {s['train_docs']} test {s['test_docs']} removed {s['removed_docs']} duplicates {s['docs_duplicates']}")
    return 1 if failed else 0


def card_main(output: str) -> int:
    from curate import storage
    from curate.card import render_card

    stats = json.loads(storage.read_text(storage.join(output, "stats.json")))
    cfg = PipelineConfig.from_yaml(json.dumps(stats["config"]), output=output)
    storage.write_text(storage.join(output, "README.md"), render_card(cfg, stats))
    print(storage.join(output, "README.md"))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(prog="curate")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("run", help="run the FineWeb2 pipeline (same options as pipelines/fineweb2.py)", add_help=False)
    st = sub.add_parser("status", help="progress and failures of a job, from its output store")
    st.add_argument("output")
    cd = sub.add_parser("card", help="re-render the dataset card from stats.json")
    cd.add_argument("output")
    if argv and argv[0] == "run":
        return run_pipeline_main(argv[1:])
    a = p.parse_args(argv)
    return {"status": lambda: status_main(a.output), "card": lambda: card_main(a.output)}[a.cmd]()


if __name__ == "__main__":
    sys.exit(main())
