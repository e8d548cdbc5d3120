"""curate.patches.regex_cache: a later process reuses what an earlier one compiled, with the very same patterns."""
import json
import marshal
import os
import re
import subprocess
import sys
import textwrap

import pytest

from curate.patches import regex_cache

FRENCH = ("Aujourd'hui, l'arc-en-ciel est-il visible depuis Saint-Étienne ? C'est peut-être vrai : "
          "le porte-monnaie qu'il a oublié contenait 12,50 € et un ticket de métro.")
LONG = "|".join(f"mot{i}-[a-zé]+" for i in range(300))  # > MIN_PATTERN_CHARS


def _fresh_process(cache: str, code: str, unoptimised: bool = False) -> dict:
    """Build French in a new interpreter (spaCy compiles its patterns at import) and report tokens and counts."""
    script = textwrap.dedent(f"""
        import json
        from curate import patches
        from curate.patches import regex_cache
        from filters.tokenizers import word_tokenizer
        patches.install({not unoptimised!r})
        tok, _ = word_tokenizer({code!r})
        print(json.dumps({{"tokens": tok.word_tokenize({FRENCH!r}), **regex_cache.stats}}))
    """)
    env = {**os.environ, "CURATE_CACHE": cache}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_process_reuses_compiled_patterns_and_tokenizes_identically(tmp_path):
    cache = str(tmp_path)
    first = _fresh_process(cache, "fra_Latn")
    assert first["misses"] >= 1 and first["hits"] == 0  # French's 1.4 MB token_match among them
    second = _fresh_process(cache, "fra_Latn")
    assert second["hits"] == first["misses"] and second["misses"] == 0 and second["rejected"] == 0
    stock = _fresh_process(str(tmp_path / "unused"), "fra_Latn", unoptimised=True)  # datatrove's own path
    assert stock["hits"] == stock["misses"] == 0 and not (tmp_path / "unused").exists()
    assert first["tokens"] == second["tokens"] == stock["tokens"]
    assert "porte-monnaie" in second["tokens"] and "Aujourd'hui" in second["tokens"]


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CURATE_CACHE", str(tmp_path))
    monkeypatch.setattr(regex_cache, "_warned", set())
    monkeypatch.setattr(regex_cache, "stats", {"hits": 0, "misses": 0, "rejected": 0})
    re.purge()  # re's own in-process cache would answer before the compiler is asked
    yield tmp_path
    re.purge()


def _entries() -> list[str]:
    d = regex_cache.cache_dir()
    return sorted(os.path.join(d, n) for n in os.listdir(d)) if os.path.isdir(d) else []


def _stock(pattern: str, flags: int = 0) -> re.Pattern:
    return re._compiler.compile(pattern, flags)


def test_entries_compile_to_patterns_equal_to_stock(isolated):
    # Pattern equality compares pattern, flags and the compiled code, not just the source text
    with regex_cache.reuse():
        miss = re.compile(LONG, re.IGNORECASE)
        groups = re.compile(f"(?P<word>{LONG})(?P<rest>.*)")
    after_first = regex_cache.stats.copy()
    assert after_first == {"hits": 0, "misses": 2, "rejected": 0}
    re.purge()  # as a new process would: only the files remain
    with regex_cache.reuse():
        hit = re.compile(LONG, re.IGNORECASE)
        hit_groups = re.compile(f"(?P<word>{LONG})(?P<rest>.*)")
    assert regex_cache.stats["hits"] == 2
    assert hit == miss == _stock(LONG, re.IGNORECASE)
    assert hit_groups == groups == _stock(f"(?P<word>{LONG})(?P<rest>.*)")
    assert hit_groups.groupindex == {"word": 1, "rest": 2}
    assert hit_groups.match("mot7-été et la suite").group("rest") == " et la suite"
    assert re.compile(LONG) == _stock(LONG)  # outside the block: the stock compiler again


def test_short_patterns_and_other_flags_are_left_alone(isolated):
    with regex_cache.reuse():
        re.compile("short|pattern")
        re.compile(LONG)
        re.compile(LONG, re.MULTILINE)  # another key: flags change the code
    assert regex_cache.stats["misses"] == 2
    assert len(_entries()) == 2 and all(p.endswith(".marshal") for p in _entries())


def test_damaged_entry_is_rewritten(isolated, caplog):
    with regex_cache.reuse():
        re.compile(LONG)
    [path] = _entries()
    with open(path, "wb") as f:
        f.write(b"\x00not marshal at all")
    re.purge()
    with regex_cache.reuse():
        assert re.compile(LONG).match("mot299-abc")
    assert "unreadable" in caplog.text and regex_cache.stats["misses"] == 2
    with open(path, "rb") as f:
        assert regex_cache._sre.compile(LONG, *marshal.load(f)) == _stock(LONG)  # rewritten whole


def test_rejected_entry_falls_back_to_compiling(isolated, caplog):
    with regex_cache.reuse():
        re.compile(LONG)
    [path] = _entries()
    with open(path, "rb") as f:
        flags, code, *rest = marshal.load(f)
    with open(path, "wb") as f:
        marshal.dump((flags, [99999] * len(code), *rest), f)  # not valid SRE code
    re.purge()
    with regex_cache.reuse():
        pattern = re.compile(LONG)
    assert regex_cache.stats["rejected"] == 1 and "rejected" in caplog.text
    assert pattern == _stock(LONG) and pattern.match("mot0-a")


def test_unwritable_cache_location_only_warns(isolated, monkeypatch, caplog):
    blocker = isolated / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("CURATE_CACHE", str(blocker))
    with regex_cache.reuse():
        assert re.compile(LONG).match("mot1-x")
    assert "not saved" in caplog.text


def test_patterns_differing_only_at_the_end_keep_their_own_code(isolated):
    ends = ("|zz", "|yy(x)")
    with regex_cache.reuse():
        for end in ends:
            re.compile(LONG + end)
    re.purge()
    with regex_cache.reuse():
        compiled = [re.compile(LONG + end) for end in ends]
    assert regex_cache.stats["hits"] == 2
    assert compiled == [_stock(LONG + end) for end in ends] and compiled[1].groups == 1
