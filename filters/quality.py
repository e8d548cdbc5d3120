"""FineWeb2's heuristic filter stage (GopherRepetition -> FineWebQuality -> GopherQuality) per language.

``quality_filter("deu_Latn").check(text)`` returns None when the document is kept, else the datatrove
reason (e.g. ``"dup_line_frac"``, ``"gopher_enough_stop_words"``); :data:`FILTER_STAGES` maps reasons
to filters. The three datatrove filters are built once per process and language.

Tokenizer: datatrove's filters call ``split_into_words(text, self.language)``, which passes
``language`` to ``load_word_tokenizer``, and that returns a ``WordTokenizer`` instance unchanged. So
we hand the filters the instance from :mod:`filters.tokenizers` (incl. its offline fallback) instead of
a code: datatrove then never builds a tokenizer itself (no Stanza download, no bare-code bug). As a
bonus ``split_into_parts`` is ``lru_cache``d on ``(text, mode, tokenizer)``, so the three filters
tokenize each document once.

"Value means disabled" cases in the FineWeb2 configs, checked against datatrove 0.10.1's code:

* ``line_punct_thr <= 0`` (1,690 configs, e.g. deu_Latn, tha_Thai): the test is ``ratio < thr`` with
  ``ratio >= 0``, so it can never fire. Really disabled.
* ``dup_line_frac == 0`` (6): skipped because datatrove tests ``if self.dup_line_frac and ...``.
  ``dup_line_frac >= 1`` (65): duplicate lines / lines is always < 1, so it can never fire. Disabled.
* ``min_avg_word_length == 0`` (5, incl. deu_Latn): falsy, skipped. Disabled.
* ``top_n_grams`` thresholds >= 1 (828 configs) are NOT a disabled marker. The metric (length of the
  most frequent n-gram joined with spaces x its count / len(text)) counts overlapping n-grams and the
  joining spaces, so it exceeds 1 for highly repetitive text ("la la la ..." gives ~1.5 for n=2) and
  for unspaced scripts. Values like 1.358 or 6.787 are thresholds fitted (MeanStd) on that metric, and
  datatrove applied them in FineWeb2, so we pass them through unchanged: they only drop pathological
  repetition.
* ``dup_n_grams`` thresholds of 0 (chj_Latn n=7..10, zoc_Latn n=9,10) are NOT skipped by datatrove:
  any repeated n-gram then drops the document. Kept as FineWeb2 ran it; noted here so it is not a
  surprise. (>= 1 values there can never fire: repeated chars <= total chars.)
* ``max_non_alpha_words_ratio`` / ``max_avg_word_length`` are never 0 in the configs.
* Fallback configs (no stop words) set ``min_stop_words=0``, which datatrove skips (falsy).

Other datatrove behaviour kept as FineWeb2 ran it: the "top n-gram" is ``most_common(1)`` even at
count 1, so texts under ~40 words are usually dropped as ``top_{2,3,4}_gram`` (one long n-gram is a
large share of a short text) before GopherQuality can say ``gopher_short_doc``.

FineWebQuality divides by the word count; a non-empty document can still tokenize to zero words (e.g.
Kiwi strips 20+ digit runs), which would raise ZeroDivisionError, so we report ``"no_words"`` instead.
"""

from __future__ import annotations

from functools import lru_cache

from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.pipeline.filters.base_filter import BaseFilter, get_filter_result
from datatrove.utils.text import split_into_words

from curate import patches
from filters.config import LanguageConfig, load_language_config
from filters.tokenizers import TokenizerInfo, word_tokenizer

