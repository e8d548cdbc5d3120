"""`curate cron --output URI`: process the Common Crawl snapshots not yet in an output, one
pipeline run per snapshot, oldest first; meant to be started periodically (crontab, a Kubernetes
CronJob driving a KubeRay RayJob: see infra/).

Layout of the output store:
  OUTPUT/snapshots/<snapshot>/     one pipeline output per snapshot (data/, stats.json, card, _work/)
  OUTPUT/dedup_index/              the dedup index shared by the runs (when the pipeline supports it:
                                   later snapshots are deduplicated against earlier ones)
  OUTPUT/_cron/state.json          per snapshot: done | failed, exit code, finish time
  OUTPUT/_cron/lease.json          the lease of the run in progress (see curate/store/lease.py)
  OUTPUT/README.md                 index card: every snapshot processed, with its subsets

Idempotent: a snapshot is `done` only after its run exited 0; a failed or interrupted one is run
again next time, and the pipeline resumes its committed shards. Overlapping runs are excluded by
the lease: the second one reports who holds it and exits 0 without touching anything.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time

from curate.config import PipelineConfig
from curate.store import storage
from curate.store.commoncrawl import COLLINFO_URL, list_snapshots
from curate.store.lease import Lease


def _log(msg: str) -> None:
    print(f"[curate cron {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def read_state(output: str) -> dict:
    uri = storage.join(output, "_cron", "state.json")
    return json.loads(storage.read_text(uri)) if storage.exists(uri) else {"snapshots": {}}


def write_index_card(output: str, state: dict) -> str:
    """A top-level card listing each processed snapshot and its subsets (each snapshot's own card,
    rendered by its pipeline run, has the details)."""
    lines = ["# curate: FineWeb2-style dataset, one folder per Common Crawl snapshot", "",
             "| snapshot | status | languages | train docs | card |", "|---|---|---|---|---|"]
    for snap, s in sorted(state["snapshots"].items()):
        stats_uri = storage.join(output, "snapshots", snap, "stats.json")
        langs, docs = "", ""
        if s["status"] == "done" and storage.exists(stats_uri):
            st = json.loads(storage.read_text(stats_uri))["languages"]
            langs, docs = str(len(st)), str(sum(v.get("train_docs", 0) for v in st.values()))
        lines.append(f"| {snap} | {s['status']} | {langs} | {docs} | [README](snapshots/{snap}/README.md) |")
    uri = storage.join(output, "README.md")
    storage.write_text(uri, "\n".join(lines) + "\n")
    return uri


def snapshot_config(a: argparse.Namespace, snapshot: str) -> PipelineConfig:
    text = open(a.config, encoding="utf-8").read() if a.config else ""
    overrides = dict(snapshot=snapshot, output=storage.join(a.output, "snapshots", snapshot), cc_base_url=a.cc_base_url,
                     languages=tuple(a.languages) or None, limit_shards=a.limit_shards, lid_model=a.lid_model,
                     num_cpus=a.num_cpus, ray_address=a.ray_address)
    if "dedup_index" in {f.name for f in dataclasses.fields(PipelineConfig)}:
        overrides["dedup_index"] = storage.join(a.output, "dedup_index")
    return PipelineConfig.from_yaml(text, **overrides)


def publish_snapshot(a, snap: str) -> int:
    """Each snapshot's dataset goes to its own branch of the repo: files of different snapshots share
    names (000_00000.parquet), and a branch keeps each release whole and loadable with `revision=`."""
    from curate.report import publish

    args = [storage.join(a.output, "snapshots", snap), "--repo-id", a.publish_repo_id, "--revision", snap]
    rc = publish.main(args + (["--private"] if a.publish_private else []))
    _log(f"{snap}: published to {a.publish_repo_id}@{snap}" if rc == 0 else f"{snap}: publishing FAILED (exit {rc})")
    return rc


def main(argv: list[str] | None = None) -> int:
    d = PipelineConfig()
    p = argparse.ArgumentParser(prog="curate cron", description=__doc__.split("\n\n")[0])
    p.add_argument("--output", required=True, help="local folder or s3:// prefix holding every snapshot's output")
    p.add_argument("--languages", nargs="*", default=[])
    p.add_argument("--limit-snapshots", type=int, help="process at most N new snapshots in this run (oldest first)")
    p.add_argument("--since", help="ignore snapshots older than this one, e.g. CC-MAIN-2024-10")
    p.add_argument("--collinfo", default=COLLINFO_URL, help="URL or path of Common Crawl's collinfo.json")
    p.add_argument("--cc-base-url", default=d.cc_base_url, help="s3://commoncrawl or https://data.commoncrawl.org")
    p.add_argument("--limit-shards", type=int)
    p.add_argument("--lid-model", default=d.lid_model)
    p.add_argument("--config", help="YAML file with PipelineConfig fields")
    p.add_argument("--num-cpus", type=int)
    p.add_argument("--ray-address")
    p.add_argument("--lease-ttl", type=float, default=6 * 3600,
                   help="seconds a run holds the lease without renewing it (renewed before each snapshot)")
    p.add_argument("--publish-repo-id", help="after each new snapshot, publish its output to this Hub dataset repo, "
                                            "on a branch named after the snapshot (local outputs only)")
    p.add_argument("--publish-private", action="store_true")
    a = p.parse_args(argv)

    lease = Lease(storage.join(a.output, "_cron", "lease.json"), a.lease_ttl)
    if not lease.acquire():
        h = lease.holder() or {}
        _log(f"another run holds the lease ({h.get('owner')}, until {time.ctime(h.get('expires_at', 0))}); nothing to do")
        return 0
    try:
        state = read_state(a.output)
        known = list_snapshots(a.collinfo)
        todo = [s for s in known if state["snapshots"].get(s, {}).get("status") != "done" and (not a.since or s >= a.since)]
        todo = todo[: a.limit_snapshots] if a.limit_snapshots is not None else todo
        _log(f"{len(known)} snapshots published, {len(todo)} to process: {' '.join(todo) or '-'}")
        failed = 0
        for snap in todo:
            if not lease.renew():
                _log("lease lost (expired and taken by another run): stopping")
                return 1
            from curate.run.orchestrate import run_pipeline  # imports Ray: only when there is work

            rc = run_pipeline(snapshot_config(a, snap))
            state = read_state(a.output)  # re-read: only the lease holder writes it, but stay minimal
            state["snapshots"][snap] = {"status": "done" if rc == 0 else "failed", "exit_code": rc,
                                        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            storage.write_text(storage.join(a.output, "_cron", "state.json"), json.dumps(state, indent=1, sort_keys=True))
            failed += rc != 0
            _log(f"{snap}: {'done' if rc == 0 else f'FAILED (exit {rc}); retried next run'}")
            if rc == 0 and a.publish_repo_id:
                failed += publish_snapshot(a, snap) != 0
        card = write_index_card(a.output, state)
        _log(f"card: {card}")
        return 1 if failed else 0
    finally:
        lease.release()
