"""``build_records``: every record of the sample, in one fixed order.

The order matters for the bytes: the sentence pools are consumed in it (lingua pages, then the
near copies' donor sentences, then the junk pages, then the bad-input pages), the real
trafilatura pages must skip every URL already used, and every 23rd record gets a request and a
metadata record.
"""

from __future__ import annotations

from pathlib import Path

from .bad_input import bad_input_pages
from .config import FW2, LINGUA_LANGS, SITES, TLD
from .duplicates import exact_copies, near_copies
from .junk import junk_pages
from .pages import article_html, lingua_page, slugify
from .record import Rec
from .sources import Pool, real_cc_groups, real_pages


def lingua_articles(pools: dict) -> dict:
    """Three article pages per lingua language, keyed (iso, k); ``extra`` keeps their paragraphs
    and title for the near copies."""
    lingua = {}
    for li, iso in enumerate(LINGUA_LANGS):
        for k in range(3):
            pars, title = lingua_page(pools[iso], iso, li + k)
            site = f"{SITES[k]}-{iso}"
            section = ["news", "culture", "society"][k]
            url = f"https://www.{site}.{TLD[iso]}/{section}/2024/05/{slugify(title, k)}-{1000 + 7 * li + k}.html"
            html = article_html(iso, title, pars, site, "A", date=f"2024-05-{10 + k:02d}")
            r = Rec(kind="lingua", url=url, body=html, lang=FW2[iso],
                    source=f"lingua-rs:language-models/{iso}/testdata/sentences.txt")
            r.extra["pars"] = pars
            r.extra["title"] = title
            lingua[(iso, k)] = r
    return lingua


def build_records(shared: Path):
    """Return (real CC capture groups, the excerpt's warcinfo member, synthetic + real-page records)."""
    cc_groups, excerpt_info = real_cc_groups(shared)
    used = {m[1] for _, _, g in cc_groups for m in g if m[1]}
    pools = {iso: Pool(shared, iso) for iso in LINGUA_LANGS + ["en"]}
    lingua = lingua_articles(pools)
    recs: list[Rec] = list(lingua.values())
    recs += exact_copies(lingua)
    recs += near_copies(lingua, pools)
    recs += junk_pages(shared, pools)
    recs += bad_input_pages(pools)
    used |= {r.url for r in recs}
    recs += real_pages(shared, used)

    # a few synthetic captures get a request + metadata record, as CC writes them
    for r in recs[::23]:
        if r.kind != "empty_body":
            r.with_request = True
    return cc_groups, excerpt_info, recs
