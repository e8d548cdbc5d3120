"""The review page of an audit pack: one self-contained HTML file a reviewer opens from disk.

The template ``review.html`` (its CSS and JS inline) is filled with the pack as JSON. The page needs
no server and fetches nothing: its Content-Security-Policy allows only its own style and script (by
hash) and connections to its own origin (``curate audit serve``'s "Save to server"), so even a
document that slipped markup into the page could load nothing. Only what the reviewer needs is
embedded: not ``side`` nor ``filter_reason``, so the review stays blind even to one reading the source.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources

from curate.audit import taxonomy

ITEM_FIELDS = ("item", "url", "date", "text", "hash")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def page_data(pack: dict) -> dict:
    """The part of ``pack`` the page shows or exports."""
    return {
        "pack_id": pack["pack_id"], "pack_hash": pack["pack_hash"], "language": pack["language"],
        "direction": _direction(pack), "labels": pack["labels"], "labels_format": taxonomy.LABELS_FORMAT,
        "items": [{k: it.get(k) for k in ITEM_FIELDS} for it in pack["items"]],
    }


def embed_json(obj) -> str:
    """JSON safe inside ``<script type="application/json">``: ``</`` cannot close the element and
    ``<!--`` cannot start the parser's escaped-comment states."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--")


def _direction(pack: dict) -> str:
    if pack.get("direction") in ("ltr", "rtl"):
        return pack["direction"]
    return "rtl" if pack["language"].split("_")[-1] in taxonomy.RTL_SCRIPTS else "ltr"


def _csp_hash(template: str, tag: str) -> str:
    """'sha256-...' of the template's one bare ``<tag>`` element, for the Content-Security-Policy."""
    (body,) = re.findall(rf"<{tag}>(.*?)</{tag}>", template, re.S)
    if "{{" in body:
        raise ValueError(f"review.html: placeholder inside <{tag}> would change its hash")
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


def template() -> str:
    return resources.files("curate.audit").joinpath("review.html").read_text(encoding="utf-8")


def render_page(pack: dict) -> str:
    """The review page of ``pack`` (the dict :func:`curate.audit.pack.build_pack` returns)."""
    page = template()
    lang = pack["language"]
    values = {
        "title": html.escape(f"Audit {lang} · {pack['pack_id']}"),
        "text_lang": html.escape(lang.replace("_", "-")),  # BCP 47: ISO 639-3 code + ISO 15924 script
        "dir": _direction(pack),
        "script": html.escape(lang.split("_")[-1]),  # picks the font stack
        "csp": "; ".join(["default-src 'none'", f"script-src {_csp_hash(page, 'script')}",
                          f"style-src {_csp_hash(page, 'style')}", "connect-src 'self'", "img-src data:",
                          "base-uri 'none'", "form-action 'none'"]),
        "pack": embed_json(page_data(pack)),
    }
    # one pass, so nothing a value contains (a document's "{{dir}}") is substituted again
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], page)
