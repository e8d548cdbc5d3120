"""Readers of the shared data directory: real Common Crawl records, trafilatura's test pages and
lingua's sentence files.

Nothing here invents content; the page builders arrange what these readers return.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import defaultdict
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from .config import NO_SPACE, SEED
from .record import Rec

# ----------------------------------------------------------------------------------------
# real Common Crawl records, copied as raw gzip members
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
# real pages from trafilatura's test set
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
# lingua's real sentences
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


def word_pairs(shared: Path, iso: str, n: int) -> list[str]:
    """The first ``n`` lines of lingua's word-pairs file for ``iso`` (real words, no punctuation)."""
    return (shared / f"lid_dev_lingua/{iso}/word-pairs.txt").read_text(encoding="utf-8").splitlines()[:n]
