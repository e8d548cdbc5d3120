"""The audit labels and sample sizes, from the audit literature.

Labels follow the taxonomy of Kreutzer et al., "Quality at a Glance: An Audit of Web-Crawled
Multilingual Datasets" (TACL 2022, §3): CC correct language and natural text, CB correct language
but boilerplate, CS correct language but a single word or phrase (too short), WL wrong language,
NL not language, and the offensive / pornographic tag (here a label of its own, so one keystroke
decides an item). "In language" is their "C" (CC + CB + CS); the precision we report is the stricter
share of CC, the documents a pretraining set wants.

Sizes: Kreutzer et al. had each corpus-language subset audited on 100 randomly sampled items, so a
pack holds 100 kept documents by default; 50 removed documents, spread over the removal reasons,
measure the filters' false positives. A language with fewer documents is audited whole.
"""
from __future__ import annotations

# key, Kreutzer et al.'s code, text on the page, keyboard shortcut
LABELS: tuple[tuple[str, str, str, str], ...] = (
    ("correct", "CC", "Correct language, good text", "1"),
    ("boilerplate", "CB", "Correct language, boilerplate", "2"),
    ("too_short", "CS", "Correct language, too short", "3"),
    ("wrong_language", "WL", "Wrong language", "4"),
    ("not_language", "NL", "Not language", "5"),
    ("offensive", "OP", "Offensive or pornographic", "6"),
)
LABEL_KEYS = tuple(k for k, *_ in LABELS)
IN_LANGUAGE = frozenset({"correct", "boilerplate", "too_short"})
GOOD = "correct"

DEFAULT_KEPT = 100
DEFAULT_REMOVED = 50

PACK_FORMAT = "curate-audit-pack/1"
LABELS_FORMAT = "curate-audit-labels/1"

# scripts written right to left (ISO 15924): the page sets dir="rtl" for them
RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Mend", "Yezi"})
