"""Per-language FineWeb2 filtering, keyed by a GlotLID label such as ``deu_Latn``.

* :mod:`filters.config`: thresholds (``load_language_config``), incl. the no-config fallback.
* :mod:`filters.lid_threshold`: the LID threshold a document's ``language_score`` must reach.
* :mod:`filters.tokenizers`: word tokenizer per language (``word_tokenizer``), with offline fallbacks.
* :mod:`filters.quality`: GopherRepetition -> FineWebQuality -> GopherQuality (``quality_filter``).
* :mod:`filters.gopher_quality`: datatrove's GopherQuality filter, same verdicts, less CPU.
* :mod:`filters.precision`: FineWeb2's wordlist filter for the languages it found contaminated.
* :mod:`filters.url`: FineWeb URL block lists (``check_url``), loaded once per process.
* :mod:`filters.formatters`: FTFY -> PII -> ``|``-line fix (``finalize_text``).
* :mod:`filters.metrics`, :mod:`filters.calibrate`: the filters' metrics, and thresholds derived from
  reference corpora (``curate calibrate``).

Below this package: `langid` (calibration uses the LID model), `curate.patches` (speedups of the
libraries the filters use) and `curate.store`. Submodules are not imported here, so importing one does
not load the others' dependencies.
"""
