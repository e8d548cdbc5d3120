"""`curate eval-lid`: readers in every label convention, metrics, problems counted, both model kinds."""
import csv
import gzip
import json
from pathlib import Path

import pytest

from curate.run.cli import main as curate_main
from langid.evaldata import Row, gold_code, read_labelled
from langid.evaluate import card_confusions, dump_card, metrics

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "lid_sample.tsv"
CONFUSABLE = DATA / "lid_confusable.tsv"  # label<TAB>text, no header


def _rows(items):
    return [x for x in items if isinstance(x, Row)]


def test_gold_labels_in_every_convention():
    fr = "Le chat dort sur la table."
    for label in ["fr", "FR", "fre", "fra", "fr-FR", "fr_FR", "fra_Latn", "__label__fra_Latn", "__label__fr"]:
        assert gold_code(label, fr) == "fra_Latn", label
    assert gold_code("sr", "Ово је реченица.") == "srp_Cyrl"
    assert gold_code("sr", "Ovo je rečenica.") == "srp_Latn"
    assert gold_code("sr-Latn", "Ово је реченица.") == "srp_Latn"  # an explicit script wins
    assert gold_code("zh-Hant", "這是一個句子。") == "cmn_Hani"
    assert gold_code("nb", "Dette er en setning.") == gold_code("no", "Dette er en setning.") == "nob_Latn"
    assert gold_code("ms", "Ini ayat.") == "zsm_Latn" and gold_code("id", "Ini kalimat.") == "ind_Latn"
    for bad in ["", "xyz", "klingonish", "Le chat dort", "12", "zz"]:
        assert gold_code(bad, fr) is None, bad


def test_tsv_with_header_matches_expected_column():
    rows = list(read_labelled(str(SAMPLE)))
    assert len(rows) == 195 and all(isinstance(r, Row) for r in rows)
    expected = [r["expected"] for r in csv.DictReader(open(SAMPLE, encoding="utf-8"), delimiter="\t")]
    assert [r.gold for r in rows] == expected
    # the iso639_1 column normalises to the same codes as the expected column
    by_iso = [gold_code(r["iso639_1"], r["sentence"])
              for r in csv.DictReader(open(SAMPLE, encoding="utf-8"), delimiter="\t")]
    assert by_iso == expected


def test_headerless_tsv_either_column_order_and_jsonl_gz(tmp_path):
    label_first = _rows(read_labelled(str(CONFUSABLE)))
    assert len(label_first) == 50 and {r.label for r in label_first} >= {"bs", "hr", "da", "nn", "id"}
    swapped = tmp_path / "swapped.txt"
    swapped.write_text("".join(f"{r.text}\t{r.label}\n" for r in label_first), encoding="utf-8")
    jsonl = tmp_path / "data.jsonl.gz"
    with gzip.open(jsonl, "wt", encoding="utf-8") as f:
        for r in label_first:
            f.write(json.dumps({"lang": r.label, "text": r.text}, ensure_ascii=False) + "\n")
    for other in (swapped, jsonl):
        got = _rows(read_labelled(str(other)))
        assert [(r.text, r.gold) for r in got] == [(r.text, r.gold) for r in label_first]


def test_metrics_known_values():
    gold = ["a", "a", "a", "a", "b", "b", "c", "c"]
    pred = ["a", "a", "a", "b", "b", "a", "c", "d"]
    m = metrics(gold, pred)
    assert m["accuracy"] == 5 / 8
    a, b, c = (m["per_language"][k] for k in "abc")
    assert (a["precision"], a["recall"]) == (3 / 4, 3 / 4)
    assert (b["precision"], b["recall"]) == (1 / 2, 1 / 2)
    assert (c["precision"], c["recall"]) == (1.0, 1 / 2)
    f1c = 2 * 1.0 * 0.5 / 1.5
    assert m["macro_f1"] == pytest.approx((0.75 + 0.5 + f1c) / 3)  # over gold languages only
    assert m["confusions"][0] == {"gold": "a", "predicted": "b", "count": 1, "rate": 0.25}
    assert {(c["gold"], c["predicted"], c["rate"]) for c in m["confusions"]} == {
        ("a", "b", 0.25), ("b", "a", 0.5), ("c", "d", 0.5)}


