import functools
import importlib.util
import subprocess
import sys
import textwrap

import pytest
from datatrove.utils.word_tokenizers import WhitespaceTokenizer
from hypothesis import given, settings
from hypothesis import strategies as st

from filters.tokenizers import word_tokenizer
from tests.util import NO_NETWORK

# (code, text, words the assigned tokenizer must produce, assigned tokenizer)
NATIVE = [
    ("cmn_Hani", "我们今天去北京大学参观图书馆。", {"我们", "今天", "图书馆"}, "SpaCyTokenizer(zh)"),
    ("jpn_Jpan", "私は東京大学で日本語を勉強しています。", {"私", "東京", "勉強"}, "SpaCyTokenizer(ja)"),
    ("tha_Thai", "ฉันชอบกินข้าวผัดที่ร้านอาหารใกล้บ้าน", {"ฉัน", "ชอบ", "กิน", "บ้าน"}, "ThaiTokenizer"),
    ("kor_Hang", "저는 서울에서 한국어를 공부하고 있습니다.", {"서울", "에서", "한국어"}, "KiwiTokenizer"),
    ("hin_Deva", "मैं दिल्ली में हिंदी पढ़ रहा हूँ।", {"दिल्ली", "हिंदी", "।"}, "IndicNLPTokenizer(hi)"),
    ("vie_Latn", "Tôi đang học tiếng Việt ở Hà Nội.", {"Tôi", "Hà Nội"}, "SpaCyTokenizer(vi)"),
    ("arb_Arab", "أنا أدرس اللغة العربية في القاهرة.", {"العربية", "القاهرة", "."}, "SpaCyTokenizer(ar)"),
    ("rus_Cyrl", "Я изучаю русский язык в Москве.", {"изучаю", "Москве", "."}, "SpaCyTokenizer(ru)"),
    ("deu_Latn", "Ich lerne Deutsch in Berlin.", {"Ich", "Berlin", "."}, "SpaCyTokenizer(de)"),
]


@pytest.mark.parametrize("code,text,expected,assigned", NATIVE, ids=[n[0] for n in NATIVE])
def test_assigned_tokenizer_segments_words(code, text, expected, assigned):
    tok, info = word_tokenizer(code)
    words = tok.word_tokenize(text)
    assert expected <= set(words), words
    assert info.assigned == assigned and info.used == assigned and not info.fallback


def test_chinese_is_segmented_into_words_not_one_token_or_characters():
    tok, _ = word_tokenizer("cmn_Hani")
    words = tok.word_tokenize("北京大学图书馆明年春天进行全面翻修。")
    assert 3 <= len(words) < 15 and any(len(w) > 1 for w in words)


def test_tokenizer_is_cached_per_process_and_proxies_are_shared():
    assert word_tokenizer("deu_Latn")[0] is word_tokenizer("deu_Latn")[0]
    # gsw_Latn (Swiss German) uses spaCy "de" as proxy: one spaCy pipeline for both
    assert word_tokenizer("gsw_Latn")[0] is word_tokenizer("deu_Latn")[0]


@pytest.mark.skipif(importlib.util.find_spec("stanza") is not None, reason="stanza installed here")
def test_stanza_language_falls_back_to_whitespace_and_says_so():
    tok, info = word_tokenizer("bel_Cyrl")
    assert isinstance(tok, WhitespaceTokenizer)
    assert info.fallback and info.assigned == "StanzaTokenizer(be)" and info.used == "WhitespaceTokenizer"
    assert "stanza" in info.error
    assert tok.word_tokenize("Я вывучаю беларускую мову ў Мінску.") == ["Я", "вывучаю", "беларускую", "мову", "ў", "Мінску", "."]
    # all whitespace fallbacks share one instance (datatrove caches spaCy "xx" in one slot for all instances)
    assert word_tokenizer("ukr_Cyrl")[0] is not tok  # native spaCy uk
    assert word_tokenizer("xyz_Latn")[0] is tok


@pytest.mark.skipif(importlib.util.find_spec("stanza") is not None, reason="stanza installed here")
def test_han_script_fallback_uses_jieba_not_whitespace():
    tok, info = word_tokenizer("lzh_Hani")
    assert info.fallback and info.assigned == "StanzaTokenizer(lzh)" and info.used == "SpaCyTokenizer(zh)"
    assert len(tok.word_tokenize("學而時習之，不亦說乎。")) > 3


def test_code_without_any_assignment_gets_whitespace_fallback():
    tok, info = word_tokenizer("xyz_Latn")
    assert isinstance(tok, WhitespaceTokenizer)
    assert info.fallback and info.assigned is None and "no tokenizer assigned" in info.error


@pytest.mark.parametrize("bad", ["zh", "hin", "cmn_hani", "../x_Latn"])
def test_bare_or_malformed_codes_are_rejected(bad):
    # bare codes would pick the wrong tokenizer in datatrove (e.g. "zh" -> spaCy xx), so refuse them
    with pytest.raises(ValueError):
        word_tokenizer(bad)


