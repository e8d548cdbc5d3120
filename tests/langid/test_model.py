"""Model loading (bundled, local, s3:// on a real S3-protocol server, hub) and prediction."""
import csv
import hashlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

import langid
from langid import ModelNotFoundError, is_valid_lang_script, load_model
from langid import model as lid_model

DATA = Path(__file__).parent / "data"
BUNDLED = Path(str(resources.files("langid") / "models" / "lid.176.ftz"))
REPO = Path(__file__).resolve().parents[2]


def _run(code: str, env: dict, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def test_import_loads_nothing():
    code = "import sys, langid; assert 'fasttext' not in sys.modules and not langid.model._load.cache_info().currsize"
    proc = _run(code, dict(os.environ))
    assert proc.returncode == 0, proc.stderr


def test_bundled_default_is_cached():
    m = load_model()
    assert m is load_model("lid.176") is load_model("  lid.176 ")
    assert (m.name, m.kind, len(m.raw_labels)) == ("lid.176", "lid176", 176)


def test_predict_fields():
    m = load_model()
    res = m.predict(["Le chat est sur la table et il dort.\nIl fait beau.", "", "  \n ", "12345"])
    fr = res[0]
    assert (fr.language, fr.script) == ("fra", "Latn") and 0.5 < fr.score <= 1.0
    assert max(fr.top_langs, key=fr.top_langs.get) == "fra_Latn"
    assert all(is_valid_lang_script(k) and v > 0.01 for r in res for k, v in r.top_langs.items())
    assert res[1] == res[2] == lid_model.LidResult("und", "Zyyy", 0.0, {})
    assert is_valid_lang_script(f"{res[3].language}_{res[3].script}")
    assert m.predict([]) == []


def test_accuracy_on_leipzig_sample():
    rows = list(csv.DictReader(open(DATA / "lid_sample.tsv", encoding="utf-8"), delimiter="\t"))
    results = load_model().predict([r["sentence"] for r in rows])
    # lid.176 cannot tell standard Malay from Indonesian: both are acceptable for `ms`
    accept = {"zsm_Latn": {"zsm_Latn", "ind_Latn"}}
    hits: dict[str, list[bool]] = defaultdict(list)
    for row, res in zip(rows, results):
        got = f"{res.language}_{res.script}"
        hits[row["iso639_1"]].append(got in accept.get(row["expected"], {row["expected"]}))
    assert len(hits) >= 30
    per_lang = {lang: sum(h) / len(h) for lang, h in hits.items()}
    assert all(acc >= 0.8 for acc in per_lang.values()), per_lang
    for lang in ["zh", "ja", "th", "ar", "hi", "ko", "ru", "sr", "he", "el", "ta"]:
        assert per_lang[lang] == 1.0, (lang, per_lang[lang])
    assert sum(sum(h) for h in hits.values()) / len(rows) >= 0.95
    by_lang = {r["iso639_1"]: f"{x.language}_{x.script}" for r, x in zip(rows, results)}
    assert by_lang["zh"] == "cmn_Hani" and by_lang["ja"] == "jpn_Jpan"
    assert by_lang["sr"] == "srp_Cyrl" and by_lang["ko"] == "kor_Hang"


def test_local_path(tmp_path):
    path = tmp_path / "my-model.ftz"
    shutil.copyfile(BUNDLED, path)
    m = load_model(str(path))
    assert m.name == str(path) and m.kind == "lid176"
    assert m.predict(["Dies ist ein deutscher Satz über das Wetter."])[0].language == "deu"


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"--lid-model PATH\|s3://"):
        load_model(str(tmp_path / "nope.bin"))
    assert issubclass(ModelNotFoundError, FileNotFoundError)
    with pytest.raises(ModelNotFoundError, match="not found: 'no/such-model.bin'"):
        load_model("no/such-model.bin")  # a missing relative path, not a hub repo
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"not a fasttext model")
    with pytest.raises(ModelNotFoundError, match="not a fastText model"):
        load_model(str(bad))


def test_glotlid_style_labels_kept(glot_model_path):
    # A tiny real fastText model with GlotLID-style labels (conftest) stands in for GlotLID v3.
    m = load_model(glot_model_path)
    assert m.kind == "glotlid"
    res = m.predict(["ovo je srpski tekst", "ово је српски текст", "un texte français"])
    assert [f"{r.language}_{r.script}" for r in res] == ["srp_Latn", "srp_Cyrl", "fra_Latn"]
    assert set(res[0].top_langs) <= {"srp_Cyrl", "srp_Latn", "fra_Latn", "deu_Latn"}
    raw = m.predict_raw(["ovo je srpski tekst", ""])
    assert raw[0][0] == "srp_Latn" and 0 < raw[0][1] <= 1 and raw[1] == ("", 0.0)


# --- s3:// on moto's standalone server (real HTTP, S3 protocol) on loopback -----------

@pytest.fixture(scope="module")
def s3_server():
    from tests.production.s3env import start_moto

    server, endpoint = start_moto()
    yield endpoint
    server.stop()


