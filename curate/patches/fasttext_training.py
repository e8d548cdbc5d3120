"""fastText training from initialised memory: the same model in any process, never "Encountered NaN".

fastText 0.9.2 and 0.9.3 (`DenseMatrix::uniform`, src/densematrix.cc) fill only the first
`thread / 10` of the input matrix with random values; the rest keeps whatever the allocation held
(`intgemm::AlignedVector` does not zero it). A fresh process gets large matrices as new, zeroed pages,
which is why training usually works. In a process whose heap has been used (a test run, a pipeline
driver that imported torch), the matrix reuses freed memory: training gives "Encountered NaN" at any
learning rate, or a model at chance accuracy, and two runs on the same data differ.

glibc's `M_PERTURB` fills every allocation it hands out with `~value`: with 0xFF, zeros. Set for the
duration of a training call, the uninitialised rows start at zero, as in a fresh process, so the
model depends on the data and the arguments only (one thread: the same bytes). Outside glibc or for
another fastText version, fastText's own call runs unchanged.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys
import threading

LIBRARY, WRITTEN_FOR = "fasttext-numpy2-wheel", "0.9.2"

_M_PERTURB = -6  # glibc malloc.h
_lock = threading.Lock()  # the setting is process-wide: one training at a time changes it


def _mallopt():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        libc.gnu_get_libc_version  # glibc only: M_PERTURB means something else, or nothing, elsewhere
        return libc.mallopt
    except (OSError, AttributeError):
        return None


@contextlib.contextmanager
def zeroed_allocations():
    from curate import patches

    mallopt = _mallopt() if patches.supported(sys.modules[__name__]) else None
    if mallopt is None:
        yield
        return
    with _lock:
        mallopt(_M_PERTURB, 0xFF)
        try:
            yield
        finally:
            mallopt(_M_PERTURB, 0)


def train_supervised(path: str, **kwargs):
    """`fasttext.train_supervised` with its input matrix starting from zeroed memory."""
    import fasttext

    with zeroed_allocations():
        return fasttext.train_supervised(path, **kwargs)
