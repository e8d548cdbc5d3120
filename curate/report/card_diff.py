"""What changed since the previous card, for cron runs that rewrite the same output.

The card embeds a small machine-readable summary of its run in an HTML comment (invisible on the Hub)
together with the summary of the run before it, so the diff needs no extra file and survives
`curate card` re-renders: re-rendering the same run keeps the previous run it was compared with.
"""
from __future__ import annotations

import hashlib
import json
import re

MARK = "curate-card-summary"
_RE = re.compile(r"<!-- " + MARK + r" (\{.*?\}) -->", re.S)


def summary(stats: dict) -> dict:
    langs = stats["languages"]
    return {
        "fingerprint": hashlib.sha256(json.dumps(stats, sort_keys=True).encode()).hexdigest()[:16],
        "input": stats.get("snapshot") or stats.get("input"),
        "config_hash": stats.get("config_hash"),
        "languages": {l: {"docs": s["train_docs"] + s["test_docs"], "words": s["train_words"] + s["test_words"],
                          "bytes": s["train_bytes"] + s["test_bytes"], "removed_docs": s["removed_docs"]}
                      for l, s in sorted(langs.items())},
    }


def embed(current: dict, previous: dict | None) -> str:
    return f"<!-- {MARK} {json.dumps({'current': current, 'previous': previous}, sort_keys=True)} -->"


def previous_summary(old_card: str | None, current: dict) -> dict | None:
    """The run to compare with: the old card's run, or, when the old card is of this same run, its previous."""
    m = _RE.search(old_card or "")
    if not m:
        return None
    old = json.loads(m.group(1))
    if old["current"]["fingerprint"] == current["fingerprint"]:
        return old.get("previous")
    return old["current"]


def diff(prev: dict, cur: dict) -> dict:
    p, c = prev["languages"], cur["languages"]
    changed = {l: {k: (p[l][k], c[l][k]) for k in c[l] if p[l][k] != c[l][k]} for l in sorted(set(p) & set(c))}
    return {"added": sorted(set(c) - set(p)), "dropped": sorted(set(p) - set(c)),
            "changed": {l: v for l, v in changed.items() if v},
            "totals": {k: (sum(v[k] for v in p.values()), sum(v[k] for v in c.values()))
                       for k in ("docs", "words", "bytes", "removed_docs")},
            "input": (prev.get("input"), cur.get("input")), "config_hash": (prev.get("config_hash"), cur.get("config_hash"))}


def _change(a: int, b: int) -> str:
    return f"{a:,} -> {b:,} ({(b - a) / a:+.1%})" if a else f"{a:,} -> {b:,}"


def render(d: dict, max_rows: int = 30) -> list[str]:
    t = d["totals"]
    lines = [f"Compared with the previous card of this output (input {d['input'][0]}, config `{d['config_hash'][0]}`).", "",
             f"- Documents: {_change(*t['docs'])}; words: {_change(*t['words'])}; UTF-8 bytes: {_change(*t['bytes'])}; "
             f"removed documents: {_change(*t['removed_docs'])}.",
             f"- Languages added: {', '.join(d['added']) or 'none'}; languages no longer present: {', '.join(d['dropped']) or 'none'}."]
    if d["config_hash"][0] != d["config_hash"][1]:
        lines.append(f"- Configuration changed: `{d['config_hash'][0]}` -> `{d['config_hash'][1]}`.")
    if d["changed"]:
        rows = sorted(d["changed"].items(), key=lambda kv: -abs(kv[1].get("docs", (0, 0))[1] - kv[1].get("docs", (0, 0))[0]))
        lines += ["", "| subset | documents | words | UTF-8 bytes |", "|---|---:|---:|---:|"]
        for l, v in rows[:max_rows]:
            cells = [_change(*v[k]) if k in v else "=" for k in ("docs", "words", "bytes")]
            lines.append(f"| {l} | " + " | ".join(cells) + " |")
        if len(rows) > max_rows:
            lines.append(f"\n{len(rows) - max_rows} more subsets changed.")
    elif not d["added"] and not d["dropped"]:
        lines.append("- No subset changed size.")
    return lines
