"""The embedded Ray instance: without the head's autoscaler and log monitors unless asked, and worker
output is kept either way (in Ray's session logs, or forwarded to the console as well)."""
import json
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import glob, json, os, sys
    import ray
    from curate.config import PipelineConfig
    from curate.run.orchestrate import init_ray
    from ray._private import parameter

    before = parameter.RayParams.__init__
    init_ray(PipelineConfig(input=".", num_cpus=1, ray_address="local", embedded_ray_monitors=sys.argv[1] == "on"))

    @ray.remote
    def shout():
        print("worker output 7d1f", flush=True)
        return os.getpid()

    ray.get(shout.remote())
    session = ray._private.worker._global_node.get_session_dir_path()
    procs = []  # this instance's processes: their command lines name its session directory
    for f in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            cmd = open(f, "rb").read().replace(b"\\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if session in cmd:
            procs.append(cmd)
    ray.shutdown()
    logged = any("worker output 7d1f" in open(f, errors="replace").read()
                 for f in glob.glob(os.path.join(session, "logs", "worker-*.out")))
    print(json.dumps({"log_monitor": any("log_monitor.py" in c for c in procs),
                      "autoscaler_monitor": any("autoscaler" in c and "monitor.py" in c for c in procs),
                      "raylet": any("raylet" in c for c in procs), "in_session_logs": logged,
                      "params_restored": parameter.RayParams.__init__ is before}))
""")


@pytest.mark.parametrize("monitors", ["off", "on"])
def test_monitors_only_when_asked_and_worker_output_is_kept(monitors):
    proc = subprocess.run([sys.executable, "-c", SCRIPT, monitors], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    on = monitors == "on"
    assert seen == {"log_monitor": on, "autoscaler_monitor": on, "raylet": True, "in_session_logs": True,
                    "params_restored": True}
    assert ("without its autoscaler and log monitors" in proc.stderr) is not on
