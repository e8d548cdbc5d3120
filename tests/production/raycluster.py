"""A real two-node Ray cluster on this machine, started with `ray start` (a head and a second
node joining it, each with its own temp dir, ports and a custom resource), and stopped by killing
exactly its own processes: `ray stop` would stop every Ray instance on the machine, including
other developers' test runs."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.production import procs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TwoNodeCluster:
    def __init__(self):
        # a short base: Ray's unix sockets live below it and AF_UNIX paths are limited to 107 bytes
        self.base = Path(tempfile.mkdtemp(prefix="curate-ray-", dir="/tmp"))
        self.tmp = {name: self.base / name for name in ("head", "worker2")}
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        # RAY_TMPDIR keeps `ray_current_cluster` out of /tmp/ray, where other runs would find it;
        # token auth off: this cluster only listens on loopback and lives for one test
        self.env = {**os.environ, "RAY_TMPDIR": str(self.tmp["head"]), "RAY_AUTH_MODE": "disabled",
                    "RAY_USAGE_STATS_ENABLED": "0"}

    def _start(self, name: str, *args: str) -> None:
        self.tmp[name].mkdir(parents=True, exist_ok=True)
        ports = [f"--node-manager-port={free_port()}", f"--object-manager-port={free_port()}",
                 f"--metrics-export-port={free_port()}", f"--dashboard-agent-listen-port={free_port()}",
                 f"--dashboard-agent-grpc-port={free_port()}", f"--runtime-env-agent-port={free_port()}"]
        cmd = ["ray", "start", "--node-ip-address=127.0.0.1", "--num-cpus=1", f"--temp-dir={self.tmp[name]}",
               "--disable-usage-stats", *ports, *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=self.env)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    def start(self) -> "TwoNodeCluster":
        try:
            self._start("head", "--head", f"--port={self.port}", "--include-dashboard=false", "--resources={\"head\": 1}")
            self._start("worker2", f"--address={self.address}", "--resources={\"worker2\": 1}")
        except BaseException:
            self.stop()
            raise
        return self

    def processes(self) -> dict[int, str]:
        """Our cluster's daemons (their command lines name our temp dirs) and all their descendants."""
        roots = [p for p in map(int, filter(str.isdigit, os.listdir("/proc")))
                 if any(str(t) in procs._cmdline(p) for t in self.tmp.values())]
        pids = set(roots)
        for r in roots:
            pids |= procs.descendants(r)
        return {p: procs._cmdline(p) for p in pids}

    def stop(self) -> None:
        tree = self.processes()
        for p in tree:
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
        procs.kill_tree_leftovers(tree, grace=10)
        time.sleep(0.5)
        shutil.rmtree(self.base, ignore_errors=True)