@pytest.fixture
def s3_model(s3_server, tmp_path, monkeypatch):
    from curate.store import storage

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("CURATE_S3_ENDPOINT_URL", s3_server)
    monkeypatch.setenv("CURATE_CACHE", str(tmp_path / "cache"))
    storage._s3_client.cache_clear()
    lid_model._load.cache_clear()
    bucket = f"models-{os.urandom(4).hex()}"
    storage._s3_client().create_bucket(Bucket=bucket)
    storage.write_bytes(f"s3://{bucket}/lid/lid.176.ftz", BUNDLED.read_bytes())
    yield f"s3://{bucket}/lid/lid.176.ftz"
    storage._s3_client.cache_clear()
    lid_model._load.cache_clear()


def test_s3_model(s3_model, tmp_path):
    m = load_model(s3_model)
    assert m.name == s3_model and m.kind == "lid176"
    assert m.path == str(tmp_path / "cache" / "models" / "s3" / s3_model[5:])
    assert Path(m.path).read_bytes() == BUNDLED.read_bytes()
    assert m.predict(["Это предложение написано по-русски."])[0].language == "rus"
    with pytest.raises(ModelNotFoundError, match="--lid-model"):
        load_model(s3_model.replace("lid.176.ftz", "missing.bin"))


_WORKER = r"""
import os, sys, time
from curate.store import storage
real = storage.download_file
def counting(uri, local):  # the real download, counted; slow enough to overlap
    with open(os.environ["COUNT_FILE"], "a") as f:
        f.write(f"{os.getpid()}\n")
    time.sleep(1.0)
    return real(uri, local)
storage.download_file = counting
barrier = os.environ["BARRIER"]
open(os.path.join(barrier, str(os.getpid())), "w").close()
deadline = time.time() + 60
while len(os.listdir(barrier)) < 2 and time.time() < deadline:
    time.sleep(0.01)
import langid
m = langid.load_model(sys.argv[1])
print(m.path, len(m.raw_labels), m.predict(["Das ist ein Satz."])[0].language)
"""


def test_two_processes_download_once(s3_model, tmp_path):
    (tmp_path / "barrier").mkdir()
    env = dict(os.environ, COUNT_FILE=str(tmp_path / "count"), BARRIER=str(tmp_path / "barrier"))
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, s3_model], env=env, cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    assert len((tmp_path / "count").read_text().split()) == 1  # one download for both
    lines = {out.strip() for out, _ in outs}
    assert len(lines) == 1 and lines.pop().endswith(" 176 deu")


# --- hub ids, with the hub replaced by a loopback HTTP server (HF_ENDPOINT) -----------

@pytest.fixture
def fake_hub():
    body = BUNDLED.read_bytes()
    requests: list[str] = []

    class Hub(http.server.BaseHTTPRequestHandler):
        def _serve(self, with_body: bool):
            requests.append(f"{self.command} {self.path}")
            if self.path.split("?")[0] != "/cis-lmu/glotlid/resolve/main/model_v3.bin":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("X-Repo-Commit", "0" * 40)
            self.send_header("ETag", f'"{hashlib.sha256(body).hexdigest()}"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_HEAD(self):
            self._serve(False)

        def do_GET(self):
            self._serve(True)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()


_HUB_WORKER = "import sys, langid; m = langid.load_model(sys.argv[1]); print(m.name, m.kind, m.path)"


def test_hub_id(fake_hub, tmp_path):
    endpoint, requests = fake_hub
    env = dict(os.environ, HF_ENDPOINT=endpoint, HF_HOME=str(tmp_path / "hf"),
               CURATE_CACHE=str(tmp_path / "cache"), HF_HUB_DISABLE_TELEMETRY="1")
    env.pop("HF_HUB_OFFLINE", None)
    for spec in ["cis-lmu/glotlid", "hf://cis-lmu/glotlid/model_v3.bin"]:
        proc = _run(_HUB_WORKER, env, spec)
        assert proc.returncode == 0, proc.stderr
        name, kind, path = proc.stdout.split()
        assert (name, kind) == ("hf://cis-lmu/glotlid/model_v3.bin", "lid176")
        assert path.startswith(str(tmp_path / "hf")) and path.endswith("model_v3.bin")
    assert "GET /cis-lmu/glotlid/resolve/main/model_v3.bin" in requests
    # unknown file on the hub -> the clear error
    proc = _run(_HUB_WORKER, env, "hf://cis-lmu/glotlid/nope.bin")
    assert proc.returncode != 0 and "--lid-model" in proc.stderr


def test_hub_offline_is_a_clear_error(tmp_path):
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "hf"),
               CURATE_CACHE=str(tmp_path / "cache"))
    proc = _run(_HUB_WORKER, env, "hf://cis-lmu/glotlid")
    assert proc.returncode != 0
    assert "ModelNotFoundError" in proc.stderr and "hf://cis-lmu/glotlid/model_v3.bin" in proc.stderr


def test_exports():
    assert langid.load_model is load_model and callable(langid.normalise)
