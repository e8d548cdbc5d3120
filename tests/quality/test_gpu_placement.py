"""On a Ray cluster with a CPU node and a GPU node that advertises no CPUs (infra/aws.yaml's gpu.worker),
the pipeline with `--quality-gpus 1` extracts on the CPU node and scores on the GPU node; when no node can
take a GPU actor, the step fails with a clear message instead of hanging."""
import json
import re

import pytest
from ray.cluster_utils import Cluster

from tests.util import run_cli


@pytest.fixture
def cluster():
    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 2})
    yield c
    c.shutdown()


def test_scoring_actors_run_on_the_gpu_node(cluster, tmp_path):
    gpu_node = cluster.add_node(num_cpus=0, num_gpus=1)  # a GPU Ray can hand out; fastText does not use it
    cluster.wait_for_nodes()
    out = tmp_path / "out"
    proc = run_cli("--ray-address", cluster.address, "--output", str(out), "--quality-model", "demo",
                   "--quality-gpus", "1", "--quality-select", "top:50")
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-5000:]
    assert "1.0 GPU each" in log
    assert re.search(r"scoring actors on node\(s\) (\S+)", log).group(1) == gpu_node.node_id
    stats = json.loads((out / "stats.json").read_text())
    assert stats["quality"]["select"]["rule"] == "top:50" and stats["shards"]["failed"] == [] and stats["shards"]["committed"] == 4


def test_no_room_for_gpu_actors_is_a_clear_failure(cluster, tmp_path):
    cluster.wait_for_nodes()
    conf = tmp_path / "config.yaml"
    conf.write_text("quality_start_timeout_s: 20\n")
    proc = run_cli("--ray-address", cluster.address, "--output", str(tmp_path / "out"), "--config", str(conf),
                   "--quality-model", "demo", "--quality-gpus", "1")
    log = proc.stdout + proc.stderr
    assert proc.returncode == 1, log[-3000:]
    assert "no room for 1 scoring actor(s) with 1.0 GPU each after 20 s" in log
