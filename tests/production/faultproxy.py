"""A loopback HTTP proxy in front of an S3-protocol server that injects faults into chosen
requests: 503 SlowDown (throttling), 500 InternalError, a connection dropped before any response,
and an object body cut short after its headers promised more. Clients talk to it as their S3
endpoint; it forwards everything else unchanged to the real server."""
from __future__ import annotations

import http.client
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_ERRORS = {"slowdown": (503, "SlowDown", "Please reduce your request rate."),
           "error500": (500, "InternalError", "We encountered an internal error. Please try again."),
           "throttle429": (429, "TooManyRequests", "Rate exceeded.")}
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass
class Rule:
    method: str            # GET, PUT, HEAD, ...
    match: str             # substring of the request path (bucket/key)
    fault: str             # slowdown | error500 | throttle429 | drop | truncate
    times: int | None = 1  # how many matching requests to fault (None: all of them)
    hits: int = 0


@dataclass
class FaultProxy:
    upstream: str                          # http://host:port of the real server
    rules: list[Rule] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> str:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    out = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        chunk = self.rfile.read(size + 2)[:size]
                        if not size:
                            while self.rfile.readline() not in (b"\r\n", b""):
                                pass
                            return out
                        out += chunk
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _handle(self):
                body = self._body()
                fault = proxy.take(self.command, self.path)
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault in _ERRORS:
                    status, code, msg = _ERRORS[fault]
                    xml = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{msg}</Message></Error>".encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/xml")
                    if status in (429, 503):
                        self.send_header("Retry-After", "1")
                    self.send_header("Content-Length", str(len(xml)))
                    self.end_headers()
                    self.wfile.write(xml)
                    return
                u = urlsplit(proxy.upstream)
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
                headers["Content-Length"] = str(len(body))
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                self.send_response(resp.status, resp.reason)
                for k, v in resp.getheaders():
                    if k.lower() not in _HOP:
                        self.send_header(k, v)
                # a HEAD response carries the object's length, not that of its (empty) body
                length = resp.getheader("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", length or str(len(data)))
                self.end_headers()
                if fault == "truncate" and self.command == "GET" and len(data) > 1:
                    self.wfile.write(data[: len(data) // 2])  # the promised length never arrives
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # clients hanging up on injected faults are expected

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def take(self, method: str, path: str) -> str | None:
        with self.lock:
            for r in self.rules:
                if r.method == method and r.match in path and (r.times is None or r.hits < r.times):
                    r.hits += 1
                    return r.fault
        return None
