"""Every patch of a third-party library's internals, in one place.

Each module here, except a patch's helpers (names starting with ``_``), names the library and the
version it was written for (``LIBRARY``, ``WRITTEN_FOR``) and gives the library's own results with
less CPU; its test, next to the others in ``tests/patches/``, proves the outputs identical and fails
when the installed version changes.

One switch turns them on or off: `install`, called by every stage task with
``not PipelineConfig.unoptimised`` (the benchmark's baseline runs the libraries' own code). It applies
the patches that replace a library function for the whole process at once; the other is applied
where its library is loaded (spaCy's prefix search: `filters.tokenizers`) and asks `wanted` first;
`fasttext_training` is a correctness fix, applied by `quality.train` whatever the switch. A library of another version
than the patch was written for keeps its own code, with a warning naming both versions.

Only patches whose saving grows with the pages are kept: those that saved a fixed cost per worker
process (a compiled-regex cache, jieba's dictionary, datatrove's dependency check, Ray's head monitors)
were removed after the speed-up review (docs/speedups.md), as a long-lived Ray worker pays it once.

The switch is also read, through `active`, by the filters' own faster equivalents of datatrove's
code (cached tokenization, compact URL lists, Gopher statistics), so that the baseline is
datatrove's code throughout.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import logging
import platform

log = logging.getLogger(__name__)

# patches that replace a library function process-wide: `install` applies or removes them together
PROCESS_WIDE = ("trafilatura_speedups", "ftfy_mojibake", "datatrove_repetition")
# patches applied where their library is loaded, if `wanted`
AT_LOAD = ("spacy_prefix", "fasttext_training")

_active = True  # before any stage calls install (tools, tests): the optimised configuration
_installed: tuple | None = None  # what install last did to the process-wide patches: (enabled, off)
_off: frozenset = frozenset()  # patches left out one by one
_warned: set[str] = set()


def installed_version(library: str) -> str:
    """The installed version of a distribution, or of the interpreter for ``"cpython"``."""
    if library == "cpython":
        return platform.python_version() if platform.python_implementation() == "CPython" else "none"
    try:
        return importlib.metadata.version(library)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def supported(patch) -> bool:
    """Whether the installed library is the version ``patch`` was written for (``WRITTEN_FOR`` is a
    full version or a release prefix such as ``3.11``); if not, a warning, once per patch."""
    found = installed_version(patch.LIBRARY)
    if found == patch.WRITTEN_FOR or found.startswith(patch.WRITTEN_FOR + "."):
        return True
    name = patch.__name__.rsplit(".", 1)[-1]
    if name not in _warned:
        _warned.add(name)
        log.warning("patch %s was written for %s %s, found %s: using %s's own code", name, patch.LIBRARY,
                    patch.WRITTEN_FOR, found, patch.LIBRARY)
    return False


def install(enabled: bool, off: tuple[str, ...] = ()) -> None:
    """The switch: with ``enabled``, the process-wide patches whose library versions match are applied
    (again: it is idempotent); without, every one of them is removed and the at-load ones are skipped.
    ``off`` names single patches to leave out (``PipelineConfig.patches_off``: the speed-up review)."""
    global _active, _installed, _off
    unknown = set(off) - set(PROCESS_WIDE + AT_LOAD)
    if unknown:
        raise ValueError(f"unknown patches {sorted(unknown)}: known are {sorted(PROCESS_WIDE + AT_LOAD)}")
    _active = enabled
    if _installed == (enabled, tuple(off)):  # every task calls it: once per process and setting
        return
    _installed, _off = (enabled, tuple(off)), frozenset(off)
    for name in PROCESS_WIDE:
        patch = importlib.import_module(f"{__name__}.{name}")
        patch.install(enabled and name not in _off and supported(patch))


def active() -> bool:
    return _active


def wanted(patch) -> bool:
    """Whether an at-load patch is to be applied now: the switch is on, the patch is not left out, and its
    library's version matches."""
    return _active and patch.__name__.rsplit(".", 1)[-1] not in _off and supported(patch)
