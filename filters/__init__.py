"""Per-language FineWeb2 filtering, keyed by a GlotLID label such as ``deu_Latn``.

* :mod:`filters.config`: thresholds (``load_language_config``), incl. the no-config fallback.
* :mod:`filters.tokenizers`: word tokenizer per language (``word_tokenizer``), with offline fallbacks.
* :mod:`filters.quality`: GopherRepetition -> FineWebQuality -> GopherQuality (``quality_filter``).
* :mod:`filters.url`: FineWeb URL block lists (``check_url``), loaded once per process.
* :mod:`filters.formatters`: FTFY -> PII -> ``|``-line fix (``finalize_text``).
* :mod:`filters.repetition`: datatrove's Gopher repetition statistics, same results, less CPU.
* :mod:`filters.gopher_quality`: datatrove's GopherQuality filter, same verdicts, less CPU.
* :mod:`filters.regex_cache`: compiled forms of spaCy's long tokenizer patterns, reused across processes.
* :mod:`filters.jieba_dict`: jieba's prefix dictionary from a compact per-node cache.
* :mod:`filters.dependency_check`: datatrove's dependency check, same answers, less CPU.

Submodules are not imported here, so importing one does not load the others' dependencies.
"""
import os


def cache_root() -> str:
    """Per-node cache of built artefacts (URL block-list arrays, compiled patterns, downloaded models):
    ``$CURATE_CACHE``, default ``~/.cache/curate``."""
    return os.environ.get("CURATE_CACHE") or os.path.expanduser("~/.cache/curate")


def optimised() -> bool:
    """False in the unoptimised configuration (``unoptimised: true``, the benchmark's baseline),
    which the shard stage passes to the filters through ``CURATE_UNOPTIMISED`` before their first
    load: then datatrove's own tokenizers, statistics and URL sets are used as they are."""
    return os.environ.get("CURATE_UNOPTIMISED") != "1"
