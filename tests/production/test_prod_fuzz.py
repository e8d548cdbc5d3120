"""Bad input never crashes a worker, and no record disappears without a reason.

Hypothesis drives the WARC reader (random bytes, truncated gzip members, wrong Content-Length,
random and lying charsets, huge and deeply nested HTML) and the shard task on small generated
WARCs; the format fixtures of warcio, resiliparse and dolma (tests/data, tests/production/data)
are read as well."""
from __future__ import annotations

import gzip
import io
import itertools
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from curate.config import PipelineConfig
from curate.store.warc import iter_records

DATA = Path(__file__).parent / "data"
OLD_DATA = Path(__file__).parents[1] / "data"
CHARSETS = ["utf-8", "cp1251", "gb18030", "shift_jis", "iso-8859-1", "koi8-r", "utf-16", "latin9", "x-bogus", ""]
WORDS = ["Bonjour", "le", "monde", "Привет", "мир", "你好", "世界", "こんにちは", "Καλημέρα", "مرحبا", "ok", "&amp;", "\u200b"]


def _read(data: bytes) -> tuple[list, Counter]:
    reasons = Counter()
    recs = list(iter_records(io.BytesIO(data), lambda stage, reason: reasons.update([f"{stage}/{reason}"]),
                             max_bytes=200_000))
    return recs, reasons


@st.composite
def pages(draw):
    """(payload bytes, Content-Type header) of one HTTP response: HTML in a random (possibly
    undeclared or wrongly declared) charset, nested or flat, sometimes not HTML at all."""
    text = " ".join(draw(st.lists(st.sampled_from(WORDS) | st.text(max_size=20), max_size=60)))
    depth = draw(st.sampled_from([0, 1, 50, 3000]))
    html = "<html><head><title>t</title></head><body>" + "<div>" * depth + f"<p>{text}</p>" + "</div>" * draw(
        st.integers(0, depth)) + "</body></html>"
    real = draw(st.sampled_from(CHARSETS[:-2]))
    body = html.encode(real, errors="replace")
    declared = draw(st.sampled_from(CHARSETS))
    mime = draw(st.sampled_from(["text/html", "text/html", "application/xhtml+xml", "application/pdf", ""]))
    ctype = f"{mime}; charset={declared}" if declared else mime
    if draw(st.booleans()):
        body = body.replace(b"<head>", f'<head><meta charset="{draw(st.sampled_from(CHARSETS))}">'.encode(), 1)
    return body, ctype


def _warc(pages_: list[tuple[bytes, str]], status: list[str] | None = None) -> bytes:
    """A gzipped WARC: a warcinfo record, then one response per page; fixed ids and dates, so the
    same pages give the same bytes (hypothesis replays examples)."""
    out = io.BytesIO()
    w = WARCWriter(out, gzip=True)
    fixed = lambda i: {"WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{i:012d}>", "WARC-Date": "2024-01-01T00:00:00Z"}
    w.write_record(w.create_warc_record("", "warcinfo", payload=io.BytesIO(b"software: hypothesis\r\n"),
                                        warc_headers_dict=fixed(999), warc_content_type="application/warc-fields"))
    for i, (body, ctype) in enumerate(pages_):
        http = StatusAndHeaders((status or ["200 OK"] * len(pages_))[i], [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"http://example{i}.org/p", "response", payload=io.BytesIO(body),
                                            http_headers=http, warc_headers_dict=fixed(i)))
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_never_raise(data):
    recs, reasons = _read(data)
    assert all(r.content for r in recs)
    assert sum(reasons.values()) <= 1 or all(k.startswith("read/") for k in reasons)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pages(), min_size=1, max_size=5), st.lists(st.sampled_from(["200 OK", "404 Not Found", "301 Moved"]),
                                                            min_size=5, max_size=5))
def test_every_response_is_yielded_or_counted(pages_, status):
    recs, reasons = _read(_warc(pages_, status[: len(pages_)]))
    assert not [k for k in reasons if "read_error" in k], reasons
    assert len(recs) + sum(reasons.values()) == len(pages_)


