"""`curate status OUTPUT`: progress and failures of a running or finished job, from its output store alone."""
from __future__ import annotations

import argparse
import json
import time

from curate.store import storage
from curate.store.counters import Counters


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="curate status")
    p.add_argument("output")
    output = p.parse_args(argv).output
    cron_state = storage.join(output, "_cron", "state.json")
    if storage.exists(cron_state):  # an output maintained by `curate cron`: one run per snapshot
        return _cron_status(output, json.loads(storage.read_text(cron_state)))
    work = storage.join(output, "_work")
    markers = storage.list_files(storage.join(work, "markers"), "_SUCCESS.json")
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
        print(f"last finished run: {stats['shards']['committed']}/{stats['shards']['total']} shards")
        for lang, s in sorted(stats["languages"].items()):
            print(f"  {lang}: train {s['train_docs']} test {s['test_docs']} removed {s['removed_docs']} "
                  f"duplicates {s['docs_duplicates']}")
    return 1 if failed else 0


def _cron_status(output: str, state: dict) -> int:
    lease_uri = storage.join(output, "_cron", "lease.json")
    print(f"output: {output} (curate cron)")
    if storage.exists(lease_uri):
        lease = json.loads(storage.read_text(lease_uri))
        print(f"running: lease held by {lease.get('owner')} until {time.ctime(lease.get('expires_at', 0))}")
    for snap, s in sorted(state["snapshots"].items()):
        print(f"  {snap}: {s['status']} (exit {s['exit_code']}, {s['finished_at']})")
    print(f"details of one snapshot: curate status {storage.join(output, 'snapshots', 'SNAPSHOT')}")
    return 1 if any(s["status"] != "done" for s in state["snapshots"].values()) else 0
