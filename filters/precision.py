"""FineWeb2's precision filtering ("Decontaminate") for the languages it found contaminated.

Only languages whose contamination score (share of sampled documents with no wordlist word) is
above 0.1 are filtered: 515 of 1,900. A document of such a language is kept if its URL matches the
language's whitelist or its word set contains at least one word of the language's wordlist
(``wordlists-0.85``); otherwise it is removed with reason ``precision_wordlist``.

URL checks, in FineWeb2's order:
  1. (off by default, see below) the host ends with one of the language's TLD entries (``.ng``);
  2. the ISO 639-3 code appears upper-case anywhere in the URL, or lower-case as a token
     delimited by non-alphanumerics;
  3. a whitelist term is a substring of the URL lower-cased after removing every character
     outside ``[a-zA-Z0-9/.]``.
Check 1 as FineWeb2 ran it (``misc/precision_filtering/run_precision_filtering.py``) looks for
``".ng/"`` in tldextract's FQDN, which never contains a ``/``: the TLD entries never kept anything,
and FineWeb2's data and audits reflect that. So ``match_tld=False`` by default (FineWeb2's
behaviour); ``match_tld=True`` applies the check as the whitelist intends (every TLD entry against
the end of the host), which keeps far more contamination (e.g. German on ``.de`` for ``bar_Latn``).
Also as in FineWeb2: a language with no whitelist terms (only ``kzj_Latn``) passes every URL,
so nothing of it is removed.

Data (bundled in ``filters/data/precision``, see filters/data/NOTICE.md) is read lazily, once per process
and language.
"""
from __future__ import annotations

import functools
import gzip
import json
import re
from importlib import resources

CONT_SCORE_MIN = 0.1  # FineWeb2 filters languages with cont_score > 0.1
REASON = "precision_wordlist"


def _data():
    return resources.files("filters") / "data" / "precision"


@functools.cache
def cont_scores() -> dict[str, float]:
    """``xxx_Scrp`` -> contamination score, for the 1,900 languages FineWeb2 scored."""
    return json.loads((_data() / "cont_scores.json").read_text(encoding="utf-8"))


@functools.cache
def _url_whitelist() -> dict[str, list[str]]:
    return json.loads((_data() / "url_whitelist.json").read_text(encoding="utf-8"))


def filtered_languages() -> list[str]:
    return sorted(lang for lang, score in cont_scores().items() if score > CONT_SCORE_MIN)


def wordlist(lang: str) -> frozenset[str]:
    """The language's FineWeb2 wordlist (case-sensitive, as matched)."""
    raw = gzip.decompress((_data() / "wordlists_085" / f"{lang}.txt.gz").read_bytes())
    return frozenset(w.strip() for w in raw.decode("utf-8").splitlines() if w.strip())


_NOT_URL_CHAR = re.compile(r"[^a-zA-Z0-9/.]+")  # '/' and '.' kept: they separate URL parts


class PrecisionFilter:
    """Precision filter of one language; ``check(url, text)`` -> removal reason or None."""

    def __init__(self, lang: str, match_tld: bool = False):
        import ahocorasick

        from filters.url import offline_tld_extractor

        self.lang = lang
        self.code = lang.split("_")[0]
        entries = _url_whitelist().get(self.code, [])
        self.tlds = tuple(e.lower() for e in entries if e.startswith(".")) if match_tld else ()
        self.terms = [e for e in entries if not e.startswith(".")]
        self.words = wordlist(lang)
        self._code_token = re.compile(rf"(?<![a-zA-Z0-9]){re.escape(self.code)}(?![a-zA-Z0-9])")
        self._tld = offline_tld_extractor()
        self._automaton = None
        if self.terms:
            self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
            for i, term in enumerate(self.terms):
                self._automaton.add_word(term, i)
            self._automaton.make_automaton()
        self._tokenizer = None  # loaded on first wordlist check (spaCy etc. are slow to build)

    def __repr__(self) -> str:
        return f"PrecisionFilter({self.lang!r}, words={len(self.words)}, url_terms={len(self.terms)}, tlds={self.tlds})"

    def url_match(self, url: str | None) -> str | None:
        """Which URL check keeps the document ("tld", "lang_code", "whitelist"), or None."""
        if not url:
            return None
        if self.tlds:
            host = self._tld(url).fqdn.lower()
            if host.endswith(self.tlds):
                return "tld"
        if self.code.upper() in url or self._code_token.search(url):
            return "lang_code"
        if self._automaton is None:
            return "no_whitelist"  # FineWeb2: a language without whitelist terms passes every URL
        if next(self._automaton.iter(_NOT_URL_CHAR.sub("", url).lower()), None) is not None:
            return "whitelist"
        return None

    def words_of(self, text: str) -> set[str]:
        """The document's word set as FineWeb2 matches it: punctuation to spaces, whitespace
        collapsed, case kept (datatrove's simplify_text), then the language's word tokenizer."""
        from datatrove.utils.text import TextNormConfig, simplify_text

        if self._tokenizer is None:
            from filters.tokenizers import word_tokenizer

            self._tokenizer = word_tokenizer(self.lang)[0]
        norm = TextNormConfig(lowercase=False, norm_numbers=False, norm_weekdays=False, norm_monthnames=False,
                              remove_punctuation=True, norm_unicode_diacritics=False, norm_whitespace=True)
        return set(self._tokenizer.word_tokenize(simplify_text(text, norm)))

    def wordlist_ratio(self, text: str) -> float:
        """Share of the document's distinct words that are wordlist words (FineWeb2's metadata)."""
        words = self.words_of(text)
        return len(words & self.words) / len(words) if words else 0.0

    def check(self, url: str | None, text: str) -> str | None:
        if self.url_match(url):
            return None
        if self.words and not self.words.isdisjoint(self.words_of(text)):
            return None
        return REASON


def filters_language(lang: str) -> bool:
    """Whether FineWeb2 precision-filters ``lang`` (``xxx_Scrp``): its contamination score is high enough."""
    return cont_scores().get(lang, 0.0) > CONT_SCORE_MIN


@functools.cache
def precision_filter(lang: str) -> PrecisionFilter | None:
    """The filter for ``lang`` (``xxx_Scrp``), or None if FineWeb2 does not filter it. Cached per process."""
    return PrecisionFilter(lang) if filters_language(lang) else None
