"""Labelled text for `curate eval-lid`: TSV, JSONL or a lingua-style directory, any label convention.

Rows that cannot be used are reported (`Problem`) and counted, never fatal: a malformed line, an
empty text, or a label that is not a language code. Labels may be ISO 639-1/2/3 (``fr``, ``fre``,
``fra``), BCP 47 (``pt-BR``, ``zh-Hant``, ``sr_Latn``), GlotLID-style ``xxx_Scrp`` or ``__label__``
prefixed; they are normalised with `langid.labels.normalise` exactly like model labels, so both
sides use FineWeb2's ``iso639-3_Script`` codes.
"""
from __future__ import annotations

import gzip
import json
import os
import re
from dataclasses import dataclass

import langcodes

from .labels import is_valid_lang_script, normalise

GRANULARITIES = ("sentences", "word-pairs", "single-words")
TEXT_KEYS = ("text", "sentence", "content", "document")
LABEL_KEYS = ("label", "lang_script", "expected", "gold", "language", "lang", "iso639_3", "iso639_1", "code")
_CODE_LIKE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Row:
    where: str  # "file:line" for messages
    text: str
    label: str  # as written
    gold: str  # normalised xxx_Scrp


@dataclass(frozen=True)
class Problem:
    where: str
    kind: str  # "malformed" | "empty_text" | "unknown_label"
    detail: str


def gold_code(label: str, text: str = "") -> str | None:
    """FineWeb2 ``xxx_Scrp`` for a gold label, or None if it is not a known language code."""
    lab = label.strip().removeprefix("__label__")
    if is_valid_lang_script(lab):
        return lab
    if not _CODE_LIKE.fullmatch(lab):
        return None
    lab = lab.replace("_", "-")  # pt_BR, sr_Latn: BCP 47 with the wrong separator
    if not langcodes.tag_is_valid(lab):
        return None
    lang, script = normalise(lab, text)
    return None if lang == "und" else f"{lang}_{script}"


def _looks_like_label(cell: str) -> bool:
    return gold_code(cell) is not None


def _open(path: str):
    return gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")


def detect_format(path: str) -> str:
    if os.path.isdir(path):
        return "lingua"
    name = path.removesuffix(".gz")
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    with _open(path) as f:
        first = next((line for line in f if line.strip()), "")
    return "jsonl" if first.lstrip().startswith("{") else "tsv"


def _pick(keys: list[str], wanted: tuple[str, ...]) -> int | None:
    low = [k.strip().lower() for k in keys]
    return next((low.index(w) for w in wanted if w in low), None)


def _tsv_columns(rows: list[list[str]]) -> tuple[int, int, bool]:
    """(text column, label column, has header) from the first rows of a TSV file."""
    head = rows[0]
    t, lab = _pick(head, TEXT_KEYS), _pick(head, LABEL_KEYS)
    if t is not None and lab is not None:
        return t, lab, True
    # No header: the label column is the one whose cells are most often language codes
    # (text<TAB>label and label<TAB>text both work); the text is the longest other column.
    width = max(len(r) for r in rows)
    codes = [sum(_looks_like_label(r[i]) for r in rows if len(r) > i) for i in range(width)]
    lab = max(range(width), key=lambda i: codes[i])
    others = [i for i in range(width) if i != lab] or [lab]
    t = max(others, key=lambda i: sum(len(r[i]) for r in rows if len(r) > i))
    return t, lab, False


def _make(where: str, text, label) -> Row | Problem:
    if not isinstance(label, str) or not label.strip():
        return Problem(where, "malformed", "no label")
    if not isinstance(text, str) or not text.strip():
        return Problem(where, "empty_text", f"empty text (label {label!r})")
    gold = gold_code(label, text)
    if gold is None:
        shown = label if len(label) <= 40 else label[:37] + "..."
        return Problem(where, "unknown_label",
                       f"unknown label {shown!r}: not an ISO 639-1/2/3, BCP 47 or xxx_Scrp code")
    return Row(where, text, label.strip(), gold)


def read_tsv(path: str):
    with _open(path) as f:
        lines = [(n, line.rstrip("\n").rstrip("\r")) for n, line in enumerate(f, 1)]
    cells = [(n, line.split("\t")) for n, line in lines if line.strip()]
    if not cells:
        return
    t, lab, header = _tsv_columns([c for _, c in cells[:200]])
    for n, row in cells[1:] if header else cells:
        where = f"{path}:{n}"
        if len(row) <= max(t, lab):
            yield Problem(where, "malformed", f"expected a text and a label separated by a tab, got {len(row)} column(s)")
        else:
            yield _make(where, row[t], row[lab])


def read_jsonl(path: str):
    with _open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield Problem(where, "malformed", f"not JSON ({e.msg})")
                continue
            if not isinstance(obj, dict):
                yield Problem(where, "malformed", "not a JSON object")
                continue
            keys = list(obj)
            t, lab = _pick(keys, TEXT_KEYS), _pick(keys, LABEL_KEYS)
            if t is None or lab is None:
                yield Problem(where, "malformed", f"needs a text key {TEXT_KEYS} and a label key {LABEL_KEYS}, got {keys}")
                continue
            yield _make(where, obj[keys[t]], obj[keys[lab]])


def read_lingua_dir(path: str, granularity: str = "sentences"):
    """``<path>/<label>/<granularity>.txt``, one text per line (lingua-rs test data layout)."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}, not {granularity!r}")
    found = False
    for label in sorted(os.listdir(path)):
        file = os.path.join(path, label, f"{granularity}.txt")
        if not os.path.isfile(file):
            continue
        found = True
        with open(file, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                yield _make(f"{file}:{n}", line.strip(), label)
    if not found:
        raise FileNotFoundError(f"no <label>/{granularity}.txt under {path}")


def read_labelled(path: str, fmt: str | None = None, granularity: str = "sentences"):
    """Rows and problems, in file order."""
    fmt = fmt or detect_format(path)
    if fmt == "lingua":
        return read_lingua_dir(path, granularity)
    return {"tsv": read_tsv, "jsonl": read_jsonl}[fmt](path)
