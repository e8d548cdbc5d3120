"""datatrove's dependency check with the same answers, without parsing every installed package's metadata.

datatrove runs `check_required_dependencies` in the constructor of every pipeline step and word
tokenizer. For each pip name it has not seen in the process, its `_is_distribution_available` parses
the METADATA of every installed distribution to compare names (about 0.08 CPU s per name; six names,
half a second, in each worker). Here the distribution is first looked up by that name
(`importlib.metadata.distribution` reads one package's files): when its own Name, lower-cased, is the
name asked for, datatrove's scan would find it too and the answer is True. Any other case goes to
datatrove's scan, which decides as before.
"""
from __future__ import annotations

import importlib.metadata
from functools import lru_cache

LIBRARY, WRITTEN_FOR = "datatrove", "0.10.1"


def install(on: bool = True) -> None:
    """The fast path in (idempotent), or datatrove's own function back (``on=False``)."""
    from datatrove.utils import _import_utils

    original = _import_utils._is_distribution_available
    if getattr(original, "fast_path", False):
        if not on:
            _import_utils._is_distribution_available = original.original
        return
    if not on:
        return

    @lru_cache
    def is_distribution_available(distribution_name: str):
        try:
            found = importlib.metadata.distribution(distribution_name).metadata.get("Name")
        except (importlib.metadata.PackageNotFoundError, ValueError):
            found = None
        if found and found.lower() == distribution_name:
            return True
        return original(distribution_name)

    is_distribution_available.fast_path = True
    is_distribution_available.original = original
    _import_utils._is_distribution_available = is_distribution_available
