"""bench/run.py fails fast: a configuration whose command exits non-zero or leaves an output missing stops
the benchmark (non-zero exit, the configuration, the rep and the tail of its stderr), and no figure of it
is printed or written. Seconds: real subprocesses, no benchmark input."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

from measure import measure_pinned  # noqa: E402
from run_failed import RunFailed, check_run  # noqa: E402

needs_taskset = pytest.mark.skipif(shutil.which("taskset") is None, reason="taskset (util-linux) not installed")
FAIL = "import sys; print('some stdout'); sys.stderr.write('step 1 ok\\nValueError: the disk is on fire\\n'); sys.exit(3)"


@needs_taskset
def test_failing_command_raises_with_the_tail_of_its_stderr(tmp_path):
    m = measure_pinned([sys.executable, "-c", FAIL], "0", dict(os.environ), tmp_path / "x.stdout", tmp_path / "x.log")
    assert m["rc"] == 3
    with pytest.raises(RunFailed) as e:
        check_run("datatrove", m, (tmp_path / "summary.json",))
    e.value.rep = "2/3"
    text = str(e.value)
    assert text.startswith("rep 2/3: configuration 'datatrove' failed: exit status 3")
    assert "ValueError: the disk is on fire" in text and "step 1 ok" in text
    assert "some stdout" not in text  # stdout is not stderr


@needs_taskset
def test_exit_0_with_an_output_missing_fails_and_a_complete_run_passes(tmp_path):
    m = measure_pinned([sys.executable, "-c", "pass"], "0", dict(os.environ), tmp_path / "x.stdout", tmp_path / "x.log")
    assert m["rc"] == 0
    out = tmp_path / "stats.json"
    with pytest.raises(RunFailed, match=r"configuration 'curate' failed: exit status 0, missing output .*stats\.json"):
        check_run("curate", m, (out,))
    out.write_text("{}")
    check_run("curate", m, (out,))  # no exception


def _tiny_warc(path: Path) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)
        body = b"<html><body><p>Hello, a page of text for the benchmark test.</p></body></html>"
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://example.com/", "response", payload=BytesIO(body), http_headers=http))


@needs_taskset
@pytest.mark.skipif(not {0, 1} <= os.sched_getaffinity(0), reason="bench/run.py pins to CPU 0 and itself to CPU 1")
def test_run_py_stops_at_a_failing_configuration(tmp_path):
    warc = tmp_path / "tiny.warc.gz"
    _tiny_warc(warc)
    broken = tmp_path / "broken"
    broken.mkdir()  # trafilatura that cannot be imported: bench/traf_alone.py exits 1
    (broken / "trafilatura.py").write_text("raise ImportError('trafilatura broken on purpose by the test')\n")
    results = tmp_path / "results"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(broken), os.environ.get("PYTHONPATH", "")])}
    p = subprocess.run([sys.executable, str(BENCH / "run.py"), "--input", str(warc), "--only", "traf", "--reps", "2",
                        "--no-warmup", "--work", str(tmp_path / "work"), "--results", str(results), "--tag", "t"],
                       capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert p.returncode != 0
    assert "rep 1/2: configuration 'traf' failed: exit status 1" in p.stderr, p.stderr[-3000:]
    assert "ImportError: trafilatura broken on purpose by the test" in p.stderr
    assert "docs/s/core" not in p.stdout + p.stderr  # no figure of the failed run
    assert "rep 2/2" not in p.stderr  # stopped at the first failure
    assert not results.exists() or not any(results.iterdir())  # and nothing recorded
