"""Offline validation of the Ray cluster launcher configs in infra/ (no SSH, no AWS).

Runs the same steps `ray up` runs before touching any machine: merge with the provider's
defaults (`prepare_config`) and check against Ray's JSON schema (`validate_config`). For the
local provider, also the provider bootstrap, which is pure (no network).
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

pytest.importorskip("jsonschema")  # validate_config needs it (ships with ray[default])

from ray.autoscaler._private.util import prepare_config, validate_config  # noqa: E402

INFRA = Path(__file__).resolve().parents[2] / "infra"


def load(name: str) -> dict:
    return yaml.safe_load((INFRA / name).read_text())


def prepared(name: str) -> dict:
    config = prepare_config(copy.deepcopy(load(name)))
    validate_config(config)
    return config


@pytest.mark.parametrize("name", ["local.yaml", "aws.yaml"])
def test_config_passes_ray_validation(name):
    config = prepared(name)
    assert config["head_node_type"] in config["available_node_types"]
    for key in ("setup_commands", "head_start_ray_commands", "worker_start_ray_commands"):
        assert all(isinstance(c, str) and c.strip() for c in config[key]), key
    assert any("ray start --head" in c for c in config["head_start_ray_commands"])
    assert any("--autoscaling-config=~/ray_bootstrap_config.yaml" in c for c in config["head_start_ray_commands"])


def test_schema_rejects_a_broken_config():
    """Guard against the validation above being vacuous."""
    from jsonschema import ValidationError

    for breakage in ({"no_such_top_level_field": 1}, {"max_workers": "many"}):
        config = prepare_config(load("aws.yaml"))
        config.update(breakage)
        with pytest.raises(ValidationError):
            validate_config(config)
    config = prepare_config(load("aws.yaml"))
    config["available_node_types"]["cpu.worker.spot"]["min_wrokers"] = 1  # typo
    with pytest.raises(ValidationError):
        validate_config(config)


def test_local_yaml_bootstraps_offline():
    from ray.autoscaler._private.commands import _bootstrap_config

    config = _bootstrap_config(load("local.yaml"), no_config_cache=True)
    assert config["provider"]["type"] == "local"
    assert config["provider"]["head_ip"] == "127.0.0.1"
    assert config["provider"]["worker_ips"] == []
    assert config["auth"]["ssh_user"] == "root"
    node_type = config["available_node_types"][config["head_node_type"]]
    assert node_type["max_workers"] == 0


def test_local_yaml_avoids_default_ray_ports():
    """The one-machine cluster must coexist with the test suite's own local Ray instances."""
    start = " ".join(load("local.yaml")["head_start_ray_commands"])
    port = re.search(r"--port=(\d+)", start)
    assert port and port.group(1) != "6379"
    for flag in ("--dashboard-port", "--ray-client-server-port", "--dashboard-agent-listen-port", "--min-worker-port"):
        assert flag in start, flag
    assert f"$RAY_HEAD_IP:{port.group(1)}" in " ".join(load("local.yaml")["worker_start_ray_commands"])


def test_aws_yaml_essentials():
    raw = load("aws.yaml")
    assert raw["provider"]["region"] == "us-east-1"  # where s3://commoncrawl lives
    assert raw.get("docker") in ({}, None)
    head = raw["available_node_types"][raw["head_node_type"]]
    workers = {k: v for k, v in raw["available_node_types"].items() if k != raw["head_node_type"]}
    assert workers, "needs a worker node type"
    for node_type in [head, *workers.values()]:
        assert "IamInstanceProfile" in node_type["node_config"], "nodes need an instance profile for S3"
        assert node_type["node_config"]["ImageId"]
    for w in workers.values():
        assert 0 <= w["min_workers"] <= w["max_workers"] <= raw["max_workers"]
    setup = " ".join(raw["setup_commands"])
    assert "curate" in setup and "ray[default]==" in setup
    # The wheel that setup_commands installs must come from a file mount.
    assert any("curate-dist" in remote for remote in raw["file_mounts"])
    port = re.search(r"--port=(\d+)", " ".join(raw["head_start_ray_commands"])).group(1)
    assert f"$RAY_HEAD_IP:{port}" in " ".join(raw["worker_start_ray_commands"])
