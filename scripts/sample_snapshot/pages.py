"""HTML article pages made of real sentences, in two site templates.

Template ``A`` is the originals' site, ``B`` the near duplicates' (other nav, footer, article
class and byline), so a near duplicate differs from its original in boilerplate as real
syndicated copies do.  The boilerplate strings are also what the verifier checks trafilatura
leaves out.
"""

from __future__ import annotations

import re

from .config import NO_SPACE, RTL

NAV_A = ["Home", "World", "Politics", "Business", "Culture", "Sport", "Contact"]
NAV_B = ["Start", "Latest", "Opinion", "Regions", "Archive", "Newsletter", "Login", "Subscribe"]
FOOT_A = ["About us", "Imprint", "Privacy policy", "Terms of use", "Advertise", "Jobs"]
FOOT_B = ["Editorial team", "Data protection", "Cookie settings", "RSS feeds", "Sitemap"]
COOKIE = ("We use cookies to give you the best experience on our website. By continuing to browse "
          "you agree to our use of cookies and our privacy policy.")


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def join_sents(iso, p):
    return ("" if iso in ("zh", "ja") else " ").join(p)


def title_of(iso: str, first: str) -> str:
    if iso in NO_SPACE:
        t = first[:22]
    else:
        words = first.split()
        t = " ".join(words[:9])
    return t.rstrip(" ,.;:!?。、，")


def slugify(title: str, k: int) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    return s or f"article-{k}"


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


def lingua_page(pool, iso: str, page_no: int):
    """Return (paragraph list, title): about 170 words (900 characters without word spaces) of
    ``pool``'s next sentences in 5 to 8 paragraphs, titled by the first sentence."""
    if iso in NO_SPACE:
        sents = pool.words(n_chars=900)
    else:
        sents = pool.words(n_words=170)
    n_par = min(5 + (page_no % 4), len(sents))          # 5..8 paragraphs
    cuts = [round(j * len(sents) / n_par) for j in range(n_par + 1)]
    pars = [join_sents(iso, sents[cuts[j]:cuts[j + 1]]) for j in range(n_par)]
    return pars, title_of(iso, sents[0])
