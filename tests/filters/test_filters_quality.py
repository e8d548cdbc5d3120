import pytest
from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter
from datatrove.utils import word_tokenizers
from datatrove.utils.text import split_into_parts

from filters.config import available_languages, load_language_config
from filters.quality import FILTER_STAGES, REASON_TO_STAGE, QualityFilter, quality_filter
from filters.tokenizers import word_tokenizer

# German tourism keywords, no stop word of deu_Latn among them, 10 per line
KEYWORDS = """Ferienwohnung Ostsee Strandkorb Meerblick Nichtraucher Haustiere erlaubt Balkon Terrasse Parkplatz
Sauna Schwimmbad Fahrradverleih Frühstück Halbpension Vollpension Kinderbetreuung Spielplatz Grillplatz Waschmaschine Geschirrspüler
Wlan kostenlos Fernseher Kaffeemaschine Mikrowelle Backofen Kühlschrank Bettwäsche Handtücher Endreinigung Kurtaxe
Anreise Abreise Wochenende Nebensaison Hauptsaison Sonderangebot Rabatt Gutschein Buchung Stornierung
Strandnähe Dünen Leuchtturm Hafen Segeln Surfen Angeln Wandern Radwege Naturschutzgebiet
Restaurant Bäckerei Supermarkt Apotheke Arztpraxis Bushaltestelle Bahnhof Flughafen Autobahn Tankstelle"""


def with_duplicated_lines(text: str, dup_share: float) -> str:
    """The same text, one sentence per line, padded with repeats until `dup_share` of lines are duplicates."""
    lines = [s.strip() + "." for s in text.replace("\n", " ").split(".") if s.strip()]
    n_total = round(len(lines) / (1 - dup_share))
    return "\n".join(lines + [lines[i % len(lines)] for i in range(n_total - len(lines))])


def test_german_article_passes(german_article):
    assert quality_filter("deu_Latn").check(german_article) is None


def test_german_article_with_60_percent_duplicate_lines_fails_dup_line_frac(german_article):
    text = with_duplicated_lines(german_article, 0.6)
    lines = text.split("\n")
    assert 1 - len(set(lines)) / len(lines) == pytest.approx(0.6, abs=0.02)
    assert quality_filter("deu_Latn").check(text) == "dup_line_frac"


def test_german_keyword_list_fails_stop_words():
    assert quality_filter("deu_Latn").check(KEYWORDS) == "gopher_enough_stop_words"


def test_chinese_and_thai_articles_pass(chinese_article, thai_article):
    assert quality_filter("cmn_Hani").check(chinese_article) is None
    assert quality_filter("tha_Thai").check(thai_article) is None


def test_short_and_empty_documents(german_article):
    qf = quality_filter("deu_Latn")
    assert qf.check("") == "empty"
    sentences = german_article.split(".")
    three = ".".join(sentences[:3]) + "."  # 46 non-symbol words < min_doc_words=50
    assert qf.check(three) == "gopher_short_doc"
    assert qf.check(".".join(sentences[:4]) + ".") is None  # 57 words
    # Shorter texts are caught earlier, by GopherRepetition: datatrove's "top n-gram" is the most
    # common one even at count 1, so one long 4-gram in a 2-sentence text is > 13.7% of it.
    assert qf.check(".".join(sentences[:2]) + ".") == "top_4_gram"


def test_disabled_line_punct_threshold_is_really_disabled(german_article):
    # deu_Latn has line_punct_thr 0.0: no line ends with punctuation, and the doc still passes
    text = german_article.replace(".", "")
    assert load_language_config("deu_Latn").line_punct_thr == 0.0
    assert quality_filter("deu_Latn").check(text) is None
    # ...whereas an active threshold would have dropped it
    active = FineWebQualityFilter(line_punct_thr=0.12, short_line_thr=999, char_duplicates_ratio=0.1,
                                  new_line_ratio=0.152, language=word_tokenizer("deu_Latn")[0])
    assert active.filter(Document(text=text, id="")) == (False, "line_punct_ratio")


def test_disabled_min_avg_word_length_is_really_disabled():
    # deu_Latn has min_avg_word_length 0: a doc of 2-letter words is not dropped for short words
    short = " ".join(["er", "ist", "so", "da", "in", "im", "zu", "ob", "es", "wo", "ja", "um"] * 5) + "."
    gopher_quality = dict(quality_filter("deu_Latn").stages)["gopher_quality"]
    assert gopher_quality.min_avg_word_length == 0
    assert gopher_quality.filter(Document(text=short, id="")) is True


