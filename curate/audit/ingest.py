"""Reviewers' label files folded into the output: checked first, then stored, summarised, carded.

Every file is checked before anything is written, so a bad file (truncated JSON, another pack's
labels, an edited item, a duplicate, an unknown label) changes nothing and names what is wrong.
Accepted files are stored as ``OUTPUT/audits/labels/{pack_id}/{reviewer}.json`` (a reviewer's new
export of a pack replaces their previous one) and the summary is recomputed from all stored files:
``OUTPUT/audits/summary.json``, ``stats.json["audits"]`` and the card's "Audits" section.

Figures per language (each reviewer's label of an item is one judgement):
* precision: share of kept judgements labelled ``correct`` (correct language, good text), with a 95 %
  Wilson interval; "in language" adds boilerplate and too-short (Kreutzer et al.'s "C");
* per removal reason, the filters' false-positive rate: share of removed judgements labelled ``correct``;
* Cohen's kappa for every pair of reviewers who labelled the same items;
* the languages reviewers named for "wrong language" items, next to eval-lid's measured confusions;
* ``flagged`` when the precision is below ``--min-precision``: reported, never dropped.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from itertools import combinations

from curate.audit import taxonomy
from curate.audit.agreement import cohen_kappa, share
from curate.audit.pack import load_packs, validate_language
from curate.report.outputs import AUDIT_SUMMARY
from curate.store import storage

REVIEWER_RE = re.compile(r"^[\w .-]{1,64}$")


class LabelsError(ValueError):
    """A label file that cannot be ingested; the message names the file and the reason."""


def parse_labels(text: str, source: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError as e:
        raise LabelsError(f"{source}: not a complete JSON document ({e}); export the labels again") from None
    if not isinstance(data, dict):
        raise LabelsError(f"{source}: expected a JSON object of format {taxonomy.LABELS_FORMAT}")
    return data


def check_labels(data: dict, packs: dict[str, dict], source: str) -> dict:
    """The label file, checked against the pack it names; raises LabelsError (also `curate audit serve`'s check)."""
    def bad(why: str):
        raise LabelsError(f"{source}: {why}")

    if data.get("format") != taxonomy.LABELS_FORMAT:
        bad(f"format is {data.get('format')!r}, expected {taxonomy.LABELS_FORMAT!r}")
    pack = packs.get(data.get("pack_id"))
    if pack is None:
        bad(f"pack {data.get('pack_id')!r} is not a pack of this output (packs: {', '.join(sorted(packs)) or 'none'})")
    if data.get("pack_hash") != pack["pack_hash"]:
        bad(f"pack hash {data.get('pack_hash')!r} differs from pack {pack['pack_id']}'s: labels of another version")
    reviewer = data.get("reviewer")
    if not isinstance(reviewer, str) or not REVIEWER_RE.match(reviewer) or not reviewer.strip(" ."):
        bad(f"reviewer name {reviewer!r} is missing or not 1-64 letters, digits, spaces, '.', '_' or '-'")
    labels = data.get("labels")
    if not isinstance(labels, list) or not labels:
        bad("no labels")
    items = {x["item"]: x for x in pack["items"]}
    seen = set()
    for entry in labels:
        if not isinstance(entry, dict):
            bad(f"label entry {entry!r} is not an object")
        item, label = entry.get("item"), entry.get("label")
        if item not in items:
            bad(f"unknown item {item!r}: not in pack {pack['pack_id']}")
        if item in seen:
            bad(f"item {item} is labelled twice")
        seen.add(item)
        if entry.get("hash") != items[item]["hash"]:
            bad(f"item {item}'s text hash differs from the pack's: the item was edited")
        if label not in taxonomy.LABEL_KEYS:
            bad(f"item {item} has unknown label {label!r} (known: {', '.join(taxonomy.LABEL_KEYS)})")
        actual = entry.get("actual_language")
        if actual is not None:
            if label != "wrong_language":
                bad(f"item {item}: actual_language is only for wrong_language labels")
            try:
                validate_language(actual)
            except ValueError as e:
                bad(f"item {item}: actual_language: {e}")
    return data


def _stored(output: str) -> list[dict]:
    return [json.loads(storage.read_text(u)) for u in storage.list_files(storage.join(output, "audits", "labels"), ".json")]


def summarise(packs: dict[str, dict], label_files: list[dict], min_precision: float | None) -> dict:
    """The per-language figures of docs above, from every stored label file."""
    by_lang: dict[str, dict] = {}
    for data in sorted(label_files, key=lambda d: (d["pack_id"], d["reviewer"])):
        pack = packs[data["pack_id"]]
        lang = by_lang.setdefault(pack["language"], {"packs": set(), "judgements": {}, "confusions": Counter()})
        lang["packs"].add(pack["pack_id"])
        items = {x["item"]: x for x in pack["items"]}
        for e in data["labels"]:
            lang["judgements"][(data["reviewer"], pack["pack_id"], e["item"])] = (items[e["item"]], e["label"])
            if e.get("actual_language"):
                lang["confusions"][e["actual_language"]] += 1
    out = {}
    for lang, d in sorted(by_lang.items()):
        judged = list(d["judgements"].values())
        kept = [label for item, label in judged if item["side"] == "kept"]
        reasons: dict[str, list[str]] = {}
        for item, label in judged:
            if item["side"] == "removed":
                reasons.setdefault(item["filter_reason"], []).append(label)
        reviewers = sorted({r for r, _, _ in d["judgements"]})
        pairs = []
        for a, b in combinations(reviewers, 2):
            common = sorted({(p, i) for r, p, i in d["judgements"] if r == a} & {(p, i) for r, p, i in d["judgements"] if r == b})
            if common:
                ka = [d["judgements"][(a, p, i)][1] for p, i in common]
                kb = [d["judgements"][(b, p, i)][1] for p, i in common]
                kappa = cohen_kappa(ka, kb)
                pairs.append({"reviewers": [a, b], "items": len(common), "kappa": None if kappa is None else round(kappa, 4)})
        precision = share(sum(x == taxonomy.GOOD for x in kept), len(kept))
        out[lang] = {
            "packs": sorted(d["packs"]),
            "reviewers": reviewers,
            "kept": {"labels": dict(sorted(Counter(kept).items())), "precision": precision,
                     "in_language": share(sum(x in taxonomy.IN_LANGUAGE for x in kept), len(kept))},
            "removed": {r: {"labels": dict(sorted(Counter(v).items())),
                            "false_positive": share(sum(x == taxonomy.GOOD for x in v), len(v))}
                        for r, v in sorted(reasons.items())},
            "agreement": pairs,
            "reported_languages": dict(d["confusions"].most_common()),
            "flagged": bool(min_precision is not None and kept and precision["share"] < min_precision),
        }
    return {"min_precision": min_precision, "languages": out}


def ingest(output: str, label_uris: list[str], min_precision: float | None = None) -> dict:
    """Check every file, then store them, write the summary and stats.json, re-render the card."""
    packs = load_packs(output)
    if not packs:
        raise LabelsError(f"{output} has no audit packs (write them with `curate audit {output} --languages ...`)")
    checked = []
    for uri in label_uris:
        try:
            try:
                text = storage.read_text(uri)
            except (OSError, UnicodeDecodeError) as e:
                raise LabelsError(f"{uri}: cannot be read ({e})") from None
            checked.append(check_labels(parse_labels(text, uri), packs, uri))
        except LabelsError as e:
            raise LabelsError(f"{e}; nothing was ingested") from None
    keys = [(d["pack_id"], d["reviewer"]) for d in checked]
    if len(set(keys)) != len(keys):
        raise LabelsError("two of the files are the same reviewer's labels of the same pack; nothing was ingested")
    for d in checked:
        storage.write_text(storage.join(output, "audits", "labels", d["pack_id"], f"{d['reviewer']}.json"),
                           json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True))
    stats_uri = storage.join(output, "stats.json")
    stats = json.loads(storage.read_text(stats_uri))
    if min_precision is None and stats.get("audits"):
        min_precision = stats["audits"].get("min_precision")  # a later ingest keeps the bar set before
    summary = summarise(packs, _stored(output), min_precision)
    storage.write_text(storage.join(output, AUDIT_SUMMARY), json.dumps(summary, indent=1, sort_keys=True))
    stats["audits"] = summary
    storage.write_text(stats_uri, json.dumps(stats, indent=1, sort_keys=True))
    from curate.config import PipelineConfig
    from curate.report.card import write_card

    write_card(PipelineConfig.from_yaml(json.dumps(stats["config"]), output=output), stats)
    return summary
