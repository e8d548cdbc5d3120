"""Word tokenizer per FineWeb2 language, via datatrove's assignment table, with offline fallbacks.

``word_tokenizer("cmn_Hani") -> (tokenizer, TokenizerInfo)``.

* Always asks datatrove with the full ``xxx_Scrp`` code: bare codes hit a datatrove bug (the CSV's
  "FALSE" flags are truthy strings), e.g. ``zh`` -> spaCy ``xx`` (no Chinese segmentation), ``hin``
  -> Stanza ``kmr``, ``arb`` -> Stanza ``mt``.
* The assigned tokenizer is built *and used once* on a probe string, because some fail only on
  first use (Stanza downloads models at run time). If that fails, a SUBSTITUTE is used and
  ``info.fallback`` is True, ``info.assigned`` names what FineWeb2 used, e.g. ``StanzaTokenizer(be)``.
* Substitutes: spaCy ``zh`` + jieba for Han-script languages (whitespace splitting would make a
  Chinese-script document one "word"); datatrove's ``WhitespaceTokenizer`` (spaCy ``xx``) otherwise.

Assigned tokenizers that cannot run in this environment (checked over all 1,929 configs, offline):
``StanzaTokenizer`` (98 configs: stanza + torch not installed, and it downloads models at run time),
``BurmeseTokenizer`` (6, pyidaungsu), ``TibetanTokenizer`` (3, botok), ``KhmerTokenizer`` (2,
khmer-nltk), ``LaoTokenizer`` (2, laonlp): 111 configs in all. For the last four scripts the
whitespace substitute splits only at spaces, so word counts are far too low and most documents will
fail ``gopher_short_doc``; install those packages to get FineWeb2's behaviour. Every other assigned
tokenizer (spaCy blank pipelines incl. ja/Sudachi, zh/jieba, vi/pyvi; pythainlp newmm; indic-nlp
trivial tokenizer; kiwipiepy) runs here without network access.
"""

from __future__ import annotations

import csv
import os
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain

from datatrove.utils._import_utils import ASSETS_PATH
from datatrove.utils.word_tokenizers import (
    IndicNLPTokenizer,
    SpaCyTokenizer,
    WhitespaceTokenizer,
    WordTokenizer,
    load_word_tokenizer,
)

from curate import patches
from curate.patches import spacy_prefix
from curate.store.cache import cache_root
from filters.config import validate_lang_script

_PROBE = "Probe text 123, ok. 测试。"


@dataclass(frozen=True)
class TokenizerInfo:
    lang_script: str
    assigned: str | None  # FineWeb2's tokenizer, e.g. "SpaCyTokenizer(de)"; None if the code has none
    used: str  # what actually tokenizes here
    fallback: bool  # True when `used` is a substitute for `assigned`
    error: str | None = None  # why the assigned one could not be used


@lru_cache(maxsize=1)
def _assignment_table() -> dict[str, str]:
    """``xxx_Scrp -> "Type(tok_code)"`` from datatrove's own CSV, for reporting only."""
    with open(os.path.join(ASSETS_PATH, "tokenizer_assignment.csv"), encoding="utf-8") as f:
        return {
            f"{r['code_3']}_{r['script']}": f"{r['type']}({r['tok_code']})" if r["tok_code"] else r["type"]
            for r in csv.DictReader(f)
            if r["type"]
        }


def _describe(tok: WordTokenizer) -> str:
    lang = getattr(tok, "language", None)
    name = next(c.__name__ for c in type(tok).__mro__ if c.__module__.startswith("datatrove"))
    return f"{name}({lang})" if lang else name


class CachedSpaCyTokenizer(SpaCyTokenizer):
    """datatrove's spaCy word tokenizer, with the same tokens, much faster on real corpora.

    spaCy's rule-based tokenizer splits text on spaces and then tokenizes each substring on its own
    (prefixes, suffixes, infixes, special cases: no context crosses a space), so the tokens of a text
    are the concatenation of the tokens of its substrings. So: substrings seen before cost a dict
    lookup (the frequent words of a language, most of any text); the new ones of a document are
    tokenized together in one spaCy call, joined by spaces, and split back by character offset.
    Lexical attributes (shape, like_url, norms, ...) are never computed, not even for the thousands
    of tokenizer exceptions loaded at start-up: only token texts are used.
    Languages whose spaCy tokenizer is not rule-based (ja, zh, vi: whole-text segmenters) keep the
    plain path. tests/filters checks token equality on real text in many languages.
    """

    CACHE_ENTRIES = 1 << 20  # substrings per language; the cache restarts when full

    def __init__(self, language: str, config=None):
        super().__init__(language, config)
        self._cache: dict[str, tuple[str, ...]] | None = None
        self._fast: bool | None = None

    @property
    def tokenizer(self):
        if self._tokenizer is None and patches.active():
            import spacy
            from datatrove.utils.japanese_tokenizer import JapaneseTokenizer  # noqa: F401  (registers it)
            from spacy.vocab import Vocab

            # datatrove's spacy.blank(language, config) + sentencizer, on a vocabulary without lexical attributes,
            # with a prefix search that finds the same matches faster (Indonesian, Malay)
            with spacy_prefix.installed(patches.wanted(spacy_prefix)):
                self._tokenizer = spacy.blank(self.language, config=self.config or {}, vocab=Vocab(lex_attr_getters={}))
            self._tokenizer.add_pipe("sentencizer")
        return super().tokenizer

    def _tokenize_new(self, new: list[str]) -> None:
        """Cache the stripped, non-empty tokens of each new substring, from one spaCy call over them all."""
        from spacy.attrs import IDX, LENGTH

        nlp = self.tokenizer
        joined = " ".join(new)
        with nlp.memory_zone():  # spaCy frees the new lexemes again: a long-running worker's vocab stays flat
            # offsets and lengths as one array, not a Token object per token; a token's text is its span
            starts, lengths = nlp.tokenizer(joined).to_array([IDX, LENGTH]).T.tolist()
        tokens = [joined[a:a + n].strip() for a, n in zip(starts, lengths)]  # datatrove's strip_strings ...
        i = 0
        for s, end in zip(new, accumulate(len(s) + 1 for s in new)):  # end: just past s and its space
            j = bisect_left(starts, end - 1, i)
            self._cache[s] = tuple(filter(None, tokens[i:j]))  # ... and its dropping of empty tokens
            i = j

    def word_tokenize(self, text: str) -> list[str]:
        if self._fast is None:
            from spacy.tokenizer import Tokenizer

            self._fast = type(self.tokenizer.tokenizer) is Tokenizer and patches.active()
            if self._fast:
                self._cache = {}
        if not self._fast:
            return super().word_tokenize(text)
        substrings = [s for s in text.split(" ") if s]
        if len(self._cache) + len(substrings) > self.CACHE_ENTRIES:
            self._cache.clear()
        new = [s for s in dict.fromkeys(substrings) if s not in self._cache]
        if new:
            self._tokenize_new(new)
        return list(chain.from_iterable(map(self._cache.__getitem__, substrings)))


