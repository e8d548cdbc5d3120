"""Planted duplicate groups: exact copies and near copies of some ``lingua`` pages.

Exact copies are the original's bytes at other domains.  Near copies use the other site
template and replace one span of about 4.5% of the article's words with an unused real
sentence: one contiguous span keeps the word 5-gram Jaccard high (0.8 to 1), as the verifier
checks, which is what a MinHash dedup stage should catch.
"""

from __future__ import annotations

from .config import COPY_SITES, NEAR_SITES, NO_SPACE
from .pages import article_html, slugify
from .record import Rec

EXACT = [("ru", 0, 1), ("zh", 1, 2), ("pl", 2, 3), ("ar", 0, 1)]   # (language, lingua page, copies)
NEAR = [("fr", 0, 1), ("de", 1, 2), ("ja", 2, 1), ("el", 1, 1)]


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
    j = 1 + 2 * variant
    w = pars[j].split()
    a = max(1, len(w) // 3)
    w[a:a + n] = dw[:n]
    pars[j] = " ".join(w)
    return pars


def exact_copies(lingua: dict) -> list[Rec]:
    """Same bytes, other domains; marks each original with its ``exact-N`` group."""
    recs = []
    for g, (iso, k, n) in enumerate(EXACT, 1):
        orig = lingua[(iso, k)]
        orig.dup_group = f"exact-{g}"
        for c in range(n):
            tail = orig.url.split("/", 3)[3]
            url = f"https://{COPY_SITES[c]}-{iso}{g}.{['net', 'info', 'org'][c]}/{tail}"
            recs.append(Rec(kind="exact_dup", url=url, body=orig.body, lang=orig.lang, dup_group=orig.dup_group,
                            source=orig.source, extra={"copy_of": orig.url}))
    return recs


def near_copies(lingua: dict, pools: dict) -> list[Rec]:
    """Other boilerplate + one edited span; marks each original with its ``near-N`` group."""
    recs = []
    for g, (iso, k, n) in enumerate(NEAR, 1):
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
    return recs