def test_all_tokenizers_load_and_run_with_the_network_blocked():
    code = NO_NETWORK + textwrap.dedent(
        """
        from filters.tokenizers import word_tokenizer
        # every tokenizer family that needs more than a spaCy blank pipeline, plus both fallbacks
        for code in ["cmn_Hani", "jpn_Jpan", "tha_Thai", "kor_Hang", "hin_Deva", "vie_Latn", "deu_Latn",
                     "bel_Cyrl", "lzh_Hani"]:
            tok, info = word_tokenizer(code)
            assert tok.word_tokenize("test 测试 ทดสอบ 테스트") , code
            print(code, info.used, info.fallback)
        """
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "cmn_Hani SpaCyTokenizer(zh) False" in res.stdout
    assert "tha_Thai ThaiTokenizer False" in res.stdout


@functools.lru_cache(maxsize=1)
def _sample_texts() -> list[str]:
    """Real extracted text of the bundled sample's first shard (many languages), extracted once."""
    from pathlib import Path

    from curate.stages.extract import extract
    from curate.store.warc import iter_records

    shard = sorted((Path(__file__).resolve().parents[2] / "curate" / "sample" / "CC-MAIN-SAMPLE").glob("*.warc.gz"))[0]
    with open(shard, "rb") as f:
        texts = [extract(r.content, timeout_s=10)[0] for r in iter_records(f, lambda *a: None)]
    return [t for t in texts if t][:40]


@pytest.mark.parametrize("lang", ["deu_Latn", "fra_Latn", "rus_Cyrl", "arb_Arab", "ell_Grek", "tur_Latn", "pol_Latn",
                                  "eng_Latn", "heb_Hebr", "spa_Latn", "nld_Latn", "epo_Latn", "vie_Latn", "cmn_Hani",
                                  "jpn_Jpan", "hin_Deva", "ben_Beng", "urd_Arab"])
def test_cached_tokenization_equals_datatrove(lang):
    """Same tokens as datatrove's own tokenizer, on raw and on normalised (MinHash) text."""
    from datatrove.utils.text import TextNormConfig, simplify_text
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    ours, _ = word_tokenizer(lang)
    ref = load_word_tokenizer(lang)
    if type(ref).__name__ == "WhitespaceTokenizer":
        ref = ref._spacy_xx
    texts = _sample_texts() + ["  leading and  double spaces\tand tabs\nnew lines ", "", "IS_ALPHA odd", "U.S.A. e.g. z.B. l'homme don't"]
    for text in texts + [simplify_text(t, TextNormConfig()) for t in texts]:
        assert ours.word_tokenize(text) == ref.word_tokenize(text)
    assert ours.word_tokenize(texts[0]) == ref.word_tokenize(texts[0])  # cached path, second time


def test_cached_tokenization_survives_cache_restarts(monkeypatch):
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    ours, ref = word_tokenizer("deu_Latn")[0], load_word_tokenizer("deu_Latn")
    monkeypatch.setattr(ours, "CACHE_ENTRIES", 50)  # far fewer than one document's words
    for text in _sample_texts()[:10]:
        assert ours.word_tokenize(text) == ref.word_tokenize(text)
    assert len(ours._cache) <= 50 + max(len(t.split()) for t in _sample_texts()[:10])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["नमस्ते", "दुनिया", " ", "  ", "\t", "\n", "12", ",", ".", "।", "3:4", "a/b", "-", "০", "x y"]),
                max_size=25).map("".join))
def test_fast_indic_tokenization_equals_datatrove(text):
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    assert word_tokenizer("hin_Deva")[0].word_tokenize(text) == load_word_tokenizer("hin_Deva").word_tokenize(text)


def _segment_in_fresh_process(cache, tmp) -> list[str]:
    """cmn_Hani's words in a new interpreter (jieba's dictionary is per process), with jieba's default
    temporary directory at ``tmp``."""
    script = textwrap.dedent("""
        import json
        from filters.tokenizers import word_tokenizer
        print(json.dumps(word_tokenizer("cmn_Hani")[0].word_tokenize("北京大学的研究人员今天发布了一项新研究。")))
    """)
    import json
    import os

    env = {**os.environ, "CURATE_CACHE": str(cache), "TMPDIR": str(tmp)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_planted_jieba_cache_in_the_shared_tmp_is_not_read(tmp_path):
    """jieba loads any /tmp/jieba.cache (marshal) for its default dictionary, and any local user can write
    /tmp: curate points jieba at its per-user cache, so such a file changes nothing."""
    import marshal

    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    (tmp / "jieba.cache").write_bytes(marshal.dumps(({"北": 1, "京": 1}, 2)))  # one-character words only
    words = _segment_in_fresh_process(cache, tmp)
    assert "北京大学" in words or "北京" in words, words
    assert (cache / "jieba" / "jieba.cache").is_file()  # jieba's own cache, in curate's place
    assert _segment_in_fresh_process(cache, tmp) == words  # the next process reads it: the same words
