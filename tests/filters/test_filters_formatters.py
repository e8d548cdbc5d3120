from filters.formatters import finalize_text


def test_pii_replaces_email_and_public_ip_but_keeps_private_ip():
    text = "Kontakt: anna.schmidt@stadtbibliothek-beispiel.de, Server 8.8.4.4, Drucker 192.168.0.1."
    out = finalize_text(text)
    assert "anna.schmidt@" not in out and "8.8.4.4" not in out
    assert "@example.com" in out or "@example.org" in out
    assert "192.168.0.1" in out


def test_pipe_only_lines_collapse_into_one_line_break():
    text = "Tabelle\n| |\n|\n||  |\nNächste Zeile\nA | B bleibt"
    assert finalize_text(text) == "Tabelle\n\n\nNächste Zeile\nA | B bleibt"


def test_ftfy_fixes_mojibake_but_keeps_cjk_width_quotes_and_ligatures():
    assert finalize_text("FÃ¼r die Bibliothek") == "Für die Bibliothek"
    cjk = "你好，世界！（测试）"
    assert finalize_text(cjk) == cjk  # full-width punctuation untouched (fix_character_width=False)
    assert finalize_text("„Bücher“ und “quotes”") == "„Bücher“ und “quotes”"  # uncurl_quotes=False
    assert finalize_text("ﬁnden") == "ﬁnden"  # fix_latin_ligatures=False
    assert finalize_text("e\u0301") == "e\u0301"  # no Unicode normalization


def test_crlf_becomes_lf_via_the_symbol_lines_step_as_in_fineweb2():
    # ftfy's fix_line_breaks is off, but SymbolLinesFormatter re-joins splitlines() with "\n"
    assert finalize_text("Zeile\r\nZwei\u2028Drei") == "Zeile\nZwei\nDrei"


def test_placeholders_do_not_depend_on_previous_documents():
    from filters.formatters import finalize_text

    doc = "Schreiben Sie an max.mustermann@beispiel.de oder an info@beispiel.de."
    first = finalize_text(doc)
    for other in ("kontakt@firma.de", "a@b.org und c@d.org"):
        finalize_text(other)  # another document in the same worker
    assert finalize_text(doc) == first
    assert "email@example.com" in first and "firstname.lastname@example.org" in first  # still cycles within a doc