def test_cli_default_model_on_own_sample(tmp_path, capsys):
    out = tmp_path / "report.json"
    assert curate_main(["eval-lid", "--data", str(SAMPLE), "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "accuracy" in table and "macro-F1" in table and "docs/s per core" in table
    rep = json.loads(out.read_text())
    assert rep["documents"] == 195 and rep["skipped"] == {}
    assert rep["model"]["kind"] == "lid176" and rep["accuracy"] >= 0.95 and rep["macro_f1"] >= 0.95
    assert rep["docs_per_s_per_core"] > 100
    assert f"{rep['accuracy']:.4f}" in table
    for lang, v in rep["per_language"].items():
        assert v["support"] == 5 and 0 <= v["precision"] <= 1 and v["recall"] == v["correct"] / 5


def test_cli_confusable_languages(tmp_path, capsys):
    out = tmp_path / "report.json"
    assert curate_main(["eval-lid", "--data", str(CONFUSABLE), "--json", str(out), "--top", "50"]) == 0
    table = capsys.readouterr().out
    rep = json.loads(out.read_text())
    assert set(rep["per_language"]) == {"bos_Latn", "hrv_Latn", "dan_Latn", "nno_Latn", "ind_Latn",
                                        "cat_Latn", "slk_Latn", "ces_Latn", "afr_Latn", "nld_Latn"}
    wrong = sum(v["support"] - v["correct"] for v in rep["per_language"].values())
    assert sum(c["count"] for c in rep["confusions"]) == wrong > 0
    for c in rep["confusions"]:
        assert c["rate"] == c["count"] / rep["per_language"][c["gold"]]["support"]
        assert f"{c['gold']:<9} -> {c['predicted']:<9}" in table
    card = json.loads(dump_card(card_confusions({"sentences": rep}, min_rate=0.0)))
    assert card["granularities"]["sentences"]["pairs"] == [{**c, "rate": round(c["rate"], 4)} for c in rep["confusions"]]


def test_bad_rows_are_counted_not_fatal(tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text(
        "fr\tLe chat dort sur la table depuis ce matin.\n"
        "de\t   \n"                                        # empty text
        "xx-nope\tDas ist ein Satz.\n"                     # unknown label
        "Das ist ein Satz ohne Label.\n"                   # one column
        "klingonish\tNuqneH.\n"                            # unknown label
        "de\tDer Hund schläft im Garten hinter dem Haus.\n",
        encoding="utf-8")
    out = tmp_path / "r.json"
    assert curate_main(["eval-lid", "--data", str(bad), "--json", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{bad}:2: empty text" in err
    assert f"{bad}:3: unknown label 'xx-nope'" in err and "klingonish" in err
    assert f"{bad}:4: expected a text and a label" in err
    rep = json.loads(out.read_text())
    assert rep["documents"] == 2 and rep["skipped"] == {"empty_text": 1, "unknown_label": 2, "malformed": 1}
    jl = tmp_path / "bad.jsonl"
    jl.write_text('{"text": "Bonjour à tous", "label": "fr"}\nnot json\n[1]\n{"text": "x"}\n', encoding="utf-8")
    assert [type(x).__name__ for x in read_labelled(str(jl))] == ["Row", "Problem", "Problem", "Problem"]
    only_bad = tmp_path / "only_bad.tsv"
    only_bad.write_text("xx-nope\tDas ist ein Satz.\n", encoding="utf-8")
    assert curate_main(["eval-lid", "--data", str(only_bad)]) == 1
    assert "no usable labelled rows" in capsys.readouterr().err


def test_lingua_directory_granularities(tmp_path, capsys):
    rows = [r for r in csv.DictReader(open(SAMPLE, encoding="utf-8"), delimiter="\t")]
    for code in ["fr", "de", "ru"]:
        (tmp_path / code).mkdir()
        sents = [r["sentence"] for r in rows if r["iso639_1"] == code]
        (tmp_path / code / "sentences.txt").write_text("\n".join(sents) + "\n", encoding="utf-8")
        words = [w.strip(".,;:!?()«»\"") for s in sents for w in s.split() if len(w) >= 5][:7]
        (tmp_path / code / "single-words.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    items = list(read_labelled(str(tmp_path), granularity="single-words"))
    assert len(items) == 21 and {x.gold for x in items} == {"fra_Latn", "deu_Latn", "rus_Cyrl"}
    out = tmp_path / "s.json"
    assert curate_main(["eval-lid", "--data", str(tmp_path), "--granularity", "sentences", "--json", str(out)]) == 0
    rep = json.loads(out.read_text())
    assert rep["granularity"] == "sentences" and rep["documents"] == 15 and rep["accuracy"] == 1.0
    assert curate_main(["eval-lid", "--data", str(tmp_path), "--granularity", "word-pairs"]) == 2
    assert "no <label>/word-pairs.txt" in capsys.readouterr().err


def test_glotlid_stand_in_is_one_option(glot_model_path, tmp_path, capsys):
    # GlotLID-style model via --model, gold labels in mixed conventions.
    data = tmp_path / "mixed.jsonl"
    samples = [("fr", "un texte français sur la ville"), ("fra_Latn", "ceci est un texte sur les gens"),
               ("__label__fra_Latn", "la ville et les gens"), ("sr", "ово је српски текст"),
               ("sr-Latn", "ovo je srpski tekst o gradu"), ("srp_Cyrl", "текст о граду и људима"),
               ("de-DE", "ein deutscher text über die stadt"), ("ger", "die menschen und die stadt")]
    data.write_text("".join(json.dumps({"label": lab, "text": t}, ensure_ascii=False) + "\n" for lab, t in samples),
                    encoding="utf-8")
    out = tmp_path / "r.json"
    assert curate_main(["eval-lid", "--data", str(data), "--model", glot_model_path, "--json", str(out)]) == 0
    rep = json.loads(out.read_text())
    assert rep["model"]["kind"] == "glotlid" and rep["model"]["labels"] == 4
    assert set(rep["per_language"]) == {"fra_Latn", "srp_Cyrl", "srp_Latn", "deu_Latn"}
    assert rep["accuracy"] == 1.0 and rep["unsupported_languages"] == []
    # the same file with the default model: only the option changes
    assert curate_main(["eval-lid", "--data", str(data), "--json", str(out)]) == 0
    assert json.loads(out.read_text())["model"]["kind"] == "lid176"


def test_missing_model_is_a_clear_error(tmp_path, capsys):
    assert curate_main(["eval-lid", "--data", str(SAMPLE), "--model", str(tmp_path / "nope.bin")]) == 2
    assert "--lid-model" in capsys.readouterr().err
