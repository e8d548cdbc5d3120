"""FineWeb's URL filter: datatrove's ``URLFilter`` logic and integrated block lists, with the two big
lists (4.56 M domains, 19.6 k URLs) held as sorted 64-bit hashes in a memory-mapped file.

datatrove keeps the lists as Python sets: ~640 MB resident and ~3 s of parsing in *every* worker
process. Here the lists are parsed once per node (under a file lock) into ``.npy`` arrays of xxh64
hashes in the node cache; each worker maps them read-only, so the 36 MB of pages are shared by all
workers of a node and loading costs milliseconds. Membership is ``searchsorted`` on the hash; a false
positive needs a 64-bit collision with one of 4.6 M entries (p ~ 2.5e-13 per URL). Every other rule
(banned words, soft words, banned subwords via Aho-Corasick, the order of checks and the reasons)
is datatrove's own code, so decisions equal datatrove's — tests/filters check it on real URLs.

``check_url(url)`` returns None to keep, else datatrove's reason: ``"domain"``, ``"subdomain"``,
``"url"``, ``"hard_blacklisted"``, ``"soft_blacklisted"`` or ``"blacklisted_subword"``.

Offline: datatrove's ``tldextract.TLDExtract()`` fetches the Public Suffix List on first use; we use
the snapshot shipped in the tldextract wheel (no fetch, no disk cache), private domains excluded.
"""
from __future__ import annotations

import io
import os
import tarfile
import threading

import numpy as np
import xxhash
from datatrove.data import Document
from datatrove.pipeline.filters import URLFilter
from datatrove.pipeline.filters.base_filter import get_filter_result
from datatrove.pipeline.filters.url_filter import ASSETS_PATH, get_list
from filelock import FileLock
from tldextract import TLDExtract

from curate import patches
from curate.store.cache import cache_root

BLOCKLIST_TAR = os.path.join(ASSETS_PATH, "url_filterblacklistsv0_3_0.tar.gz")
_lock = threading.Lock()
_filter: URLFilter | None = None


class HashedSet:
    """``str in HashedSet`` by xxh64 over a sorted uint64 array (possibly memory-mapped)."""

    def __init__(self, hashes: np.ndarray):
        self.hashes = hashes

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, str):
            return False
        h = np.uint64(xxhash.xxh64_intdigest(item))
        i = int(np.searchsorted(self.hashes, h))
        return i < len(self.hashes) and self.hashes[i] == h

    def __len__(self) -> int:
        return len(self.hashes)


def _hash_member(tar: tarfile.TarFile, name: str) -> np.ndarray:
    # same entries as datatrove's get_list(do_normalize=False): text-mode lines, '#' lines skipped, stripped
    member = next(m for m in tar.getmembers() if os.path.basename(m.name) == name)
    with io.TextIOWrapper(tar.extractfile(member), encoding="utf-8") as f:
        hashes = np.fromiter((xxhash.xxh64_intdigest(x.strip()) for x in f if x[0] != "#"), dtype=np.uint64)
    return np.unique(hashes)


def cache_dir() -> str:
    return os.path.join(cache_root(), "url_filter")


def blocklist_arrays() -> dict[str, np.ndarray]:
    """The hashed domain and URL lists, built once per node, then memory-mapped."""
    d = cache_dir()
    os.makedirs(d, exist_ok=True)
    stamp = f"{os.path.getsize(BLOCKLIST_TAR)}-{int(os.path.getmtime(BLOCKLIST_TAR))}"
    paths = {name: os.path.join(d, f"{name}-{stamp}.npy") for name in ("domains", "urls")}
    if not all(os.path.exists(p) for p in paths.values()):
        with FileLock(os.path.join(d, ".lock")):
            if not all(os.path.exists(p) for p in paths.values()):
                with tarfile.open(BLOCKLIST_TAR, "r:gz") as tar:
                    for name, path in paths.items():
                        tmp = f"{path}.tmp-{os.getpid()}.npy"
                        np.save(tmp, _hash_member(tar, name))
                        os.replace(tmp, path)
    return {name: np.load(path, mmap_mode="r") for name, path in paths.items()}


def offline_tld_extractor() -> TLDExtract:
    """tldextract on its bundled PSL snapshot: no network, no cache directory."""
    return TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def url_filter() -> URLFilter:
    """The process-wide ``URLFilter`` with compact block lists (thread-safe, loaded once)."""
    global _filter
    if _filter is None:
        with _lock:
            if _filter is None:
                flt = URLFilter()
                flt.tldextractor = offline_tld_extractor()
                if not patches.active():  # benchmark baseline: datatrove's sets
                    flt.download_data()
                    _filter = flt
                    return flt
                arrays = blocklist_arrays()
                flt.block_listed_domains = HashedSet(arrays["domains"])
                flt.block_listed_url = HashedSet(arrays["urls"])
                flt.banned_words = get_list(ASSETS_PATH, "banned_words.txt", set())
                flt.banned_subwords = get_list(ASSETS_PATH, "banned_subwords.txt", set())
                flt.soft_banned_words = get_list(ASSETS_PATH, "soft_banned_words.txt", set())
                for word in flt.banned_subwords:
                    flt.banned_subwords_automaton.add_word(word, len(flt.banned_subwords_automaton))
                flt.banned_subwords_automaton.make_automaton()
                flt._downloaded = True  # the lists above replace datatrove's download_data()
                _filter = flt
    return _filter


def check_url(url: str) -> str | None:
    """None if ``url`` passes FineWeb's URL filter, else the datatrove reason."""
    if not url:
        raise ValueError("check_url needs a non-empty URL")
    keep, reason = get_filter_result(url_filter().filter(Document(text="", id="", metadata={"url": url})))
    return None if keep else (reason or "url_filter")
