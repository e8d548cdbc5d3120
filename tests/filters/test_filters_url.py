import subprocess
import sys
import textwrap

import pytest

from filters.url import check_url, url_filter


@pytest.fixture(scope="module")
def flt():
    return url_filter()  # ~3 s and ~700 MB RSS, once for the module


def test_url_filter_is_loaded_once_per_process(flt):
    assert url_filter() is flt
    assert len(flt.block_listed_domains) > 4_000_000 and flt.block_listed_url


def test_blocks_a_domain_from_the_bundled_list(flt):
    assert "0-800-email.com" in flt.block_listed_domains
    assert check_url("https://0-800-email.com/index.html") == "domain"
    assert check_url("http://www.0-800-email.com/login?x=1") == "domain"  # subdomain of a listed domain


def test_blocks_an_exact_listed_url(flt):
    url = sorted(flt.block_listed_url)[0]
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
    code = textwrap.dedent(
        """
        import socket
        def _blocked(*a, **k):
            raise OSError("network disabled in test")
        socket.socket.connect = _blocked
        socket.create_connection = _blocked
        socket.getaddrinfo = _blocked
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
