"""Responses a pipeline must survive rather than keep: a block-listed URL, non-HTML bodies
(a generated PNG and PDF), a page whose HTTP charset lies, and an empty body."""

from __future__ import annotations

import struct
import zlib

from .config import BLOCKED_DOMAIN
from .pages import article_html, lingua_page, slugify
from .record import Rec


def png_bytes() -> bytes:
    """A 16x16 RGB gradient PNG, generated."""
    w, h = 16, 16
    raw = b"".join(b"\x00" + b"".join(bytes((x * 16, y * 16, 128)) for x in range(w)) for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def pdf_bytes() -> bytes:
    """A one-page PDF with one line of text, generated (xref offsets computed)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            None,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    stream = b"BT /F1 18 Tf 20 70 Td (curate sample PDF) Tj ET"
    objs[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, o)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def bad_input_pages(pools: dict) -> list[Rec]:
    """The ``blocked_url``, ``non_html``, ``bad_charset`` and ``empty_body`` records, in that order."""
    recs = []
    pars, title = lingua_page(pools["en"], "en", 2)
    recs.append(Rec(kind="blocked_url", url=f"http://www.{BLOCKED_DOMAIN}/reviews/2024/{slugify(title, 0)}.html",
                    body=article_html("en", title, pars, BLOCKED_DOMAIN, "A"), lang="eng_Latn",
                    expected_reason="domain", source="lingua-rs:language-models/en/testdata/sentences.txt",
                    extra={"blocked_domain": BLOCKED_DOMAIN}))
    recs.append(Rec(kind="non_html", url="https://www.city-courier-en.com/static/img/logo-16.png",
                    body=png_bytes(), content_type="image/png", source="generated"))
    recs.append(Rec(kind="non_html", url="https://www.city-courier-en.com/files/report-2024.pdf",
                    body=pdf_bytes(), content_type="application/pdf", source="generated"))
    # a UTF-8 Russian body without <meta charset>, declared iso-8859-1 in HTTP
    pars, title = lingua_page(pools["ru"], "ru", 1)
    html = article_html("ru", title, pars, "novosti-primer", "A").replace(b'<meta charset="utf-8">\n', b"")
    recs.append(Rec(kind="bad_charset", url="http://www.novosti-primer.ru/obshchestvo/2024/05/statya-77.html",
                    body=html, content_type="text/html; charset=iso-8859-1", lang="rus_Cyrl",
                    source="lingua-rs:language-models/ru/testdata/sentences.txt",
                    extra={"declared_charset": "iso-8859-1", "actual_charset": "utf-8"}))
    recs.append(Rec(kind="empty_body", url="https://www.metro-journal-en.com/news/2024/05/empty.html",
                    body=b"", content_type="text/html; charset=utf-8", source="generated"))
    return recs
