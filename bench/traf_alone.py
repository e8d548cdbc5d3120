#!/usr/bin/env python
"""Extraction bound: trafilatura.extract alone, one process, on every HTML response of a WARC.

    python bench/traf_alone.py WARC [--json out.json]

Options are datatrove's Trafilatura block's (favor_precision=True, include_comments=False,
deduplicate=True). Decoding mirrors datatrove 0.10.1's WarcReader: UTF-8, else a cchardet guess.
Prints a JSON line: records, decoded, extracted (non-empty), extract_s, latency percentiles.
"""
from __future__ import annotations

import argparse
import sys
import time

from jsonfile import write_json


def decode(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import cchardet

    enc = cchardet.detect(body).get("encoding")
    if not enc:
        return None
    try:
        return body.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("warc", nargs="+")
    ap.add_argument("--json", help="also write the result here")
    a = ap.parse_args()
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    t_start = time.perf_counter()
    records = decoded = extracted = 0
    lat = []
    for path in a.warc:
        with open(path, "rb") as f:
            for rec in ArchiveIterator(f):
                if rec.rec_type != "response":
                    continue
                ctype = (rec.http_headers.get_header("Content-Type") or "") if rec.http_headers else ""
                ident = rec.rec_headers.get_header("WARC-Identified-Payload-Type") or ""
                if "html" not in ctype.lower() and "html" not in ident.lower():
                    continue
                records += 1
                html = decode(rec.content_stream().read())
                if html is None:
                    continue
                decoded += 1
                t0 = time.perf_counter()
                text = trafilatura.extract(html, favor_precision=True, include_comments=False, deduplicate=True)
                lat.append(time.perf_counter() - t0)
                extracted += bool(text)
    lat.sort()

    def q(x):
        return round(lat[min(len(lat) - 1, int(x * len(lat)))] * 1000, 1) if lat else None

    res = {
        "trafilatura": trafilatura.__version__, "records": records, "decoded": decoded, "extracted": extracted,
        "extract_s": round(sum(lat), 3), "process_s": round(time.perf_counter() - t_start, 3),
        "latency_ms": {"p50": q(0.5), "p90": q(0.9), "p99": q(0.99), "max": q(1.0)},
    }
    print(write_json(res, a.json, indent=None))
    sys.exit(0)


if __name__ == "__main__":
    main()