@settings(max_examples=120, deadline=None)
@given(st.lists(pages(), min_size=1, max_size=4), st.data())
def test_truncated_or_corrupted_stream_loses_nothing_silently(pages_, data):
    raw = bytearray(_warc(pages_))
    boundaries = set(itertools.accumulate(len(m) for m in _split_members(bytes(raw))))
    how = data.draw(st.sampled_from(["truncate", "flip", "length"]))
    if how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    elif how == "flip":
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] ^= data.draw(st.integers(1, 255))
    else:  # a lying Content-Length inside one gzip member (re-compressed)
        members = _split_members(bytes(raw))
        k = data.draw(st.integers(0, len(members) - 1))
        plain = gzip.decompress(members[k])
        head, sep, rest = plain.partition(b"Content-Length: ")
        if sep:
            n, _, tail = rest.partition(b"\r\n")
            delta = data.draw(st.sampled_from([-50, -1, 1, 7, 10_000]))
            plain = head + sep + str(max(0, int(n) + delta)).encode() + b"\r\n" + tail
        members[k] = gzip.compress(plain, mtime=0)
        raw = bytearray(b"".join(members))
    recs, reasons = _read(bytes(raw))
    # every response either comes out, is counted with a reason, or a read error says the rest of
    # the shard could not be read
    accounted = len(recs) + sum(reasons.values())
    if how == "truncate" and (len(raw) in boundaries or not raw):
        return  # cut between gzip members: a valid, shorter WARC (only a listing of offsets could tell)
    if accounted < len(pages_):
        assert any("read_error" in k for k in reasons), (how, reasons, len(recs), len(pages_))


def _split_members(data: bytes) -> list[bytes]:
    import zlib

    out, pos = [], 0
    while pos < len(data):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        d.decompress(data[pos:])
        used = len(data) - pos - len(d.unused_data)
        out.append(data[pos:pos + used])
        pos += used
    return out


def test_huge_page_is_counted_not_parsed():
    body = b"<html><body>" + b"<p>" + b"x" * (50 * 1024 * 1024) + b"</p></body></html>"  # 50 MB
    reasons = Counter()
    recs = list(iter_records(io.BytesIO(_warc([(body, "text/html")])), lambda s, r: reasons.update([r])))
    assert not recs and reasons == {"too_large": 1}


@pytest.mark.parametrize("path", sorted(p for p in [*OLD_DATA.iterdir(), *DATA.iterdir()]
                                        if p.name.endswith((".warc", ".gz", ".arc", ".bad", ".lz4"))),
                         ids=lambda p: p.name)
def test_format_fixtures_never_raise(path):
    recs, reasons = _read(path.read_bytes())
    assert all(r.id or r.url for r in recs)
    if path.name == "dolma_wget_sample-0000.warc.gz":  # WARC/1.0 `<url>` target URIs are unwrapped
        assert recs and all(r.url.startswith("http") for r in recs)


# ------------------------------------------------------------------ the shard task
@pytest.fixture(scope="module")
def shard_env(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz_shard")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(pages(), min_size=1, max_size=4), st.sampled_from(["intact", "truncate"]), st.data())
def test_shard_task_never_raises_and_counts_every_record(shard_env, pages_, how, data):
    from curate.stages.shard import process_shard

    raw = _warc(pages_)
    if how == "truncate":
        raw = raw[: data.draw(st.integers(1, len(raw) - 1))]
    case = shard_env / f"case-{abs(hash((raw, how))) % 10**12}"
    case.mkdir(exist_ok=True)
    shard = case / "fuzz.warc.gz"
    shard.write_bytes(raw)
    cfg = PipelineConfig(input=str(case), output=str(case / "out"), extract_timeout_s=5)
    marker = process_shard(str(shard), cfg)
    c = Counter()
    for r in marker["counters"]:
        c[(r["stage"], r["reason"] == "kept")] += r["count"]
    # the funnel conserves documents: what one stage keeps, the next one counts (kept or why not)
    assert c[("read", True)] == c[("url_filter", True)] + c[("url_filter", False)]
    assert c[("url_filter", True)] == c[("extract", True)] + c[("extract", False)]
    assert c[("extract", True)] == c[("langid", True)] + c[("langid", False)]
    read_total = c[("read", True)] + c[("read", False)]
    if how == "intact":
        assert read_total == len(pages_)
    else:
        assert read_total <= len(pages_) + 1  # + the read error that ends a truncated shard
    rows = sum(p["rows"] for p in marker["parts"].values())
    assert rows == c[("langid", True)]
    assert json.loads((case / "out" / "_work" / "markers" / marker["shard_id"] / "_SUCCESS.json").read_text())
