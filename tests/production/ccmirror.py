"""A fake Common Crawl on loopback: `collinfo.json`, two snapshots with `warc.paths.gz` and
`wet.paths.gz`, and their shards, served over HTTP (Python's static file server) behind the fault
proxy, like index.commoncrawl.org and data.commoncrawl.org."""
from __future__ import annotations

import functools
import gzip
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.production.faultproxy import FaultProxy

DATA = Path(__file__).resolve().parents[1] / "data"
SNAPSHOTS = {"CC-MAIN-2099-01": "resiliparse_CC-MAIN-2020-34_excerpt.warc.gz", "CC-MAIN-2099-05": "example.warc.gz"}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


class CCMirror:
    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        entries = [{"id": "CC-MAIN-2099-05", "name": "May 2099 Index"}, {"id": "CC-MAIN-2099-01", "name": "Jan 2099 Index"},
                   {"id": "not a snapshot"}]
        (root / "collinfo.json").write_text(json.dumps(entries))
        self.shards = {}
        for snap, name in SNAPSHOTS.items():
            rel = f"crawl-data/{snap}/segments/1700000000.0/warc/{name}"
            (root / rel).parent.mkdir(parents=True)
            shutil.copy(DATA / name, root / rel)
            wet = rel.replace("/warc/", "/wet/").replace(".warc.gz", ".warc.wet.gz")
            (root / f"crawl-data/{snap}/warc.paths.gz").write_bytes(gzip.compress(rel.encode() + b"\n"))
            (root / f"crawl-data/{snap}/wet.paths.gz").write_bytes(gzip.compress(wet.encode() + b"\n"))
            self.shards[snap] = rel
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.proxy = FaultProxy(f"http://127.0.0.1:{self.server.server_address[1]}")
        self.url = self.proxy.start()

    def stop(self):
        self.proxy.stop()
        self.server.shutdown()
        self.server.server_close()
