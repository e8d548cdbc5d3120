"""A local stand-in for the part of the Hugging Face Hub HTTP API that `curate publish` uses
(create repo, create branch, paths-info, preupload, LFS batch + basic PUT upload, NDJSON commit).
The real client talks to it through `HF_ENDPOINT`, so everything above the HTTP boundary is real.
It keeps the repositories in memory: tests check what arrived, byte for byte.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse


SIZE_CATEGORIES = {"n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M", "100M<n<1B",
                   "1B<n<10B", "10B<n<100B", "100B<n<1T", "n>1T"}


def validate_card(content: str) -> list[str]:
    """The subset of the Hub's dataset-card metadata schema the card relies on."""
    import yaml

    m = re.match(r"---\n(.*?)\n---\n", content, re.S)
    if not m:
        return ["no YAML front matter"]
    meta = yaml.safe_load(m.group(1))
    errors = []
    if not isinstance(meta.get("license"), str):
        errors.append('"license" must be a string')
    for key in ("language", "task_categories", "size_categories"):
        if not isinstance(meta.get(key, []), list):
            errors.append(f'"{key}" must be a list')
    errors += [f'"size_categories" unknown value {v}' for v in meta.get("size_categories", []) if v not in SIZE_CATEGORIES]
    for c in meta.get("configs", []):
        if not isinstance(c.get("config_name"), str):
            errors.append('"configs" entries need a "config_name"')
        for f in c.get("data_files", []):
            if not {"split", "path"} <= set(f):
                errors.append(f'"configs.{c.get("config_name")}.data_files" entries need "split" and "path"')
    return errors


class Repo:
    def __init__(self, private: bool):
        self.private = private
        self.branches: dict[str, dict[str, bytes]] = {"main": {}}
        self.lfs_paths: set[str] = set()
        self.commits: list[dict] = []


