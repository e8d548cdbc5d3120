"""The pipeline on a real two-node Ray cluster on this machine (`ray start --head` plus a second
`ray start --address ...`): work runs on both nodes and the output equals a single-node run's."""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time

import pytest

from tests.production import procs
from tests.production.outputs import assert_same_output
from tests.production.raycluster import TwoNodeCluster
from tests.util import ROOT, SAMPLE, run_cli

pytestmark = pytest.mark.slow


def _watch_nodes(cluster: TwoNodeCluster, stop: threading.Event, seen: set) -> None:
    """Record (node, stage) of every busy worker: a worker is a child of its node's raylet, whose
    command line names that node's temp dir."""
    while not stop.is_set():
        for pid, cmd in cluster.processes().items():
            stage = procs.task_stage(cmd)
            if stage:
                parent = procs._cmdline(procs._ppid(pid) or 0)
                node = next((n for n, t in cluster.tmp.items() if str(t) in parent), None)
                if node:
                    seen.add((node, stage))
        time.sleep(0.02)


def test_two_node_cluster_runs_work_on_both_nodes_with_the_same_output(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    for name in ("CC-MAIN-SAMPLE-00000.warc.gz", "CC-MAIN-SAMPLE-00001.warc.gz"):
        shutil.copy(SAMPLE / "CC-MAIN-SAMPLE" / name, inp / name)
    single = run_cli("--input", str(inp), "--output", str(tmp_path / "single"))
    assert single.returncode == 0, single.stderr[-4000:]

    cluster = TwoNodeCluster().start()
    seen: set = set()
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_nodes, args=(cluster, stop, seen), daemon=True)
    watcher.start()
    try:
        cmd = [sys.executable, str(ROOT / "pipelines" / "fineweb2.py"), "--ray-address", cluster.address,
               "--input", str(inp), "--output", str(tmp_path / "multi")]
        multi = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=cluster.env, cwd=ROOT)
    finally:
        stop.set()
        watcher.join()
        cluster.stop()
    assert multi.returncode == 0, multi.stderr[-4000:]
    assert "2 CPUs on 2 node(s)" in multi.stderr
    assert {n for n, _ in seen} == {"head", "worker2"}, seen
    assert ("head", "shard") in seen and ("worker2", "shard") in seen, seen
    assert_same_output(tmp_path / "multi", tmp_path / "single", "two-node vs single-node")
    assert not cluster.processes()
