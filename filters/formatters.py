"""FineWeb2's final touches (stage G): FTFY -> PII -> ``|``-line fix, as one function.

Uses datatrove's formatters directly (their ``format(text)``), built once per process:

* ``FTFYFormatter()``: its defaults *are* FineWeb2's settings (encoding fixes on; no ligature,
  character-width, quote-uncurling or line-break rewriting; no Unicode normalization). They are
  spelled out below so a datatrove default change cannot silently alter them.
* ``PIIFormatter()``: emails and *public* IPv4 addresses (``ipaddress.is_global``) are replaced by
  placeholders cycling within a document (restarted per document: deterministic output); private
  ranges such as 192.168.x.x are kept.
* ``SymbolLinesFormatter(symbols_to_remove=["|"], replace_char="\\n")``: runs of lines made only of
  ``|`` and spaces (trafilatura table residue) collapse into one blank line. It re-joins
  ``splitlines()`` with ``\n``, so CRLF and other line separators become ``\n`` (as in FineWeb2).
"""

from __future__ import annotations

from functools import lru_cache

from datatrove.pipeline.formatters import FTFYFormatter, PIIFormatter, SymbolLinesFormatter


@lru_cache(maxsize=1)
def _formatters():
    return (
        FTFYFormatter(
            fix_latin_ligatures=False,
            fix_character_width=False,  # would turn CJK full-width punctuation into half-width
            uncurl_quotes=False,
            fix_line_breaks=False,
            normalization=None,
        ),
        PIIFormatter(),
        SymbolLinesFormatter(symbols_to_remove=["|"], replace_char="\n"),
    )


def finalize_text(text: str) -> str:
    """Apply FTFY, PII removal and the ``|``-line fix, in FineWeb2's order."""
    ftfy, pii, symbols = _formatters()
    # datatrove cycles placeholders with a per-process counter, so a document's text would depend on
    # the documents its worker formatted before; restart the cycle per document to stay deterministic
    pii.emails_replacer._replace_i = pii.ip_replacer._replace_i = 0
    return symbols.format(pii.format(ftfy.format(text)))