def test_dup_line_frac_of_one_or_more_is_really_disabled(german_article):
    lang = next(lang for lang in available_languages() if load_language_config(lang).dup_line_frac >= 1)
    text = with_duplicated_lines(german_article, 0.6)
    rep = dict(QualityFilter(lang).stages)["gopher_repetition"]
    assert rep.filter(Document(text=text, id="")) != (False, "dup_line_frac")


def test_top_n_gram_threshold_above_one_is_a_live_threshold_not_a_disabled_marker():
    # Overlapping n-grams make the metric exceed 1: "la la" occurs 199 times in 200 "la"s.
    lang = "aba_Latn"
    assert dict(load_language_config(lang).top_n_grams)[2] >= 1
    text = " ".join(["la"] * 200)
    assert dict(QualityFilter(lang).stages)["gopher_repetition"].filter(Document(text=text, id="")) == (
        False,
        "top_2_gram",
    )


def test_fallback_language_has_no_stop_word_check(german_article):
    qf = quality_filter("xyz_Latn")
    assert qf.config.is_fallback and qf.tokenizer_info.fallback
    assert dict(qf.stages)["gopher_quality"].min_stop_words == 0
    assert qf.check(KEYWORDS) != "gopher_enough_stop_words"
    assert qf.check(german_article) is None


def test_filters_use_our_tokenizer_instance_and_tokenize_once(german_article, monkeypatch):
    qf = quality_filter("deu_Latn")
    tok = word_tokenizer("deu_Latn")[0]
    assert all(flt.language is tok for _, flt in qf.stages)

    seen = []
    real = word_tokenizers.load_word_tokenizer
    monkeypatch.setattr(word_tokenizers, "load_word_tokenizer", lambda x: seen.append(x) or real(x))
    split_into_parts.cache_clear()
    assert qf.check(german_article + "\nNeu.") is None
    assert seen == [tok]  # datatrove got our instance, once, for all three filters


def test_fallback_tokenizer_reaches_the_filters_without_stanza():
    qf = quality_filter("bel_Cyrl")
    tok, info = word_tokenizer("bel_Cyrl")
    assert all(flt.language is tok for _, flt in qf.stages)
    text = "\n".join(
        [
            "Бібліятэка ў цэнтры горада будзе зачынена на рамонт з сакавіка да канца наступнага года.",
            "Чытачы змогуць браць кнігі ў часовым памяшканні каля чыгуначнага вакзала, і гэта вельмі зручна.",
            "Горад плаціць палову кошту, а астатняе дае дзяржаўная праграма для бібліятэк і музеяў.",
            "Новы будынак атрымае ліфт, цёплыя вокны і сучасную вентыляцыю, пра гэта паведаміла мэрыя.",
            "Кіраўніца бібліятэкі хоча больш месца для дзяцей і ціхія месцы для студэнтаў і школьнікаў.",
        ]
    )
    assert info.fallback and qf.check(text) is None


def test_no_words_is_reported_instead_of_zero_division():
    class NoWords(type(word_tokenizer("xyz_Latn")[0])):
        def word_tokenize(self, text):
            return []

    qf = QualityFilter("xyz_Latn")
    qf.tokenizer = NoWords()
    for _, flt in qf.stages:
        flt.language = qf.tokenizer
    assert qf.check("1234567890123456789012345") == "no_words"


def test_reasons_map_to_stages_in_pipeline_order():
    assert list(FILTER_STAGES) == ["gopher_repetition", "fineweb_quality", "gopher_quality"]
    assert REASON_TO_STAGE["dup_line_frac"] == "gopher_repetition"
    assert REASON_TO_STAGE["top_2_gram"] == "gopher_repetition"
    assert REASON_TO_STAGE["duplicated_10_n_grams"] == "gopher_repetition"
    assert REASON_TO_STAGE["line_punct_ratio"] == "fineweb_quality"
    assert REASON_TO_STAGE["gopher_enough_stop_words"] == "gopher_quality"
    assert len(REASON_TO_STAGE) == sum(len(r) for r in FILTER_STAGES.values())


def test_quality_filter_is_cached():
    assert quality_filter("deu_Latn") is quality_filter("deu_Latn")
    with pytest.raises(ValueError):
        quality_filter("../../etc_Latn")
