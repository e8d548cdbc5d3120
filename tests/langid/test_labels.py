"""Label normalisation: every lid.176 label, the ISO 639 traps, script choice."""
from importlib import resources

import fasttext
import pytest

from langid import is_valid_lang_script, normalise
from langid.labels import fineweb2_configs
from langid.scripts import dominant_script


@pytest.fixture(scope="module")
def lid176_labels():
    path = resources.files("langid") / "models" / "lid.176.ftz"
    return [lab.removeprefix("__label__") for lab in fasttext.load_model(str(path)).get_labels()]


@pytest.fixture(scope="module")
def config_names():
    text = (resources.files("langid") / "data" / "fineweb2_config_names.txt").read_text()
    return set(text.split())


def test_bundled_config_names(config_names):
    assert len(config_names) == 1929
    assert all(is_valid_lang_script(c) for c in config_names)
    assert {f"{lang}_{s}" for lang, ss in fineweb2_configs().items() for s in ss} == config_names


@pytest.mark.parametrize("text", ["", "plain latin text", "кириллица", "مرحبا", "12345 !?"])
def test_every_lid176_label_gives_a_fineweb2_config(lid176_labels, config_names, text):
    assert len(lid176_labels) == 176
    for label in lid176_labels:
        code = "_".join(normalise(label, text))
        assert is_valid_lang_script(code), (label, code)
        # English is the one language FineWeb2 leaves out (it is FineWeb)
        assert code in config_names or code == "eng_Latn", (label, code)


@pytest.mark.parametrize(
    "label,expected",
    [
        # traps of lid.176's label set
        ("als", "gsw_Latn"),  # Alemannic, not Tosk Albanian
        ("sq", "als_Latn"),  # Albanian -> Tosk Albanian, FineWeb2's als_Latn
        ("sh", "bos_Latn"),  # Serbo-Croatian -> largest FineWeb2 member
        ("bh", "bho_Deva"),  # Bihari -> Bhojpuri
        ("ms", "zsm_Latn"),  # not ind (own label `id`)
        ("ku", "kmr_Latn"),  # Kurmanji; ckb has its own label
        ("fa", "fas_Arab"),  # FineWeb2 uses fas, not pes
        ("tl", "fil_Latn"),
        # macrolanguages -> the member FineWeb2 has
        ("zh", "cmn_Hani"), ("ar", "arb_Arab"), ("sw", "swh_Latn"), ("et", "ekk_Latn"),
        ("lv", "lvs_Latn"), ("no", "nob_Latn"), ("az", "azj_Latn"), ("mn", "khk_Cyrl"),
        ("ne", "npi_Deva"), ("ps", "pbt_Arab"), ("yi", "ydd_Hebr"), ("or", "ory_Orya"),
        ("mg", "plt_Latn"), ("gn", "gug_Latn"), ("kv", "kpv_Cyrl"), ("sc", "srd_Latn"),
        ("qu", "quy_Latn"),
        # ISO 639-2/3 and retired codes lid.176 uses as-is
        ("eml", "eml_Latn"), ("nah", "nah_Latn"), ("wuu", "wuu_Hani"), ("yue", "yue_Hani"),
        ("frr", "frr_Latn"), ("bxr", "bxr_Cyrl"), ("mhr", "mhr_Cyrl"), ("mrj", "mrj_Cyrl"),
        ("pnb", "pnb_Arab"), ("sah", "sah_Cyrl"), ("azb", "azb_Arab"), ("ckb", "ckb_Arab"),
        ("diq", "diq_Latn"), ("ilo", "ilo_Latn"), ("jbo", "jbo_Latn"), ("lrc", "lrc_Arab"),
        ("mzn", "mzn_Arab"), ("xal", "xal_Cyrl"), ("arz", "arz_Arab"), ("dv", "div_Thaa"),
        # plain ISO 639-1
        ("en", "eng_Latn"), ("fr", "fra_Latn"), ("ja", "jpn_Jpan"), ("ko", "kor_Hang"),
        ("hi", "hin_Deva"), ("th", "tha_Thai"), ("he", "heb_Hebr"),
    ],
)
def test_label_mapping(label, expected):
    assert "_".join(normalise(label, "")) == expected
    assert "_".join(normalise(f"__label__{label}", "")) == expected


@pytest.mark.parametrize(
    "label,text,expected",
    [
        ("sr", "Филм је зарадио преко 478 милиона долара широм света.", "srp_Cyrl"),
        ("sr", "Film je zaradio preko 478 miliona dolara širom sveta.", "srp_Latn"),
        ("sh", "Филм је зарадио преко 478 милиона долара широм света.", "srp_Cyrl"),
        ("az", "آذربایجان دیلی", "azb_Arab"),  # Arabic-script Azerbaijani is South Azerbaijani
        ("uz", "Oʻzbekiston Respublikasi poytaxti", "uzn_Latn"),
        ("uz", "Ўзбекистон Республикаси пойтахти", "uzn_Cyrl"),
        ("hi", "mera naam kya hai aur tum kahan ho", "hin_Latn"),
        ("ja", "東京都庁", "jpn_Jpan"),  # kanji only: still Japanese
        ("zh", "東京は日本の首都です", "cmn_Hani"),  # forced Hani whatever the kana
        ("ko", "大韓民國 한국어", "kor_Hang"),
        # the model's language beats a majority of letters from page boilerplate
        ("ru", "Home About Contact Privacy Login Register Привет мир", "rus_Cyrl"),
        ("zh-Hant", "", "cmn_Hani"),
        ("und", "Привет", "und_Cyrl"),
    ],
)
def test_script_from_text(label, text, expected):
    assert "_".join(normalise(label, text)) == expected


@pytest.mark.parametrize("label", ["fra_Latn", "__label__fra_Latn", "und_Kana", "srp_Latn"])
def test_glotlid_labels_kept(label):
    assert "_".join(normalise(label, "Здраво")) == label.removeprefix("__label__")


@pytest.mark.parametrize(
    "code,ok",
    [("fra_Latn", True), ("und_Zyyy", True), ("fra_latn", False), ("fr_Latn", False),
     ("fra_Latn\n", False), ("../_Latn", False), ("fra_Latn/..", False), ("frä_Latn", False),
     ("", False), (None, False), (123, False)],
)
def test_is_valid_lang_script(code, ok):
    assert is_valid_lang_script(code) is ok


@pytest.mark.parametrize(
    "text,script",
    [("Hello, world!", "Latn"), ("Привет, мир", "Cyrl"), ("مرحبا بالعالم", "Arab"),
     ("我们住在北京。", "Hani"), ("東京は日本の首都です。", "Jpan"), ("안녕하세요", "Hang"),
     ("สวัสดีครับ", "Thai"), ("नमस्ते दुनिया", "Deva"), ("Γειά σου", "Grek"),
     ("שלום עולם", "Hebr"), ("გამარჯობა", "Geor"), ("Բարեւ", "Armn"), ("ሰላም ልዑል", "Ethi"),
     ("வணக்கம்", "Taml"), ("12345 !?", "Zyyy"), ("", "Zyyy")],
)
def test_dominant_script(text, script):
    assert dominant_script(text) == script
