"""The per-node cache of built artefacts: URL block-list arrays, compiled patterns, jieba's dictionary,
downloaded models. Workers of a node share it; every writer replaces files atomically."""
import os


def cache_root() -> str:
    """``$CURATE_CACHE``, default ``~/.cache/curate`` (a location, set by whoever starts the workers,
    never by a task)."""
    return os.environ.get("CURATE_CACHE") or os.path.expanduser("~/.cache/curate")
