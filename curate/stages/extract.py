"""Main-text extraction with trafilatura, FineWeb2 settings, and a per-record time limit.

The limit uses SIGALRM in the worker's main thread (Ray runs tasks there): it interrupts a
pathological page between Python bytecodes, re-firing until the page is given up, and costs nothing
per record, unlike a sandbox subprocess with a pipe round trip per document. A page that hangs
inside C code for longer is still bounded by the task-level retry and quarantine of the orchestrator.
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from contextlib import contextmanager

import trafilatura
from trafilatura.deduplication import LRU_TEST

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # one line per odd page is noise


class ExtractionTimeout(BaseException):
    """Not an Exception: trafilatura catches Exception around its readability and jusText fallbacks,
    and would swallow a time limit that fires there, then carry on with the page."""


_REFIRE_S = 0.05


@contextmanager
def _time_limit(seconds: float):
    """Raise ExtractionTimeout in the block after ``seconds``, and again every 50 ms until it gets out:
    a raise inside a gc callback or a ``__del__`` is discarded by Python, and the page would go on."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    active = [True]

    def _raise(signum, frame):
        if active[0]:
            raise ExtractionTimeout()

    previous = signal.signal(signal.SIGALRM, _raise)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds, _REFIRE_S)
    started = time.monotonic()
    try:
        yield
    finally:
        while active[0]:  # a re-fire may interrupt this very assignment: repeat it
            try:
                active[0] = False
            except ExtractionTimeout:
                pass
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay > 0:  # a caller's own timer (pytest-timeout, ...) goes on, late by at most this page
            signal.setitimer(signal.ITIMER_REAL, max(outer_delay - (time.monotonic() - started), 1e-3), outer_interval)


def extract(html: str, *, timeout_s: float, favor_precision: bool = True,
            include_comments: bool = False, deduplicate: bool = True) -> tuple[str | None, str | None]:
    """Return (text, None) or (None, reason) with reason in {extract_timeout, extract_empty, extract_error}."""
    # `deduplicate` remembers text segments in a process-wide cache, so a page's extraction would depend
    # on which pages the same worker saw before (later exact copies lose paragraphs). Clearing it per
    # record keeps within-page deduplication and makes the result a function of the page alone.
    LRU_TEST.clear()
    try:
        with _time_limit(timeout_s):
            text = trafilatura.extract(
                html,
                favor_precision=favor_precision,
                include_comments=include_comments,
                deduplicate=deduplicate,
            )
    except ExtractionTimeout:
        return None, "extract_timeout"
    except RecursionError:
        return None, "extract_error:RecursionError"
    except Exception as e:  # a broken page costs one record, never the shard
        return None, f"extract_error:{type(e).__name__}"
    if not text or not text.strip():
        return None, "extract_empty"
    return text, None
