"""Reading Common Crawl WARC (and WET) shards into records, counting every record skipped.

Records are gzip members; warcio parses them. HTML responses are decoded with the HTTP charset,
then the `<meta charset>`, then detection (cchardet); a body that is valid UTF-8 but declared
as a single-byte legacy charset is taken as UTF-8 (servers often lie; the reverse is rare).
"""
from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass
from typing import IO, Callable, Iterator

from warcio.archiveiterator import ArchiveIterator

HTML_TYPES = ("text/html", "application/xhtml+xml")
_SINGLE_BYTE = {"cp1252", "iso8859-15", "cp1250", "cp1251", "koi8-r", "cp1254"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass
class WarcRecord:
    id: str
    url: str
    date: str
    offset: int          # byte offset of the record's gzip member in the shard
    content: str         # decoded HTML, or extracted text for WET records
    is_text: bool        # True for WET conversion records (already plain text)
    charset: str


def _charset_from_content_type(ct: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", ct or "", re.I)
    return m.group(1).lower() if m else None


# Browsers decode these labels as their supersets (WHATWG Encoding Standard); so do we.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "iso8859-1": "cp1252", "ascii": "cp1252",
              "shift_jis": "cp932", "euc_kr": "cp949", "iso8859-9": "cp1254", "tis-620": "cp874"}


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name).name
        return _SUPERSETS.get(canonical, canonical)
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str) -> tuple[str, str]:
    """Return (text, charset used)."""
    declared = _known(_charset_from_content_type(content_type))
    if declared is None:
        m = _META_CHARSET.search(body[:4096])
        declared = _known(m.group(1).decode("ascii", "ignore")) if m else None
    if declared:
        if declared in _SINGLE_BYTE and not body.isascii():
            try:
                return body.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        try:
            return body.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    import cchardet

    guess = _known((cchardet.detect(body[:65536]) or {}).get("encoding"))
    if guess:
        try:
            return body.decode(guess), guess
        except (UnicodeDecodeError, LookupError):
            pass
    return body.decode("utf-8", errors="replace"), "utf-8-replace"


def _arc_date(stamp: str | None) -> str:
    s = (stamp or "").strip()
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}T{s[8:10]}:{s[10:12]}:{s[12:14]}Z" if len(s) == 14 and s.isdigit() else ""


class _Prefix:
    """The first ``end`` bytes of a stream (from its current position on), for warcio."""

    def __init__(self, stream: IO[bytes], end: int):
        self.stream, self.end = stream, end

    def read(self, n: int = -1) -> bytes:
        left = self.end - self.stream.tell()
        return self.stream.read(left if n is None or n < 0 else min(n, left)) if left > 0 else b""


def intact_gzip_end(stream: IO[bytes]) -> tuple[int, int] | None:
    """(end of the last intact gzip member, end of the data) of a seekable gzip stream, else None.

    warcio decompresses a member cut short without complaint, so a truncated shard would lose its
    last records silently (or yield one with half its text). One extra inflate pass, output
    discarded and bounded in memory, checks every member's CRC and end before any is parsed."""
    if not (hasattr(stream, "seekable") and stream.seekable()):
        return None
    start = stream.tell()
    magic = stream.read(2)
    stream.seek(start)
    if not magic or not b"\x1f\x8b".startswith(magic):  # (a 1-byte file is a cut gzip header too)
        return None
    pos = good = start
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        while chunk := stream.read(1 << 20):
            while chunk:
                d.decompress(chunk, 1 << 22)
                if d.eof:  # a complete member: CRC and length checked by zlib
                    pos += len(chunk) - len(d.unused_data)
                    good, chunk = pos, d.unused_data
                    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                else:
                    pos += len(chunk) - len(d.unconsumed_tail)
                    chunk = d.unconsumed_tail
    except zlib.error:
        pass  # corrupt member: everything from it on is unreadable
    end = stream.seek(0, 2)
    stream.seek(start)
    return good, end


def iter_records(
    stream: IO[bytes], count: Callable[[str, str], None], max_bytes: int = 20_000_000
) -> Iterator[WarcRecord]:
    """Yield HTML responses and WET conversions; ``count(stage, reason)`` is called for every
    record that is skipped, so none is lost silently."""
    bounds = intact_gzip_end(stream)
    damaged = bounds is not None and bounds[0] < bounds[1]
    if damaged:  # parse only the intact members; the damaged tail is counted below
        stream = _Prefix(stream, bounds[0])
    it = ArchiveIterator(stream, check_digests=False)
    try:
        for rec in it:
            rtype = rec.rec_type
            if rtype not in ("response", "conversion", "resource"):
                continue  # warcinfo, request, metadata: not documents
            headers = rec.rec_headers
            url = (headers.get_header("WARC-Target-URI") or headers.get_header("uri") or "").strip().strip("<>")
            date = headers.get_header("WARC-Date") or _arc_date(headers.get_header("archive-date"))
            # ARC has no record ids: URL + capture time is its key (deterministic, unlike warcio's arc2warc uuids)
            rid = headers.get_header("WARC-Record-ID") or f"<urn:curate:arc:{date}:{url}>"
            is_text = rtype == "conversion"
            if rtype == "response" and rec.http_headers is not None:
                status = rec.http_headers.get_statuscode() or ""
                ctype = rec.http_headers.get_header("Content-Type") or ""
                if not status.startswith("2"):
                    count("read", "http_status")
                    continue
            else:
                ctype = headers.get_header("WARC-Identified-Payload-Type") or headers.get_header("Content-Type") or ""
            mime = ctype.split(";")[0].strip().lower()
            if not is_text and mime and mime not in HTML_TYPES:
                count("read", "not_html")
                continue
            body = rec.content_stream().read(max_bytes + 1)
            offset = it.get_record_offset()
            if len(body) > max_bytes:
                count("read", "too_large")
                continue
            if not body.strip():
                count("read", "empty_body")
                continue
            if is_text:
                content, charset = body.decode("utf-8", errors="replace"), "utf-8"
            else:
                content, charset = decode_html(body, ctype)
            yield WarcRecord(rid, url, date, offset, content, is_text, charset)
    except Exception as e:  # wrong lengths, broken headers: the rest of the shard is unreadable
        count("read", f"read_error:{type(e).__name__}")
    if damaged:
        count("read", "read_error:truncated_or_corrupt_gzip")