# Filter (stage) -> the reasons it can return, in pipeline order. Prefix-free datatrove reason strings,
# plus "no_words" (ours, see module docstring).
FILTER_STAGES: dict[str, tuple[str, ...]] = {
    "gopher_repetition": (
        "empty",
        "dup_para_frac",
        "dup_para_char_frac",
        "dup_line_frac",
        "dup_line_char_frac",
        *(f"top_{n}_gram" for n in (2, 3, 4)),
        *(f"duplicated_{n}_n_grams" for n in range(5, 11)),
    ),
    "fineweb_quality": ("line_punct_ratio", "short_line_ratio", "char_dup_ratio", "list_ratio", "no_words"),
    "gopher_quality": (
        "gopher_short_doc",
        "gopher_long_doc",
        "gopher_below_avg_threshold",
        "gopher_above_avg_threshold",
        "gopher_too_many_hashes",
        "gopher_too_many_ellipsis",
        "gopher_too_many_bullets",
        "gopher_too_many_end_ellipsis",
        "gopher_below_alpha_threshold",
        "gopher_enough_stop_words",
    ),
}
REASON_TO_STAGE: dict[str, str] = {r: stage for stage, reasons in FILTER_STAGES.items() for r in reasons}


class QualityFilter:
    """FineWeb2 stage-E filters for one language (settings: fineweb2-pipeline.py / paper A.7.2)."""

    def __init__(self, lang_script: str, filter_configs: str | None = None):
        gopher_quality = GopherQualityFilter
        if patches.active():
            from filters.gopher_quality import FastGopherQualityFilter

            gopher_quality = FastGopherQualityFilter  # same verdicts, statistics per distinct word
        self.config: LanguageConfig = load_language_config(lang_script, filter_configs)
        self.tokenizer, self.tokenizer_info = word_tokenizer(lang_script)
        c, tok = self.config, self.tokenizer
        self.stages: tuple[tuple[str, BaseFilter], ...] = (
            (
                "gopher_repetition",
                GopherRepetitionFilter(
                    dup_line_frac=c.dup_line_frac,
                    dup_para_frac=0,  # paragraph checks off: trafilatura already drops repeated paragraphs
                    dup_line_char_frac=0,
                    dup_para_char_frac=0,
                    top_n_grams=c.top_n_grams,
                    dup_n_grams=c.dup_n_grams,
                    language=tok,
                ),
            ),
            (
                "fineweb_quality",
                FineWebQualityFilter(
                    line_punct_thr=c.line_punct_thr,
                    short_line_thr=999,  # off in FineWeb2
                    char_duplicates_ratio=0.1,  # FineWeb English used 0.01
                    new_line_ratio=c.new_line_ratio,
                    language=tok,
                ),
            ),
            (
                "gopher_quality",
                gopher_quality(
                    min_doc_words=50,
                    max_doc_words=100000,
                    min_avg_word_length=c.min_avg_word_length,
                    max_avg_word_length=c.max_avg_word_length,
                    max_symbol_word_ratio=0.1,
                    max_bullet_lines_ratio=0.9,
                    max_ellipsis_lines_ratio=0.3,
                    max_non_alpha_words_ratio=c.max_non_alpha_words_ratio,
                    min_stop_words=c.min_stop_words,
                    stop_words=list(c.stopwords),  # never None: None means datatrove's English list
                    language=tok,
                ),
            ),
        )

    @property
    def lang_script(self) -> str:
        return self.config.lang_script

    def check(self, text: str) -> str | None:
        """None if ``text`` passes all three filters, else the first failing reason."""
        doc = Document(text=text, id="")
        for stage, flt in self.stages:
            try:
                keep, reason = get_filter_result(flt.filter(doc))
            except ZeroDivisionError:
                if stage == "fineweb_quality" and not self.words(text):
                    return "no_words"
                raise
            if not keep:
                return reason or stage
        return None

    def words(self, text: str) -> list[str]:
        """Word tokens as the filters see them (same tokenizer, shared cache)."""
        return split_into_words(text, self.tokenizer)

    @property
    def info(self) -> TokenizerInfo:
        return self.tokenizer_info


@lru_cache(maxsize=None)
def quality_filter(lang_script: str, filter_configs: str | None = None) -> QualityFilter:
    """Process-wide cached :class:`QualityFilter` (build once per worker, language and config folder)."""
    return QualityFilter(lang_script, filter_configs)
