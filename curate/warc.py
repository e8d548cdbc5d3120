"""Reading Common Crawl WARC (and WET) shards into records, counting every record skipped.

Records are gzip members; warcio parses them. HTML responses are decoded with the HTTP charset,
then the `<meta charset>`, then detection (cchardet); a body that is valid UTF-8 but declared
as a single-byte legacy charset is taken as UTF-8 (servers often lie; the reverse is rare).
"""
from __future__ import annotations

import codecs
import re
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


def iter_records(
    stream: IO[bytes], count: Callable[[str, str], None], max_bytes: int = 20_000_000
) -> Iterator[WarcRecord]:
    """Yield HTML responses and WET conversions; ``count(stage, reason)`` is called for every
    record that is skipped, so none is lost silently."""
    it = ArchiveIterator(stream, check_digests=False)
    try:
        for rec in it:
            rtype = rec.rec_type
            if rtype not in ("response", "conversion", "resource"):
                continue  # warcinfo, request, metadata: not documents
            headers = rec.rec_headers
            url = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
            rid = headers.get_header("WARC-Record-ID") or ""
            date = headers.get_header("WARC-Date") or ""
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
    except Exception as e:  # truncated gzip member, wrong lengths: the rest of the shard is unreadable
        count("read", f"read_error:{type(e).__name__}")
