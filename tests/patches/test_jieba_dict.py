"""curate.patches.jieba_dict: jieba's prefix dictionary from our per-node cache is jieba's own, and segments the same."""
import json
import marshal
import os
import subprocess
import sys
import textwrap

CHINESE = ("北京大学的研究人员今天发布了一项关于人工智能和自然语言处理的新研究，"
           "他们认为大规模语料库的质量比数量更重要。南京市长江大桥于一九六八年建成通车。")


def _fresh_process(cache: str, tmp: str, preload: bool, forbid_build: bool = False) -> dict:
    """In a new interpreter (jieba's dictionary is per process): digest of the dictionary and the segmentation."""
    script = textwrap.dedent(f"""
        import hashlib, json
        import jieba
        if {forbid_build!r}:
            def refuse(*a):
                raise AssertionError("built the dictionary instead of reading the cache")
            jieba.dt.gen_pfdict = refuse
        if {preload!r}:
            from curate.patches import jieba_dict
            jieba_dict.preload()
        words = jieba.lcut({CHINESE!r})
        digest = hashlib.sha256(json.dumps(sorted(jieba.dt.FREQ.items()), ensure_ascii=False).encode()).hexdigest()
        print(json.dumps({{"words": words, "freq": digest, "entries": len(jieba.dt.FREQ), "total": jieba.dt.total}}))
    """)
    env = {**os.environ, "CURATE_CACHE": cache, "TMPDIR": tmp}  # TMPDIR: where jieba keeps its own cache
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cache_files(cache) -> list:
    return sorted((cache / "jieba").glob("*.bin")) if (cache / "jieba").exists() else []


def test_cached_dictionary_is_jiebas_own_and_segments_the_same(tmp_path):
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    stock = _fresh_process(str(cache), str(tmp), preload=False)  # jieba's own build (and its /tmp cache)
    assert stock["entries"] > 400_000 and len(stock["words"]) > 20
    first = _fresh_process(str(cache), str(tmp / "unused-1"), preload=True)  # builds, stores
    assert len(_cache_files(cache)) == 1
    second = _fresh_process(str(cache), str(tmp / "unused-2"), preload=True, forbid_build=True)  # reads
    assert first == second == stock


def test_damaged_or_foreign_cache_files_are_rebuilt(tmp_path):
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    good = _fresh_process(str(cache), str(tmp), preload=True)
    (path,) = _cache_files(cache)
    data = path.read_bytes()
    for damaged in (data[: len(data) // 2], b"not a cache", data[:15] + b"\xff" * 16 + data[31:], data + b"\nextra"):
        path.write_bytes(damaged)
        assert _fresh_process(str(cache), str(tmp), preload=True) == good
        assert path.read_bytes() == data  # rewritten whole


def test_a_planted_tmp_cache_of_jieba_is_not_read(tmp_path):
    # jieba trusts /tmp/jieba.cache for its default dictionary; any local user can write /tmp
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    good = _fresh_process(str(cache), str(tmp), preload=True)
    (tmp / "jieba.cache").write_bytes(marshal.dumps(({"北": 1, "京": 1}, 2)))
    assert _fresh_process(str(cache), str(tmp), preload=False)["words"] != good["words"]  # jieba alone is fooled
    assert _fresh_process(str(cache), str(tmp), preload=True) == good


def test_unwritable_cache_only_costs_the_build(tmp_path):
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    cache.mkdir()
    (cache / "jieba").write_text("a file where the cache directory should be")  # unwritable, even for root
    assert _fresh_process(str(cache), str(tmp), preload=True)["entries"] > 400_000
    assert (cache / "jieba").is_file()
