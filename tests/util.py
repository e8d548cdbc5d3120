"""Helpers shared by the end-to-end tests."""
import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "curate" / "sample"


def run_cli(*args, timeout=1800):
    """Run the user's command (`python pipelines/fineweb2.py ...`) on a fresh local Ray instance."""
    cmd = [sys.executable, str(ROOT / "pipelines" / "fineweb2.py"), "--ray-address", "local", "--num-cpus", "2", *args]
    env = {**os.environ, "RAY_DEDUP_LOGS": "0"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)


def run_curate(*args, timeout=600):
    """Run a `curate` subcommand as the console script does."""
    return subprocess.run([sys.executable, "-m", "curate.run.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)




# Prepended to code run in a subprocess to prove it needs no network: every connection attempt fails.
NO_NETWORK = """
import socket
def _blocked(*a, **k):
    raise OSError("network disabled in test")
socket.socket.connect = _blocked
socket.create_connection = _blocked
socket.getaddrinfo = _blocked
"""
