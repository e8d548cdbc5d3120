"""WARC reading on real Common Crawl records and warcio's malformed fixtures (tests/data, see NOTICE)."""
import io
from collections import Counter
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from curate.store.warc import decode_html, iter_records

DATA = Path(__file__).parent / "data"


def read(path):
    reasons = Counter()
    with open(path, "rb") as f:
        recs = list(iter_records(f, lambda stage, reason: reasons.update([reason])))
    return recs, reasons


def test_real_cc_excerpt_decodes_every_charset():
    recs, reasons = read(DATA / "resiliparse_CC-MAIN-2020-34_excerpt.warc.gz")
    assert len(recs) == 16 and not reasons
    by_url = {r.url: r for r in recs}
    ru = by_url["http://01spb.ru/company/"]
    assert ru.charset == "cp1251" and "компани" in ru.content.lower()
    gb = [r for r in recs if r.charset == "gb18030"]
    assert gb and all("\ufffd" not in r.content for r in gb)
    # provenance: ids, dates and the byte offset of each gzip member
    assert all(r.id.startswith("<urn:uuid:") and r.date.startswith("2020-08") for r in recs)
    offsets = [r.offset for r in recs]
    assert offsets == sorted(offsets) and len(set(offsets)) == 16


def test_offset_points_at_the_record():
    recs, _ = read(DATA / "resiliparse_CC-MAIN-2020-34_excerpt.warc.gz")
    with open(DATA / "resiliparse_CC-MAIN-2020-34_excerpt.warc.gz", "rb") as f:
        f.seek(recs[3].offset)
        again = list(iter_records(f, lambda *a: None))
    assert again[0].id == recs[3].id


@pytest.mark.parametrize("name,reason", [
    ("example-bad-non-chunked.warc.gz", "read_error:ArchiveLoadFailed"),
    ("example-wrong-chunks.warc.gz", "read_error:ArchiveLoadFailed"),
    ("post-test.warc.gz", "not_html"),
])
def test_malformed_input_is_counted_not_raised(name, reason):
    recs, reasons = read(DATA / name)
    assert reasons[reason] >= 1


def _warc(body: bytes, content_type: str) -> io.BytesIO:
    out = io.BytesIO()
    w = WARCWriter(out, gzip=True)
    http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record("http://example.org/", "response", payload=io.BytesIO(body), http_headers=http))
    out.seek(0)
    return out


def test_lying_charset_header_is_overruled_by_valid_utf8():
    body = "<html><body><p>Привет, мир! Это тест.</p></body></html>".encode("utf-8")
    recs = list(iter_records(_warc(body, "text/html; charset=iso-8859-1"), lambda *a: None))
    assert "Привет" in recs[0].content


def test_meta_charset_and_detection():
    body = '<html><head><meta charset="windows-1251"></head><body>Привет</body></html>'.encode("cp1251")
    assert "Привет" in decode_html(body, "text/html")[0]


def test_non_html_and_oversized_are_counted():
    reasons = Counter()
    list(iter_records(_warc(b"\x89PNG....", "image/png"), lambda s, r: reasons.update([r])))
    list(iter_records(_warc(b"<p>" + b"x" * 2000 + b"</p>", "text/html"), lambda s, r: reasons.update([r]), max_bytes=1000))
    assert reasons == {"not_html": 1, "too_large": 1}
