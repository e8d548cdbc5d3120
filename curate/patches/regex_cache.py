"""Compiled forms of long regular expressions, kept on disk and reused by later processes.

Why: spaCy builds each language's tokenizer from very long regular expressions, and CPython compiles
them in pure Python (``re._parser`` and ``re._compiler``) in every new process. French's token_match
pattern alone is 1.4 MB of text and takes 2.5 CPU s; the 17 languages of the benchmark input cost a
fresh worker about 2.9 CPU s of compiling, every run. The compiled form (the ``_sre`` code list) is a
deterministic function of the interpreter build, the pattern and its flags, so the first process stores
it and later ones hand it straight to ``_sre.compile``, which validates code it is given.

Bound to CPython internals (3.11's ``re._compiler.compile`` and ``_sre.compile``): the cache carries
the interpreter's version and ``_sre.MAGIC`` (the directory name), each entry is a file named by a SHA-256 of the pattern and
its flags, and any surprise (missing internals, unreadable file, rejected code) falls back to compiling.
``reuse()`` swaps the compiler only for the duration of a ``with`` block.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import sys
import tempfile
import threading

from curate.store.cache import cache_root

log = logging.getLogger(__name__)

LIBRARY, WRITTEN_FOR = "cpython", "3.11"  # re._compiler.compile and _sre.compile

MIN_PATTERN_CHARS = 1000  # shorter patterns compile in about a millisecond: not worth a file entry

try:
    import _sre
    from re import _compiler, _parser

    _TAG = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-sre{_sre.MAGIC}-{_sre.CODESIZE}"
    _SUPPORTED = sys.implementation.name == "cpython" and callable(getattr(_compiler, "_code", None))
except ImportError:  # another interpreter or layout: reuse() is a no-op
    _TAG, _SUPPORTED = "", False

_swap = threading.RLock()  # reuse() blocks run one at a time: the compiler swap is process-wide
_warned: set[str] = set()
stats = {"hits": 0, "misses": 0, "rejected": 0}


def cache_dir() -> str:
    return os.path.join(cache_root(), "regex", _TAG)


def _entry_path(pattern, flags: int) -> str:
    """One file per (pattern, flags): writers never need to merge, a damaged file costs one pattern."""
    raw = pattern.encode("utf-8", "surrogatepass") if isinstance(pattern, str) else bytes(pattern)
    kind = "s" if isinstance(pattern, str) else "b"
    return os.path.join(cache_dir(), f"{hashlib.sha256(raw).hexdigest()}-{flags}{kind}.marshal")


def _warn_once(what: str, err) -> None:
    if what not in _warned:
        _warned.add(what)
        log.warning("regex cache %s: %s (patterns are compiled as usual)", what, err)


def _read(path: str) -> tuple | None:
    try:
        with open(path, "rb") as f:
            args = marshal.load(f)
        return args if isinstance(args, tuple) and len(args) == 5 else None
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError) as e:
        _warn_once(f"entry {path} unreadable", e)
        return None


def _write(path: str, args: tuple) -> None:
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                marshal.dump(args, f)
            os.replace(tmp, path)  # atomic: concurrent workers write the same bytes
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as e:  # a read-only home, a full disk: the next process compiles again
        _warn_once(f"not saved to {cache_dir()}", e)


def _compile_args(pattern, flags: int) -> tuple:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` after the pattern, in marshal-able types."""
    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # opcodes are an int subclass
    names = dict(parsed.state.groupdict)
    index = [None] * parsed.state.groups
    for name, i in names.items():
        index[i] = name
    return (flags | parsed.state.flags, code, parsed.state.groups - 1, names, tuple(index))


def _make_compile(original):
    def compile_with_cache(pattern, flags=0):
        if not isinstance(pattern, (str, bytes)) or len(pattern) < MIN_PATTERN_CHARS or flags & _compiler.SRE_FLAG_DEBUG:
            return original(pattern, flags)
        path = _entry_path(pattern, flags)
        args = _read(path)
        if args is not None:
            try:
                compiled = _sre.compile(pattern, *args)
                stats["hits"] += 1
                return compiled
            except Exception as e:  # RuntimeError "invalid SRE code", wrong types: compile and rewrite it
                stats["rejected"] += 1
                log.warning("regex cache entry %s rejected (%s); compiling", path, e)
        args = _compile_args(pattern, flags)
        stats["misses"] += 1
        _write(path, args)
        return _sre.compile(pattern, *args)

    return compile_with_cache


@contextlib.contextmanager
def reuse(enabled: bool = True):
    """Within the block, long patterns compile from the on-disk cache, and new ones are stored."""
    if not (enabled and _SUPPORTED):
        yield
        return
    with _swap:
        original = _compiler.compile
        _compiler.compile = _make_compile(original)
        try:
            yield
        finally:
            _compiler.compile = original
