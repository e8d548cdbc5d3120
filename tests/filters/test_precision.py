"""FineWeb2 precision filtering with the bundled wordlists and URL whitelist."""
import gzip
from importlib import resources

from filters.precision import REASON, PrecisionFilter, cont_scores, filtered_languages, precision_filter, wordlist

DATA = resources.files("filters") / "data" / "precision"


def test_bundled_data_covers_every_filtered_language():
    langs = filtered_languages()
    assert len(langs) == 515 and len(cont_scores()) == 1900
    files = {p.name.removesuffix(".txt.gz") for p in (DATA / "wordlists_085").iterdir()}
    assert files == set(langs)
    assert all(cont_scores()[lang] > 0.1 for lang in langs)
    # gzip round trip keeps the words (bar_Latn's list is upstream's, one word per line)
    raw = gzip.decompress((DATA / "wordlists_085" / "bar_Latn.txt.gz").read_bytes()).decode()
    assert len(wordlist("bar_Latn")) == len({w.strip() for w in raw.splitlines() if w.strip()}) > 1000


def test_only_contaminated_languages_are_filtered():
    assert precision_filter("fra_Latn") is None and precision_filter("deu_Latn") is None
    assert precision_filter("zzz_Latn") is None  # no FineWeb2 score
    f = precision_filter("bar_Latn")
    assert isinstance(f, PrecisionFilter) and precision_filter("bar_Latn") is f  # cached per process


def test_wordlist_words_keep_documents():
    f = precision_filter("bar_Latn")
    assert {"zwoa", "dös", "Gmoa"} <= f.words
    other = "https://example.com/blog/post-1"
    assert f.check(other, "Mia ham zwoa Kinda und a Haus.") is None
    # punctuation is removed before tokenizing (datatrove simplify_text), case is kept
    assert f.check(other, "Des is (Gmoa), gell?") is None
    assert "Gmoa" in f.words_of("Des is (Gmoa), gell?")
    assert "ZWOA" not in f.words and f.check(other, "ZWOA") == REASON
    # standard German labelled bar_Latn: contamination, removed
    assert f.check(other, "Das ist ein deutscher Satz über das Wetter in der Stadt.") == REASON
    assert f.wordlist_ratio("zwoa Kinda") == 0.5 and f.wordlist_ratio("") == 0.0


def test_url_whitelist_checks_in_order():
    f = precision_filter("bar_Latn")  # whitelist: bavarian, germany, .de
    german = "Das ist ein deutscher Satz."
    assert f.url_match("https://example.com/BAR/page") == "lang_code"  # upper-case code anywhere
    assert f.url_match("https://bar.example.com/x") == "lang_code"  # code as a token
    assert f.url_match("https://example.com/barfoo") is None  # not a token
    assert f.url_match("https://example.com/Bavarian-News/1") == "whitelist"
    assert f.url_match("https://shop.example.com/made_in_Germany") == "whitelist"
    assert f.check("https://example.com/bavarian", german) is None
    assert f.url_match(None) is None and f.check(None, german) == REASON
    # TLD entries: FineWeb2's check never matched (it looked for ".de/" in the FQDN): off by default
    assert f.url_match("https://www.example.de/x") is None
    assert PrecisionFilter("bar_Latn", match_tld=True).url_match("https://www.example.de/x") == "tld"
    assert PrecisionFilter("bar_Latn", match_tld=True).url_match("https://www.de.example.com/x") is None


def test_other_scripts_and_tokenizers():
    ary = precision_filter("ary_Arab")  # Moroccan Arabic, audited by FineWeb2
    word = "ميمكنش"
    assert word in ary.words
    assert ary.check("https://example.com/x", f"والله {word} نمشي اليوم") is None
    assert ary.check("https://example.com/x", "هذه جملة باللغة العربية الفصحى عن الطقس") == REASON
    assert ary.url_match("https://www.moroccan-news.com/") == "whitelist"
    wuu = precision_filter("wuu_Hani")  # Chinese word segmentation, not whitespace
    assert {"侬", "辰光"} <= wuu.words
    assert wuu.check("https://example.com/x", "阿拉今朝去上海白相，侬晓得伐？") is None
    assert wuu.check("https://example.com/x", "我们今天去上海玩，你知道吗？") == REASON


def test_fineweb2_edge_cases():
    # kzj_Latn has no whitelist terms: FineWeb2's URL check then passes every document
    kzj = precision_filter("kzj_Latn")
    assert kzj.terms == [] and kzj.check("https://example.com/", "anything at all") is None
    # dip_Latn has an empty wordlist: only its URL whitelist can keep a document
    dip = precision_filter("dip_Latn")
    assert dip.words == frozenset() and dip.terms
    assert dip.check("https://example.com/", "text") == REASON
    assert dip.check(f"https://example.com/{dip.terms[0]}/", "text") is None