class FakeHub:
    def __init__(self, token: str):
        self.token = token
        self.repos: dict[str, Repo] = {}
        self.lfs: dict[str, bytes] = {}  # sha256 -> content, shared like the Hub's LFS store
        self.requests: list[tuple[str, str]] = []
        self.lfs_puts: list[str] = []
        self.unauthorized = 0
        self.validated: list[bool] = []
        self.fail_commits_after: int | None = None  # simulate an interruption
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def files(self, repo_id: str, branch: str = "main") -> dict[str, bytes]:
        return self.repos[repo_id].branches[branch]

    # --- request handling -------------------------------------------------------------------------
    def _handler(hub):  # noqa: N805 - closes over the hub
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    out = b""
                    while True:
                        n = int(self.rfile.readline().strip(), 16)
                        if n == 0:
                            self.rfile.readline()
                            return out
                        out += self.rfile.read(n)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _send(self, code: int, obj=None, ctype="application/json"):
                data = b"" if obj is None else json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self):
                body = self._body()
                m = re.fullmatch(r"/_lfs/([0-9a-f]{64})", urlparse(self.path).path)
                if not m or hashlib.sha256(body).hexdigest() != m.group(1):
                    return self._send(400, {"error": "bad LFS upload"})
                hub.lfs[m.group(1)] = body
                hub.lfs_puts.append(m.group(1))
                self._send(200, {})

            def do_GET(self):
                self._send(404, {"error": f"not implemented: GET {self.path}"})

            def do_POST(self):
                path = unquote(urlparse(self.path).path)
                hub.requests.append(("POST", path))
                body = self._body()
                if self.headers.get("Authorization") != f"Bearer {hub.token}":
                    hub.unauthorized += 1
                    return self._send(401, {"error": "Invalid credentials"})
                if path == "/api/repos/create":
                    d = json.loads(body)
                    repo_id = f"{d['organization']}/{d['name']}" if d.get("organization") else d["name"]
                    if d.get("type") != "dataset":
                        return self._send(400, {"error": "fake hub: datasets only"})
                    if repo_id in hub.repos:  # the Hub's 409 also carries the URL (huggingface_hub reads it)
                        return self._send(409, {"error": "You already created this dataset repo",
                                                "url": f"{hub.url}/datasets/{repo_id}"})
                    hub.repos[repo_id] = Repo(private=d.get("visibility") == "private")
                    return self._send(200, {"url": f"{hub.url}/datasets/{repo_id}", "name": repo_id})
                if path == "/api/validate-yaml":  # huggingface_hub validates README.md before committing it
                    errors = validate_card(json.loads(body)["content"])
                    hub.validated.append(not errors)
                    return self._send(400 if errors else 200, {"errors": [{"message": e} for e in errors], "warnings": []})
                m = re.fullmatch(r"/datasets/([^/]+/[^/]+)\.git/info/lfs/objects/batch", path)
                if m:
                    objs = [{"oid": o["oid"], "size": o["size"]} | (
                        {} if o["oid"] in hub.lfs else {"actions": {"upload": {"href": f"{hub.url}/_lfs/{o['oid']}"}}})
                        for o in json.loads(body)["objects"]]
                    return self._send(200, {"transfer": "basic", "objects": objs}, "application/vnd.git-lfs+json")
                m = re.fullmatch(r"/api/datasets/([^/]+/[^/]+)/(branch|preupload|commit|paths-info)/(.+)", path)
                if not m or m.group(1) not in hub.repos:
                    return self._send(404, {"error": f"not found: POST {path}"})
                repo, kind, rev = hub.repos[m.group(1)], m.group(2), m.group(3)
                if kind == "branch":
                    if rev in repo.branches:
                        return self._send(409, {"error": "branch exists"})
                    repo.branches[rev] = dict(repo.branches["main"])
                    return self._send(200, {})
                if rev not in repo.branches:
                    return self._send(404, {"error": f"Revision Not Found: {rev}"})
                files = repo.branches[rev]
                if kind == "preupload":  # small text files as git blobs, the rest through LFS, as the Hub decides
                    return self._send(200, {"files": [
                        {"path": f["path"], "shouldIgnore": False, "oid": None,
                         "uploadMode": "regular" if f["path"].endswith((".md", ".json")) and f["size"] < 10**6 else "lfs"}
                        for f in json.loads(body)["files"]]})
                if kind == "paths-info":
                    out = []
                    for p in parse_qs(body.decode()).get("paths", []):
                        if p in files:
                            c = files[p]
                            info = {"type": "file", "path": p, "size": len(c),
                                    "oid": hashlib.sha1(b"blob %d\0" % len(c) + c).hexdigest()}
                            if p in repo.lfs_paths:
                                info["lfs"] = {"oid": hashlib.sha256(c).hexdigest(), "size": len(c), "pointerSize": 134}
                            out.append(info)
                    return self._send(200, out)
                # commit: NDJSON, a header line then one line per operation
                if hub.fail_commits_after is not None and len(repo.commits) >= hub.fail_commits_after:
                    return self._send(500, {"error": "simulated outage"})
                lines = [json.loads(l) for l in body.decode().splitlines() if l.strip()]
                new, lfs_paths = dict(files), set(repo.lfs_paths)
                for op in lines[1:]:
                    v = op["value"]
                    if op["key"] == "file":
                        new[v["path"]] = base64.b64decode(v["content"])
                        lfs_paths.discard(v["path"])
                    elif op["key"] == "lfsFile":
                        if v["oid"] not in hub.lfs:
                            return self._send(422, {"error": f"LFS object {v['oid']} was never uploaded"})
                        new[v["path"]] = hub.lfs[v["oid"]]
                        lfs_paths.add(v["path"])
                    else:
                        return self._send(400, {"error": f"fake hub: unsupported operation {op['key']}"})
                repo.branches[rev], repo.lfs_paths = new, lfs_paths
                oid = hashlib.sha1(json.dumps(lines).encode()).hexdigest()
                repo.commits.append({"revision": rev, "summary": lines[0]["value"]["summary"],
                                     "paths": [op["value"]["path"] for op in lines[1:]]})
                return self._send(200, {"commitUrl": f"{hub.url}/datasets/{m.group(1)}/commit/{oid}",
                                        "commitOid": oid, "pullRequestUrl": None})
        return H
