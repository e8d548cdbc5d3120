"""Per-language FineWeb2 filtering, keyed by a GlotLID label such as ``deu_Latn``.

* :mod:`filters.config`: thresholds (``load_language_config``), incl. the no-config fallback.
* :mod:`filters.tokenizers`: word tokenizer per language (``word_tokenizer``), with offline fallbacks.
* :mod:`filters.quality`: GopherRepetition -> FineWebQuality -> GopherQuality (``quality_filter``).
* :mod:`filters.url`: FineWeb URL block lists (``check_url``), loaded once per process.
* :mod:`filters.formatters`: FTFY -> PII -> ``|``-line fix (``finalize_text``).

Submodules are not imported here, so importing one does not load the others' dependencies.
"""
