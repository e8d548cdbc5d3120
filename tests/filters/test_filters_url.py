import subprocess
import sys
import textwrap

import pytest

from filters.url import check_url, url_filter
from tests.util import NO_NETWORK


@pytest.fixture(scope="module")
def flt():
    return url_filter()  # built once per node (~6 s), then memory-mapped


def test_url_filter_is_loaded_once_per_process(flt):
    assert url_filter() is flt
    assert len(flt.block_listed_domains) > 4_000_000 and flt.block_listed_url


def test_blocks_a_domain_from_the_bundled_list(flt):
    assert "0-800-email.com" in flt.block_listed_domains
    assert check_url("https://0-800-email.com/index.html") == "domain"
    assert check_url("http://www.0-800-email.com/login?x=1") == "domain"  # subdomain of a listed domain


def test_blocks_an_exact_listed_url(flt):
    import tarfile

    from filters.url import BLOCKLIST_TAR

    with tarfile.open(BLOCKLIST_TAR, "r:gz") as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("urls"))
        url = next(l.strip() for l in tar.extractfile(member).read().decode().splitlines() if l.strip() and l[0] != "#")
    assert url in flt.block_listed_url
    assert check_url(url) in {"url", "domain", "subdomain", "hard_blacklisted", "soft_blacklisted", "blacklisted_subword"}


def test_blocks_a_hard_banned_word_in_the_url(flt):
    word = sorted(w for w in flt.banned_words if w.isalpha())[0]
    assert check_url(f"https://www.example.org/{word}/index.html") == "hard_blacklisted"


def test_passes_normal_urls(flt):
    assert check_url("https://de.wikipedia.org/wiki/Berlin") is None
    assert check_url("https://www.tagesschau.de/inland/bibliothek-sanierung-100.html") is None
    assert check_url("https://news.bbc.co.uk/2/hi/europe/default.stm") is None


def test_empty_url_is_a_caller_error():
    with pytest.raises(ValueError):
        check_url("")


def test_tldextract_uses_its_bundled_snapshot_without_network_or_tracebacks():
    code = NO_NETWORK + textwrap.dedent(
        """
        from filters.url import offline_tld_extractor
        ext = offline_tld_extractor()
        r = ext("https://news.bbc.co.uk/x")
        print(r.domain, r.suffix)
        """
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["bbc", "co.uk"]
    assert "Traceback" not in res.stderr


def test_filter_uses_the_offline_extractor(flt):
    assert tuple(flt.tldextractor.suffix_list_urls) == ()


def test_compact_lists_decide_exactly_like_datatrove_sets(flt):
    """Hashed, memory-mapped lists vs datatrove's own URLFilter (Python sets) on the same URLs."""
    import itertools
    import json
    import tarfile

    from datatrove.pipeline.filters import URLFilter
    from datatrove.pipeline.filters.base_filter import get_filter_result
    from datatrove.data import Document

    from filters.url import BLOCKLIST_TAR, check_url, offline_tld_extractor

    ref = URLFilter()
    ref.tldextractor = offline_tld_extractor()
    with tarfile.open(BLOCKLIST_TAR, "r:gz") as tar:
        names = {m.name.rsplit("/", 1)[-1]: m for m in tar.getmembers()}
        domains = [l.strip() for l in itertools.islice(tar.extractfile(names["domains"]).read().decode().splitlines(), 0, 4_000_000, 2000)]
        urls = [l.strip() for l in tar.extractfile(names["urls"]).read().decode().splitlines()[::200]]
    candidates = [f"http://{d}/" for d in domains if d and not d.startswith("#")]
    candidates += [f"https://www.{d}/page?x=1" for d in domains[:500] if d]
    candidates += [u if "://" in u else f"http://{u}" for u in urls if u and not u.startswith("#")]
    candidates += [u for u in urls if u and not u.startswith("#")]
    candidates += ["https://example.org/", "https://de.wikipedia.org/wiki/Berlin", "http://192.168.0.1/x",
                   "https://news.example.com/sex-and-the-city-review", "http://free-porn-videos.example.net/",
                   "https://an.wikipedia.org/wiki/Escopete", "http://01spb.ru/company/"]
    sample_urls = [json.loads(l)["url"] for l in (_repo_root() / "curate" / "sample" / "MANIFEST.jsonl").read_text().splitlines()]
    candidates += sample_urls
    differ = []
    for url in candidates:
        keep, reason = get_filter_result(ref.filter(Document(text="", id="", metadata={"url": url})))
        expected = None if keep else reason
        if check_url(url) != expected:
            differ.append((url, check_url(url), expected))
    blocked = sum(1 for u in candidates if check_url(u))
    assert not differ, differ[:10]
    assert len(candidates) > 2500 and blocked > 2000  # the comparison covers both outcomes


def _repo_root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]
