"""Extraction: FineWeb2's trafilatura settings and the per-record time limit."""
import signal
import time
from pathlib import Path

import pytest

from curate.stages.extract import ExtractionTimeout, _time_limit, extract
from curate.store.warc import iter_records

DATA = Path(__file__).parent / "data"


def real_pages():
    with open(DATA / "resiliparse_CC-MAIN-2020-34_excerpt.warc.gz", "rb") as f:
        return list(iter_records(f, lambda *a: None))


def test_real_page_extracts_main_text():
    page = next(r for r in real_pages() if r.url == "http://0900-hovenier.nl/gelderland/oosterbeek/")
    text, reason = extract(page.content, timeout_s=10)
    assert reason is None and "hovenier" in text.lower() and "<" not in text


def test_slow_page_costs_one_record_not_the_shard():
    pages = real_pages()
    # ~2 MB of dense markup: several seconds of trafilatura on this machine
    huge = "<html><body>" + "".join(
        f"<div class='c{i % 7}'><h2>Kop {i}</h2><p>Dit is alinea {i} met genoeg woorden om als tekst te tellen.</p>"
        f"<ul><li>a {i}</li><li>b</li></ul><table><tr><td>x</td><td>{i}</td></tr></table></div>" for i in range(10000)
    ) + "</body></html>"
    t0 = time.time()
    text, reason = extract(huge, timeout_s=0.3)
    assert reason == "extract_timeout" and text is None
    assert time.time() - t0 < 5  # the limit interrupted it
    # the next record of the same worker is unaffected
    page = next(r for r in pages if r.url == "http://0900-hovenier.nl/gelderland/oosterbeek/")
    text, reason = extract(page.content, timeout_s=10)
    assert reason is None and text


def test_empty_and_broken_html_are_reasons_not_exceptions():
    assert extract("<html><body></body></html>", timeout_s=5) == (None, "extract_empty")
    deep = "<html><body>" + "<div>" * 200_000 + "<p>tief</p>" + "</div>" * 200_000 + "</body></html>"
    text, reason = extract(deep, timeout_s=5)
    assert (text is None) == (reason is not None)


def test_extraction_does_not_depend_on_pages_seen_before():
    page = next(r for r in real_pages() if r.url == "http://0900-hovenier.nl/gelderland/oosterbeek/")
    # trafilatura's process-wide dedup cache empties the 4th extraction of the same text in a worker
    texts = [extract(page.content, timeout_s=10)[0] for _ in range(5)]
    assert len(set(texts)) == 1 and len(texts[0]) > 500


def test_a_time_limit_swallowed_once_fires_again_and_then_stops():
    # Python discards an exception raised inside a gc callback or __del__ (and trafilatura catches
    # Exception around its fallbacks): the limit must still end the page
    swallowed, deadline, handler = 0, time.time() + 3, signal.getsignal(signal.SIGALRM)
    with pytest.raises(ExtractionTimeout):
        with _time_limit(0.05):
            try:
                while time.time() < deadline:
                    pass
            except ExtractionTimeout:
                swallowed += 1
            while time.time() < deadline:
                pass
    assert swallowed == 1 and time.time() < deadline
    time.sleep(0.2)  # disarmed: nothing fires after the block
    assert signal.getsignal(signal.SIGALRM) is handler


def test_a_callers_own_alarm_survives_extraction():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(time.time()))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        text, reason = extract("<html><body><p>" + "Ein kurzer Satz. " * 50 + "</p></body></html>", timeout_s=10)
        assert text and not fired
        time.sleep(1)
        assert len(fired) == 1  # still armed after the page, and fired once
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
