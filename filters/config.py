"""Per-language FineWeb2 filter thresholds, keyed by a GlotLID label such as ``deu_Latn``.

The 1,929 YAML files in ``filters/configs/`` are FineWeb2's own (see ``configs/NOTICE.md``).
Two languages are special:

* ``eng_Latn`` has no FineWeb2 config (English is not part of FineWeb2; it is FineWeb). It gets
  :data:`ENGLISH_DEFAULTS`, the datatrove defaults that FineWeb used, including datatrove's English
  stop words. ``is_fallback`` is False because these are the real FineWeb thresholds.
* Any other well-formed code without a config (e.g. ``und_Kana``, a GlotLID label FineWeb2 never
  configured) gets the FALLBACK described in :func:`fallback_config`: the per-key median over all
  bundled configs and *no* stop-word check, with ``is_fallback=True``.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml
from datatrove.pipeline.filters.gopher_quality_filter import STOP_WORDS as _DATATROVE_EN_STOP_WORDS

CONFIG_DIR = Path(__file__).resolve().parent / "configs"
LANG_SCRIPT_RE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
CONFIG_KEYS = frozenset(
    {
        "dup_line_frac",
        "dup_n_grams",
        "language_score",
        "line_punct_thr",
        "max_avg_word_length",
        "max_non_alpha_words_ratio",
        "min_avg_word_length",
        "new_line_ratio",
        "stopwords",
        "top_n_grams",
    }
)
# GopherQuality's min_stop_words in FineWeb2; the fallback sets it to 0 (see fallback_config).
DEFAULT_MIN_STOP_WORDS = 2

NGramThresholds = tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class LanguageConfig:
    """The 10 FineWeb2 config keys, plus where they came from."""

    lang_script: str
    dup_line_frac: float  # GopherRepetition; 0 or >=1 = off (see filters/quality.py)
    dup_n_grams: NGramThresholds  # GopherRepetition, n=5..10
    language_score: float  # LID threshold (keep if score >= it)
    line_punct_thr: float  # FineWebQuality; <=0 = off
    max_avg_word_length: float  # GopherQuality
    max_non_alpha_words_ratio: float  # GopherQuality; really a *minimum* alpha-word ratio
    min_avg_word_length: float  # GopherQuality; 0 = off
    new_line_ratio: float  # FineWebQuality
    stopwords: tuple[str, ...]  # GopherQuality
    top_n_grams: NGramThresholds  # GopherRepetition, n=2..4
    min_stop_words: int = DEFAULT_MIN_STOP_WORDS  # not a YAML key; 0 disables the stop-word check
    is_fallback: bool = False
    source: str = "fineweb2"  # "fineweb2" | "fineweb_english" | "fallback_median"


def validate_lang_script(lang_script: str) -> str:
    """Reject anything but ``xxx_Scrp`` before it is used to build a file path."""
    if not isinstance(lang_script, str) or not LANG_SCRIPT_RE.fullmatch(lang_script):
        raise ValueError(f"invalid language code {lang_script!r}: expected ISO 639-3 + '_' + ISO 15924, e.g. 'deu_Latn'")
    return lang_script


def _ngrams(value, key: str) -> NGramThresholds:
    try:
        return tuple((int(n), float(t)) for n, t in value)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{key}: expected [[n, threshold], ...], got {value!r}") from e


def _from_mapping(lang_script: str, data: dict, **extra) -> LanguageConfig:
    if not isinstance(data, dict) or set(data) != CONFIG_KEYS:
        got = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"{lang_script}: config must have exactly the keys {sorted(CONFIG_KEYS)}, got {got}")
    stopwords = data["stopwords"]
    # YAML 1.1 would turn an unquoted `no`/`on` into a bool: refuse rather than silently compare bools to words.
    if not isinstance(stopwords, list) or not all(isinstance(w, str) for w in stopwords):
        raise ValueError(f"{lang_script}: stopwords must be a list of strings")
    return LanguageConfig(
        lang_script=lang_script,
        dup_line_frac=float(data["dup_line_frac"]),
        dup_n_grams=_ngrams(data["dup_n_grams"], "dup_n_grams"),
        language_score=float(data["language_score"]),
        line_punct_thr=float(data["line_punct_thr"]),
        max_avg_word_length=float(data["max_avg_word_length"]),
        max_non_alpha_words_ratio=float(data["max_non_alpha_words_ratio"]),
        min_avg_word_length=float(data["min_avg_word_length"]),
        new_line_ratio=float(data["new_line_ratio"]),
        stopwords=tuple(stopwords),
        top_n_grams=_ngrams(data["top_n_grams"], "top_n_grams"),
        **extra,
    )


# Safe loading only (no arbitrary Python objects): the C build of yaml.safe_load when available,
# which makes the one-off median scan over all 1,929 files ~7x faster (0.4 s instead of 2.5 s).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path) -> LanguageConfig:
    with open(path, encoding="utf-8") as f:
        return _from_mapping(path.stem, yaml.load(f, Loader=_SAFE_LOADER))  # noqa: S506 - a SafeLoader


def available_languages() -> list[str]:
    """Codes that have a bundled FineWeb2 config (eng_Latn is not among them)."""
    return sorted(p.stem for p in CONFIG_DIR.glob("*.yml"))


# FineWeb (English) thresholds = datatrove's filter defaults, which FineWeb ran with.
ENGLISH_DEFAULTS = LanguageConfig(
    lang_script="eng_Latn",
    dup_line_frac=0.3,
    dup_n_grams=((5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)),
    language_score=0.65,  # FineWeb's ft176 English threshold
    line_punct_thr=0.12,
    max_avg_word_length=10,
    max_non_alpha_words_ratio=0.8,
    min_avg_word_length=3,
    new_line_ratio=0.3,
    stopwords=tuple(_DATATROVE_EN_STOP_WORDS),
    top_n_grams=((2, 0.2), (3, 0.18), (4, 0.16)),
    source="fineweb_english",
)


def _median_ngrams(configs: list[LanguageConfig], key: str) -> NGramThresholds:
    ns = [n for n, _ in getattr(configs[0], key)]
    return tuple((n, float(statistics.median(dict(getattr(c, key))[n] for c in configs))) for n in ns)


@lru_cache(maxsize=1)
def _median_template() -> LanguageConfig:
    configs = [_read(p) for p in sorted(CONFIG_DIR.glob("*.yml"))]
    if not configs:
        raise FileNotFoundError(f"no FineWeb2 configs under {CONFIG_DIR}")

    def med(key: str) -> float:
        return float(statistics.median(getattr(c, key) for c in configs))

    return LanguageConfig(
        lang_script="und_Zzzz",
        dup_line_frac=med("dup_line_frac"),
        dup_n_grams=_median_ngrams(configs, "dup_n_grams"),
        language_score=med("language_score"),
        line_punct_thr=med("line_punct_thr"),
        max_avg_word_length=med("max_avg_word_length"),
        max_non_alpha_words_ratio=med("max_non_alpha_words_ratio"),
        min_avg_word_length=med("min_avg_word_length"),
        new_line_ratio=med("new_line_ratio"),
        stopwords=(),
        top_n_grams=_median_ngrams(configs, "top_n_grams"),
        min_stop_words=0,
        is_fallback=True,
        source="fallback_median",
    )


def fallback_config(lang_script: str) -> LanguageConfig:
    """FALLBACK for a language FineWeb2 has no config for.

    * Every numeric threshold is the median of that key over all 1,929 bundled configs (per n for the
      n-gram lists), computed once per process. Medians, not English values, because most FineWeb2
      languages are low-resource web languages whose thresholds sit far from English ones.
    * No stop-word check: ``stopwords=()`` and ``min_stop_words=0``. Borrowing another language's
      stop words (English in datatrove's defaults) would delete every document.
    * ``is_fallback=True`` so stats and dataset cards can report it.
    """
    return replace(_median_template(), lang_script=validate_lang_script(lang_script))


def load_language_config(lang_script: str, filter_configs: str | None = None) -> LanguageConfig:
    """Config for ``lang_script`` (``xxx_Scrp``); cached per process. Raises ValueError on a malformed code.
    ``filter_configs`` (`PipelineConfig.filter_configs`): a folder of calibrated configs
    (`curate calibrate --out DIR`) that take precedence over the bundled ones."""
    return _load(lang_script, filter_configs or "")


@lru_cache(maxsize=None)
def _load(lang_script: str, override_dir: str) -> LanguageConfig:
    """Cached per (language, override folder)."""
    validate_lang_script(lang_script)
    if override_dir and (Path(override_dir) / f"{lang_script}.yml").is_file():
        return replace(_read(Path(override_dir) / f"{lang_script}.yml"), source="calibrated")
    if lang_script == "eng_Latn":
        return ENGLISH_DEFAULTS
    path = CONFIG_DIR / f"{lang_script}.yml"
    if path.is_file():
        return _read(path)
    return fallback_config(lang_script)


load_language_config.cache_clear = _load.cache_clear  # type: ignore[attr-defined]
