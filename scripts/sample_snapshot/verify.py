"""``verify``: re-read the written shards and check every claim MANIFEST.jsonl makes.

It also fills in what only a measurement can give: each entry's ``observed`` values and the
``lang`` of the copied real records.  It returns the errors instead of raising, so one build
lists them all.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from .checker import Checker, blocklist_domains, shingles, tokens
from .config import FW2, N_SHARDS, NO_SPACE, shard_name
from .languages import REAL_CC_LANGS, REAL_PAGE_LANGS
from .pages import COOKIE


def read_shards(out_dir: Path, by_url: dict, chk: Checker, errors: list):
    """Read every response back; extract the text of every non-empty HTML one."""
    texts, bodies, headers = {}, {}, {}
    per_shard = Counter()
    per_shard_types = defaultdict(Counter)
    for s in range(N_SHARDS):
        name = shard_name(s)
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
    return texts, bodies, headers, per_shard, per_shard_types


def check_record(e: dict, text: str, body: bytes | None, header: str | None, chk: Checker, tld, blocked: set,
                 errors: list):
    """Measure one entry (sets ``e["observed"]``, and ``e["lang"]`` for real records) and check
    the claims its kind makes."""
    url = e["url"]
    ct = (header or "text/html").lower()
    obs = {"extracted_chars": len(text)}
    if "html" in ct and body:
        obs["lid176"], obs["lid176_prob"] = chk.lid(text)
    kind = e["kind"]
    if kind in ("real_cc", "truncated"):
        if url not in REAL_CC_LANGS:
            errors.append(f"{url}: real CC record without a language decision")
        e["lang"] = REAL_CC_LANGS.get(url)
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
    if kind == "empty_body" and body:
        errors.append(f"{url}: body not empty")
    if kind == "bad_charset":
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(f"{url}: bad_charset body is not utf-8")
        if "iso-8859-1" not in ct or b"charset" in body.lower():
            errors.append(f"{url}: bad_charset header/meta wrong")
    e["observed"] = obs


def check_dup_groups(manifest: list, texts: dict, bodies: dict, tld, errors: list):
    """One original per group, members on distinct shards and domains; exact copies identical,
    near copies close (records ``shingle_jaccard`` and ``changed_word_frac``) but not identical."""
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


def verify(out_dir: Path, manifest: list, shared: Path):
    """Return (errors, responses per shard, record types per shard, extracted text per URL)."""
    from tldextract import TLDExtract
    chk = Checker(shared)
    tld = TLDExtract(suffix_list_urls=())   # bundled public-suffix snapshot, no network
    blocked = blocklist_domains()
    by_url = {e["url"]: e for e in manifest}
    assert len(by_url) == len(manifest), "duplicate URLs"
    errors = []
    texts, bodies, headers, per_shard, per_shard_types = read_shards(out_dir, by_url, chk, errors)
    for e in manifest:
        url = e["url"]
        check_record(e, texts.get(url, ""), bodies.get(url), headers.get(url), chk, tld, blocked, errors)
    for u in list(REAL_PAGE_LANGS) + list(REAL_CC_LANGS):
        if u not in by_url:
            errors.append(f"{u}: language override for a URL not in the sample")
    check_dup_groups(manifest, texts, bodies, tld, errors)
    return errors, per_shard, per_shard_types, texts
