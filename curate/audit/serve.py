"""``curate audit serve PACK_DIR``: the review page over http on this machine, so a reviewer's labels
land in the pack (``PACK_DIR/labels/{reviewer}.json``) without a download to send around.

The server is stdlib only and binds 127.0.0.1 by default. ``POST /labels`` checks the file just enough
to refuse what is not a labels file of this pack (``curate audit ingest`` checks it in full), and only
a same-origin JSON request: a page of another site can send neither without the browser asking first.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import os
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from curate.audit.ingest import check_labels as check
from curate.audit.ingest import parse_labels
from curate.audit.page import render_page
from curate.store import storage

MAX_BODY = 32 << 20  # a pack's labels are a few kB; its texts are not sent back


def check_labels(pack: dict, body: bytes) -> tuple[dict, str]:
    """(labels, reviewer) when ``body`` is a labels file of ``pack`` (`curate audit ingest`'s check);
    LabelsError, a ValueError, saying why not."""
    payload = check(parse_labels(body.decode("utf-8"), "labels"), {pack["pack_id"]: pack}, "labels")
    return payload, payload["reviewer"]


def _handler(pack: dict, page: bytes, pack_dir: str):
    class Handler(BaseHTTPRequestHandler):
        server_version = "curate-audit"

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, obj: dict) -> None:
            self._send(status, json.dumps(obj).encode(), "application/json")

        def do_GET(self):
            if urlsplit(self.path).path in ("/", "/review.html"):
                self._send(HTTPStatus.OK, page, "text/html; charset=utf-8")
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def do_POST(self):
            if urlsplit(self.path).path != "/labels":
                return self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
            origin = self.headers.get("Origin")
            if origin and urlsplit(origin).netloc != self.headers.get("Host"):
                return self._json(HTTPStatus.FORBIDDEN, {"error": f"requests from {origin} are not accepted"})
            if self.headers.get_content_type() != "application/json":
                return self._json(HTTPStatus.BAD_REQUEST, {"error": "send the labels as application/json"})
            try:
                size = int(self.headers.get("Content-Length", ""))
            except ValueError:
                return self._json(HTTPStatus.LENGTH_REQUIRED, {"error": "Content-Length required"})
            if not 0 < size <= MAX_BODY:
                return self._json(HTTPStatus.BAD_REQUEST, {"error": f"body of {size} bytes: expected 1 to {MAX_BODY}"})
            try:
                payload, reviewer = check_labels(pack, self.rfile.read(size))
            except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError is a ValueError
                return self._json(HTTPStatus.BAD_REQUEST, {"error": f"not saved: {e}"})
            path = os.path.join(pack_dir, "labels", f"{reviewer}.json")
            storage.write_text(path, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")  # atomic
            self._json(HTTPStatus.OK, {"saved": path})

        def log_message(self, format, *args):
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    return Handler


def make_server(pack_dir: str, host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
    """A server for the pack in the local folder ``pack_dir`` (port 0: any free port); not started."""
    pack_dir = os.path.abspath(pack_dir)
    with open(os.path.join(pack_dir, "pack.json"), encoding="utf-8") as f:
        pack = json.load(f)
    page = render_page(pack).encode("utf-8")  # the current template, whatever review.html was written with
    server = ThreadingHTTPServer((host, port), _handler(pack, page, pack_dir))
    server.daemon_threads = True
    return server


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="curate audit serve", description="Serve an audit pack's review page on "
                                 "this machine; the labels reviewers save land in PACK_DIR/labels/.")
    ap.add_argument("pack_dir", metavar="PACK_DIR", help="local folder of the pack (the one holding pack.json)")
    ap.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    ap.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0: any free port)")
    args = ap.parse_args(argv)
    if storage.is_s3(args.pack_dir) or storage.is_http(args.pack_dir) or "://" in args.pack_dir:
        print(f"error: {args.pack_dir} is not a local folder: copy the pack here first", file=sys.stderr)
        return 2
    if not os.path.isfile(os.path.join(args.pack_dir, "pack.json")):
        print(f"error: no pack.json in {args.pack_dir}", file=sys.stderr)
        return 2
    try:
        server = make_server(args.pack_dir, args.host, args.port)
    except OSError as e:
        print(f"error: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    host, port = server.server_address[:2]
    if not _is_loopback(args.host):
        print(f"warning: listening on {host}: whoever reaches it can read the pack and save labels", file=sys.stderr)
    labels = os.path.join(os.path.abspath(args.pack_dir), "labels")
    print(f"Review page: http://{host}:{port}/  (labels are saved to {labels}/; Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
