"""The cron definitions in infra/cron: the crontab line calls `ray submit` with the cluster config
and the cron entry script that exist here; the Kubernetes manifests are a CronJob that creates a
KubeRay RayJob whose entrypoint is `curate cron`, with no credentials in them."""
from __future__ import annotations

import subprocess
import sys

import yaml

from tests.util import ROOT

CRON = ROOT / "infra" / "cron"


def test_crontab_line_submits_the_cron_script_to_the_cluster():
    lines = [l for l in (CRON / "crontab").read_text().splitlines() if l.strip() and not l.startswith("#") and "=" not in l.split()[0]]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert len(fields) == 6 and all(f.replace("*", "").replace(",", "").replace("-", "").replace("/", "").isdigit() or f == "*" for f in fields[:5])
    command = fields[5]
    assert "ray submit" in command and "infra/aws.yaml" in command and "infra/cron/curate_cron.py" in command
    assert (ROOT / "infra" / "aws.yaml").exists()
    # every option given to `ray submit` (before `--`) is one it has
    submit = command[command.index("ray submit"):].split(" -- ")[0].split()
    ray_help = subprocess.run(["ray", "submit", "--help"], capture_output=True, text=True).stdout
    assert all(f"  {opt}" in ray_help or f", {opt}" in ray_help for opt in submit if opt.startswith("-"))
    helped = subprocess.run([sys.executable, str(CRON / "curate_cron.py"), "--help"], capture_output=True, text=True, cwd=ROOT)
    assert helped.returncode == 0 and "--output" in helped.stdout and "--limit-snapshots" in helped.stdout


def test_cronjob_creates_a_rayjob_running_curate_cron():
    docs = list(yaml.safe_load_all((CRON / "k8s-cronjob.yaml").read_text()))
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    cron = by_kind["CronJob"][0]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["containers"][0]["command"][:2] == ["kubectl", "create"]
    cm = next(c for c in by_kind["ConfigMap"] if c["metadata"]["name"] == pod["volumes"][0]["configMap"]["name"])
    rayjob = yaml.safe_load(cm["data"]["rayjob.yaml"])
    assert rayjob["apiVersion"] == "ray.io/v1" and rayjob["kind"] == "RayJob"
    assert rayjob["spec"]["entrypoint"].startswith("curate cron --output ")
    assert rayjob["spec"]["shutdownAfterJobFinishes"] is True
    role = by_kind["Role"][0]
    assert role["rules"] == [{"apiGroups": ["ray.io"], "resources": ["rayjobs"], "verbs": ["create", "get", "list"]}]
    text = (CRON / "k8s-cronjob.yaml").read_text().lower()
    assert "aws_secret_access_key" not in text and "aws_access_key_id" not in text