class FastIndicNLPTokenizer(IndicNLPTokenizer):
    """datatrove's IndicNLP tokenizer (indic-nlp-library's `trivial_tokenize`), same tokens.

    `trivial_tokenize` pads its punctuation characters with spaces, turns tabs into spaces,
    collapses space runs and re-joins number sequences around `,.:/` (themselves punctuation);
    datatrove then strips the tokens and drops empty ones. A text with no tab and none of those
    punctuation characters (MinHash's normalised text, for one) therefore tokenizes to its
    space-separated pieces, stripped, without the library's passes over the string (3x faster).
    Urdu has its own pattern and always takes the library's path.
    """

    def word_tokenize(self, text) -> list[str]:
        from indicnlp.tokenize.indic_tokenize import triv_tokenizer_indic_pat

        if self.language == "ur" or "\t" in text or triv_tokenizer_indic_pat.search(text):
            return super().word_tokenize(text)
        return list(filter(None, map(str.strip, text.split(" "))))


class CachedWhitespaceTokenizer(WhitespaceTokenizer):
    """datatrove's fallback tokenizer on the shared, cached spaCy "xx" instance."""

    def word_tokenize(self, text) -> list[str]:
        return _shared("SpaCyTokenizer", "xx").word_tokenize(text)


@lru_cache(maxsize=None)
def _shared(kind: str, language: str | None) -> WordTokenizer:
    # One instance per (class, spaCy/indic code): many languages share a proxy (e.g. 500+ use spaCy
    # "xx"), and datatrove's WhitespaceTokenizer caches its spaCy model in a single lru slot shared by
    # all instances, so alternating between two instances would rebuild spaCy "xx" every time.
    if kind == "WhitespaceTokenizer":
        return CachedWhitespaceTokenizer()
    if kind == "SpaCyTokenizer":
        return CachedSpaCyTokenizer(language)
    raise KeyError(kind)


def _preferred(tok: WordTokenizer) -> WordTokenizer:
    """The shared or faster equivalent of a tokenizer datatrove built (same tokens, tested)."""
    if type(tok) is IndicNLPTokenizer and patches.active():
        return FastIndicNLPTokenizer(tok.language)
    if type(tok) is WhitespaceTokenizer:
        return _shared("WhitespaceTokenizer", None)
    if type(tok) is SpaCyTokenizer:
        return _shared("SpaCyTokenizer", tok.language)
    return tok


def _substitute(lang_script: str) -> WordTokenizer:
    if lang_script.endswith(("_Hani", "_Hans", "_Hant")):
        return _shared("SpaCyTokenizer", "zh")
    return _shared("WhitespaceTokenizer", None)


@lru_cache(maxsize=None)
def word_tokenizer(lang_script: str) -> tuple[WordTokenizer, TokenizerInfo]:
    """(tokenizer, info) for ``lang_script``; one instance per process and language."""
    validate_lang_script(lang_script)
    if lang_script.endswith(("_Hani", "_Hans", "_Hant")):
        private_jieba_cache()
    return _load(lang_script)


def private_jieba_cache() -> None:
    """jieba stores its prefix dictionary (marshal) in the shared temporary directory and loads any
    ``jieba.cache`` found there: a file another local user planted would change segmentation. It goes to
    curate's per-user cache instead (jieba's own `tmp_dir` setting), before jieba first loads."""
    import jieba

    if jieba.dt.tmp_dir is None:
        path = os.path.join(cache_root(), "jieba")
        os.makedirs(path, mode=0o700, exist_ok=True)
        jieba.dt.tmp_dir = path


def _load(lang_script: str) -> tuple[WordTokenizer, TokenizerInfo]:
    assigned = _assignment_table().get(lang_script)
    error = None
    if assigned is not None:
        try:
            tok = _preferred(load_word_tokenizer(lang_script))
            tok.word_tokenize(_PROBE)  # force lazy loading now, so failures surface here
            return tok, TokenizerInfo(lang_script, assigned, _describe(tok), fallback=False)
        except Exception as e:  # ImportError, model download errors, ...: use the substitute
            error = f"{type(e).__name__}: {e}"
    else:
        error = "no tokenizer assigned in datatrove's tokenizer_assignment.csv"
    tok = _substitute(lang_script)
    tok.word_tokenize(_PROBE)
    return tok, TokenizerInfo(lang_script, assigned, _describe(tok), fallback=True, error=error)
