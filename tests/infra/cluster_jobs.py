"""Helper run ON the launcher's head node by test_ray_submit.py (`ray submit infra/local.yaml ...`).

Prints the entrypoints of every driver the running cluster has seen, so the test can check that
the pipeline really ran on the cluster started by `ray up` (and not on a private local instance).
"""
import json

import ray

ray.init(address="auto", logging_level="WARNING")  # "auto": fail rather than start a new instance
jobs = ray._private.state.jobs()
print("CURATE_CLUSTER_GCS " + ray.get_runtime_context().gcs_address)
print("CURATE_CLUSTER_JOBS " + json.dumps([j.get("Entrypoint", "") for j in jobs]))
