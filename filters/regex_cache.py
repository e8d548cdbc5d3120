"""Compiled forms of long regular expressions, kept on disk and reused by later processes.

Why: spaCy builds each language's tokenizer from very long regular expressions, and CPython compiles
them in pure Python (``re._parser`` and ``re._compiler``) in every new process. French's token_match
pattern alone is 1.4 MB of text and takes 2.5 CPU s; the 17 languages of the benchmark input cost a
fresh worker about 2.9 CPU s of compiling, every run. The compiled form (the ``_sre`` code list) is a
deterministic function of the interpreter build, the pattern and its flags, so the first process stores
it and later ones hand it straight to ``_sre.compile``, which validates code it is given.

Bound to CPython internals (3.11's ``re._compiler.compile`` and ``_sre.compile``): the file name carries
the interpreter's version and ``_sre.MAGIC``, entries are keyed by a SHA-256 of the pattern, and any
surprise (missing internals, unreadable file, rejected code) falls back to compiling as usual.
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

log = logging.getLogger(__name__)

MIN_PATTERN_CHARS = 1000  # shorter patterns compile in about a millisecond: not worth a file entry

try:
    import _sre
    from re import _compiler, _parser

    _TAG = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-sre{_sre.MAGIC}-{_sre.CODESIZE}"
    _SUPPORTED = sys.implementation.name == "cpython" and callable(getattr(_compiler, "_code", None))
except ImportError:  # another interpreter or layout: reuse() is a no-op
    _TAG, _SUPPORTED = "", False

_lock = threading.RLock()
_entries: dict[tuple, tuple] | None = None  # key -> arguments of _sre.compile after the pattern
_new: set[tuple] = set()
stats = {"hits": 0, "misses": 0, "rejected": 0}


def cache_path() -> str:
    root = os.environ.get("CURATE_CACHE") or os.path.expanduser("~/.cache/curate")
    return os.path.join(root, "regex", f"{_TAG}.marshal")


def _key(pattern, flags: int) -> tuple:
    raw = pattern.encode("utf-8", "surrogatepass") if isinstance(pattern, str) else bytes(pattern)
    return (isinstance(pattern, str), flags, len(pattern), hashlib.sha256(raw).hexdigest())


def _read() -> dict[tuple, tuple]:
    try:
        with open(cache_path(), "rb") as f:
            data = marshal.load(f)
        if isinstance(data, dict) and data.get("tag") == _TAG and isinstance(data.get("entries"), dict):
            return data["entries"]
        log.warning("regex cache %s is for another interpreter or damaged; rebuilding it", cache_path())
    except FileNotFoundError:
        pass
    except (OSError, EOFError, ValueError, TypeError) as e:
        log.warning("regex cache %s unreadable (%s); rebuilding it", cache_path(), e)
    return {}


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
        key = _key(pattern, flags)
        args = _entries.get(key)
        if args is not None:
            try:
                compiled = _sre.compile(pattern, *args)
                stats["hits"] += 1
                return compiled
            except Exception as e:  # RuntimeError "invalid SRE code", wrong types: compile it again
                stats["rejected"] += 1
                log.warning("regex cache entry rejected (%s); compiling", e)
        args = _compile_args(pattern, flags)
        _entries[key] = args
        _new.add(key)
        stats["misses"] += 1
        return _sre.compile(pattern, *args)

    return compile_with_cache


def _save() -> None:
    """Merge this process's new entries into the file (under a lock: workers on a node share it)."""
    from filelock import FileLock

    path = cache_path()
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    with FileLock(path + ".lock"):
        merged = _read()
        merged.update({k: _entries[k] for k in _new})
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                marshal.dump({"tag": _TAG, "entries": merged}, f)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    _new.clear()


@contextlib.contextmanager
def reuse(enabled: bool = True):
    """Within the block, long patterns compile from the on-disk cache; new ones are added to it at exit."""
    global _entries
    if not (enabled and _SUPPORTED):
        yield
        return
    with _lock:  # one block at a time: the swap is process-wide
        if _entries is None:
            _entries = _read()
        original = _compiler.compile
        _compiler.compile = _make_compile(original)
        try:
            yield
        finally:
            _compiler.compile = original
            if _new:
                try:
                    _save()
                except OSError as e:  # a read-only home, a full disk: the next process compiles again
                    log.warning("regex cache not saved to %s: %s", cache_path(), e)
