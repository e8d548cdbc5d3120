"""Normalise language-ID labels to FineWeb2's ``{iso639-3}_{Script}`` codes.

GlotLID labels already have that form. lid.176 (and other ISO 639 fastText models) give a
bare language code, e.g. ``zh``, ``sh``, ``als``: the language becomes the ISO 639-3
individual language FineWeb2 has a config for, and the script comes from the text.
Reference data (config names and document counts) is bundled in ``langid/data``.
"""
from __future__ import annotations

import functools
import re
from importlib import resources

import langcodes
from langcodes.data_dicts import LIKELY_SUBTAGS, MACROLANGUAGES

from .scripts import dominant_script

_CODE = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}")


def is_valid_lang_script(code: object) -> bool:
    """True for ``xxx_Scrp`` codes; check this before a code becomes part of a path."""
    return isinstance(code, str) and _CODE.fullmatch(code) is not None


# Labels where the generic derivation below would be wrong; value = candidate ISO 639-3
# languages in order of preference (a later one wins only if the text's script fits it).
OVERRIDES: dict[str, tuple[str, ...]] = {
    # lid.176 `als` is als.wikipedia = Alemannic (gsw), not Tosk Albanian (FineWeb2 `als`).
    "als": ("gsw",),
    # Serbo-Croatian: FineWeb2 has no `hbs`, only its members; take them by FineWeb2 size
    # (bos > hrv > srp), so Latin text -> bos_Latn and Cyrillic text -> srp_Cyrl.
    "sh": ("bos", "hrv", "srp"),
    # Bihari (collective `bih`): bh.wikipedia is written in Bhojpuri; mai has its own label.
    "bh": ("bho",),
    # Malay: `ind` is an ISO member of macrolanguage `ms` but lid.176 has its own `id`.
    "ms": ("zsm",),
    # Kurdish: lid.176 `ku` is Kurmanji (Latin); Arabic-script text falls to Sorani.
    "ku": ("kmr", "ckb"),
}

# Languages whose script is fixed whatever the letter counts say (Japanese mixes kanji
# and kana, Korean may contain hanja, Chinese may carry some Latin).
FORCED_SCRIPT = {"jpn": "Jpan", "kor": "Hang", "cmn": "Hani"}

# BCP 47 script subtags that FineWeb2 spells differently.
_SCRIPT_ALIASES = {"Hans": "Hani", "Hant": "Hani", "Kore": "Hang", "Zyyy": "Zyyy"}


@functools.cache
def fineweb2_configs() -> dict[str, dict[str, int]]:
    """ISO 639-3 -> {script: FineWeb2 train documents} for the 1,929 FineWeb2 configs."""
    out: dict[str, dict[str, int]] = {}
    data = resources.files("langid") / "data" / "fineweb2_config_documents.csv"
    for line in data.read_text(encoding="utf-8").splitlines()[1:]:
        config, docs = line.split(",")
        lang, script = config.split("_")
        out.setdefault(lang, {})[script] = int(docs)
    return out


def _docs(lang: str) -> int:
    return sum(fineweb2_configs().get(lang, {}).values())


@functools.cache
def _macro_members() -> dict[str, frozenset[str]]:
    """Macrolanguage code (as langcodes spells it) -> FineWeb2 languages in it."""
    out: dict[str, set[str]] = {}
    for lang in fineweb2_configs():
        for key in {lang, langcodes.Language.get(lang).language}:
            if key in MACROLANGUAGES:
                out.setdefault(MACROLANGUAGES[key], set()).add(lang)
    return {k: frozenset(v) for k, v in out.items()}


@functools.cache
def candidates(label: str) -> tuple[str, ...]:
    """ISO 639-3 languages a bare ISO 639-1/2/3 label may stand for, best first.

    The code itself if FineWeb2 has it, then the macrolanguage's members that FineWeb2
    has, largest first (e.g. ``zh`` -> cmn, ``ar`` -> arb, ``no`` -> nob).
    """
    if label in OVERRIDES:
        return OVERRIDES[label]
    try:
        lang = langcodes.Language.get(label)
        alpha3 = lang.to_alpha3()
    except (LookupError, ValueError):
        return (label,) if re.fullmatch("[a-z]{3}", label) else ("und",)
    found = [alpha3] if alpha3 in fineweb2_configs() else []
    members: set[str] = set()
    for key in {label, lang.language, alpha3}:
        members |= _macro_members().get(key, frozenset())
    found += sorted(members - set(found), key=lambda c: (-_docs(c), c))
    return tuple(found) or (alpha3,)


@functools.cache
def _known_scripts(lang: str) -> tuple[str, ...]:
    """Scripts of ``lang``, FineWeb2's (largest first), else the CLDR likely script."""
    scripts = fineweb2_configs().get(lang)
    if scripts:
        return tuple(sorted(scripts, key=lambda s: -scripts[s]))
    likely = LIKELY_SUBTAGS.get(langcodes.Language.get(lang).language or "", "")
    script = next((p for p in likely.split("-") if len(p) == 4 and p.istitle()), None)
    return (_SCRIPT_ALIASES.get(script, script),) if script else ()


@functools.lru_cache(maxsize=65536)
def normalise_with_script(label: str, text_script: str) -> tuple[str, str]:
    """Like `normalise`, with the text's dominant script already computed."""
    label = label.removeprefix("__label__")
    if "_" in label:  # GlotLID-style `xxx_Scrp`: keep as-is
        lang, _, script = label.partition("_")
        return lang, script
    tag_script = None
    if "-" in label:  # BCP 47 such as zh-Hant: an explicit script wins over the text's
        try:
            tag = langcodes.Language.get(label)
            label, tag_script = tag.language or "und", tag.script
        except (LookupError, ValueError):
            label = "und"
    cands = candidates(label.lower())
    primary = cands[0]
    if primary == "und":  # undetermined language: only the text can tell the script
        return primary, text_script or "Zyyy"
    if primary in FORCED_SCRIPT:
        return primary, FORCED_SCRIPT[primary]
    script = _SCRIPT_ALIASES.get(tag_script, tag_script) or text_script
    # Prefer a combination FineWeb2 has a config for (srp_Cyrl vs srp_Latn by the text).
    for lang in cands:
        if script in fineweb2_configs().get(lang, {}):
            return lang, script
    # Otherwise the model's language is the stronger signal: mixed pages (menus in English)
    # often have more letters in another script, so use the language's main script.
    known = _known_scripts(primary)
    return primary, (known[0] if known else script)


def normalise(label: str, text: str = "") -> tuple[str, str]:
    """(ISO 639-3, ISO 15924) for a model label, e.g. ``("zh", ...) -> ("cmn", "Hani")``.

    Accepts ``__label__xx``, bare ISO 639 codes (lid.176), BCP 47 tags and ``xxx_Scrp``
    (GlotLID, kept as-is). ``text`` is only read when the label has no script.
    """
    bare = label.removeprefix("__label__")
    if "_" in bare:
        return normalise_with_script(bare, "")
    return normalise_with_script(bare, dominant_script(text))
