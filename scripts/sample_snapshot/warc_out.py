"""``write_shards``: the WARC files, ``warc.paths.gz`` and the MANIFEST entries' positions.

Real CC captures are copied as their original gzip members; synthetic records are written by
warcio with ids (uuid5 of URL and body) and dates (a fixed clock, 37 s a record) that depend
only on the inputs, so a rebuild gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import uuid
from datetime import timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .config import BASE_DATE, N_SHARDS, NS, SNAPSHOT, shard_name
from .record import Rec


def sha1(b: bytes) -> str:
    return hashlib.sha1(b).hexdigest()


def rec_id(*parts) -> str:
    return "<urn:uuid:%s>" % uuid.uuid5(NS, "\x1f".join(str(p) for p in parts))


def warc_date(i: int) -> str:
    return (BASE_DATE + timedelta(seconds=37 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(i: int) -> str:
    return (BASE_DATE + timedelta(seconds=37 * i)).strftime("%a, %d %b %Y %H:%M:%S GMT")


def write_warcinfo(w: WARCWriter, s: int, name: str) -> str:
    """Write shard ``s``'s own warcinfo record; return its record id."""
    info_id = rec_id("warcinfo", name)
    info = (f"software: curate scripts/build_sample_snapshot.py\r\n"
            f"isPartOf: {SNAPSHOT}\r\n"
            f"description: curate bundled sample snapshot, shard {s} of {N_SHARDS}; real pages and "
            f"planted test cases, see curate/sample/MANIFEST.jsonl and NOTICE.md\r\n"
            f"format: WARC File Format 1.0\r\n"
            f"conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n").encode()
    w.write_record(w.create_warc_record("", "warcinfo", payload=io.BytesIO(info),
                                        warc_content_type="application/warc-fields",
                                        warc_headers_dict={"WARC-Date": warc_date(0),
                                                           "WARC-Record-ID": info_id,
                                                           "WARC-Filename": name}))
    return info_id


def write_capture(w: WARCWriter, fh, r: Rec, counter: int, info_id: str, name: str) -> dict:
    """Write one synthetic capture (request, response, metadata when ``r.with_request``, else
    the response alone); return its MANIFEST entry."""
    date = warc_date(counter)
    rid = rec_id("response", r.url, sha1(r.body))
    if r.with_request:
        host = r.url.split("/")[2]
        path_q = "/" + r.url.split("/", 3)[3] if r.url.count("/") >= 3 else "/"
        req_h = StatusAndHeaders(f"GET {path_q} HTTP/1.1", [
            ("User-Agent", "CCBot/2.0 (https://commoncrawl.org/faq/)"),
            ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("Accept-Language", "en-US,en;q=0.5"), ("Accept-Encoding", "br,gzip"),
            ("Host", host), ("Connection", "Keep-Alive")], is_http_request=True)
        w.write_record(w.create_warc_record(r.url, "request", payload=io.BytesIO(b""),
                                            http_headers=req_h, warc_headers_dict={
                                                "WARC-Date": date, "WARC-Warcinfo-ID": info_id,
                                                "WARC-Record-ID": rec_id("request", r.url),
                                                "WARC-Concurrent-To": rid}))
    headers = [("Date", http_date(counter)), ("Server", "nginx")]
    if r.content_type:
        headers.append(("Content-Type", r.content_type))
    headers += [("Content-Length", str(len(r.body))), ("Connection", "close")]
    hh = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    wh = {"WARC-Date": date, "WARC-Record-ID": rid, "WARC-Warcinfo-ID": info_id}
    if r.content_type:
        wh["WARC-Identified-Payload-Type"] = r.content_type.split(";")[0]
    off = fh.tell()
    w.write_record(w.create_warc_record(r.url, "response", payload=io.BytesIO(r.body),
                                        length=len(r.body), http_headers=hh, warc_headers_dict=wh))
    if r.with_request:
        meta = f"fetchTimeMs: {100 + counter % 900}\r\n".encode()
        w.write_record(w.create_warc_record(r.url, "metadata", payload=io.BytesIO(meta),
                                            warc_content_type="application/warc-fields",
                                            warc_headers_dict={
                                                "WARC-Date": date, "WARC-Warcinfo-ID": info_id,
                                                "WARC-Record-ID": rec_id("metadata", r.url),
                                                "WARC-Concurrent-To": rid}))
    e = {"url": r.url, "shard": name, "offset": off, "kind": r.kind, "record_id": rid,
         "content_type": r.content_type, "lang": r.lang, "dup_group": r.dup_group,
         "expected_reason": r.expected_reason, "source": r.source}
    for k, v in r.extra.items():
        if k not in ("pars", "title"):
            e[k] = v
    return e


def write_shards(out_dir: Path, shard_units, excerpt_info):
    """Write every shard and ``warc.paths.gz``; return the MANIFEST entries (before ``verify``
    adds ``observed`` and the real records' ``lang``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = []
    counter = 0
    for s in range(N_SHARDS):
        name = shard_name(s)
        with open(out_dir / name, "wb") as fh:
            w = WARCWriter(fh, gzip=True, warc_version="1.0")
            info_id = write_warcinfo(w, s, name)
            if s == 0:
                fh.write(excerpt_info)   # the real CC-MAIN-2020-34 warcinfo, verbatim
            for kind, u in shard_units[s]:
                if kind == "cc":
                    ckind, src, members = u
                    for m in members:
                        off = fh.tell()
                        fh.write(m[2])
                        if m[0] == "response":
                            manifest.append({"url": m[1], "shard": name, "offset": off, "kind": ckind,
                                             "record_id": m[4], "content_type": m[3], "source": src})
                    continue
                counter += 1
                manifest.append(write_capture(w, fh, u, counter, info_id, name))
    with gzip.GzipFile(out_dir / "warc.paths.gz", "wb", mtime=0) as gz:
        gz.write("".join(shard_name(s) + "\n" for s in range(N_SHARDS)).encode())
    return manifest
