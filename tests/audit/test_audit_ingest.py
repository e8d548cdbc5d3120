"""Reviewers' labels folded into a real output: the figures in stats.json and the card, and bad label
files refused with a clear error, changing nothing."""
import json
import math
import shutil
from pathlib import Path

import pytest

from curate.audit import pack as audit_pack
from curate.audit.agreement import cohen_kappa, wilson
from curate.audit.ingest import LabelsError, ingest
from tests.util import run_curate


@pytest.fixture
def audited(sample_run, tmp_path):
    """A copy of the sample's output with packs for French (10 kept, 5 removed) and Spanish (6 kept, 3 removed)."""
    out = tmp_path / "out"
    shutil.copytree(sample_run[0], out, ignore=shutil.ignore_patterns("_work"))
    packs = {}
    for lang, kept, removed in (("fra_Latn", 10, 5), ("spa_Latn", 6, 3)):
        p = audit_pack.build_pack(str(out), lang, kept=kept, removed=removed, seed=1)
        audit_pack.write_pack(str(out), p)
        packs[lang] = p
    return out, packs


def labels_file(path: Path, pack: dict, reviewer: str, choose) -> Path:
    """A label file as the review page exports it; ``choose(item) -> label or (label, actual) or None``."""
    labels = []
    for item in pack["items"]:
        got = choose(item)
        if got is None:
            continue
        label, actual = got if isinstance(got, tuple) else (got, None)
        labels.append({"item": item["item"], "hash": item["hash"], "label": label,
                       **({"actual_language": actual} if actual else {})})
    path.write_text(json.dumps({"format": "curate-audit-labels/1", "pack_id": pack["pack_id"],
                                "pack_hash": pack["pack_hash"], "language": pack["language"], "reviewer": reviewer,
                                "exported_at": "2026-12-06T20:00:00Z", "labels": labels}))
    return path


def test_precision_false_positives_agreement_and_confusions(audited, tmp_path):
    out, packs = audited
    fra = packs["fra_Latn"]
    kept = [x for x in fra["items"] if x["side"] == "kept"]
    removed = [x for x in fra["items"] if x["side"] == "removed"]
    bad_kept = {kept[0]["item"]: ("wrong_language", "oci_Latn"), kept[1]["item"]: "boilerplate"}
    fp = removed[0]["item"]  # one removed document is good French: a false positive of its filter

    def ana(x):
        if x["side"] == "kept":
            return bad_kept.get(x["item"], "correct")
        return "correct" if x["item"] == fp else "too_short"

    def ben(x):  # agrees with ana except on one kept item, labels only the kept side
        if x["side"] != "kept":
            return None
        return "not_language" if x["item"] == kept[2]["item"] else ana(x)

    files = [labels_file(tmp_path / "ana.json", fra, "Ana", ana), labels_file(tmp_path / "ben.json", fra, "Ben Ö", ben),
             labels_file(tmp_path / "spa.json", packs["spa_Latn"], "Ana", lambda x: "correct")]
    summary = ingest(str(out), [str(f) for f in files], min_precision=0.9)

    f = summary["languages"]["fra_Latn"]
    # 20 judgements of kept documents: Ana 8 correct of 10, Ben 7 correct of 10
    assert f["kept"]["precision"]["n"] == 20 and f["kept"]["precision"]["k"] == 15
    assert f["kept"]["precision"]["ci95"] == [round(v, 4) for v in wilson(15, 20)]
    assert f["kept"]["in_language"]["k"] == 17  # boilerplate counts as in language, twice
    assert f["flagged"] and not summary["languages"]["spa_Latn"]["flagged"]  # 0.75 < 0.9 <= 1.0
    assert summary["languages"]["spa_Latn"]["kept"]["precision"]["share"] == 1.0
    reason = fra["items"][[x["item"] for x in fra["items"]].index(fp)]["filter_reason"]
    assert f["removed"][reason]["false_positive"]["k"] == 1 and f["removed"][reason]["false_positive"]["n"] == 1
    assert all(v["false_positive"]["k"] == 0 for r, v in f["removed"].items() if r != reason)
    # kappa on the 10 kept items both labelled, by hand: 9 agreements
    a = [ana(x) for x in kept]
    b = [ben(x) for x in kept]
    a, b = [v if isinstance(v, str) else v[0] for v in a], [v if isinstance(v, str) else v[0] for v in b]
    assert f["agreement"] == [{"reviewers": ["Ana", "Ben Ö"], "items": 10, "kappa": round(cohen_kappa(a, b), 4)}]
    assert math.isclose(cohen_kappa(a, b), (0.9 - (8 * 7 + 1 * 1 + 1 * 1) / 100) / (1 - 0.58))
    assert f["reported_languages"] == {"oci_Latn": 2}

    stats = json.loads((out / "stats.json").read_text())
    assert stats["audits"] == summary == json.loads((out / "audits" / "summary.json").read_text())
    card = (out / "README.md").read_text()
    assert "## Audits" in card and "![Precision of kept documents per audited language](card_audits.png)" in card
    row = next(line for line in card.splitlines() if line.startswith("| fra_Latn | 2 | 20 |"))
    lo, hi = wilson(15, 20)
    assert f"75% [{lo:.0%}, {hi:.0%}]" in row and "**flagged**" in row and "0.7" in row
    assert "below a precision of 90% are flagged" in card
    assert "- fra_Latn: reviewers say oci_Latn (2)" in card
    assert (out / "card_audits.png").stat().st_size > 10_000
    assert sorted(p.name for p in (out / "audits" / "labels").rglob("*.json")) == ["Ana.json", "Ana.json", "Ben Ö.json"]


def test_a_new_export_replaces_the_reviewers_earlier_labels_and_the_bar_is_kept(audited, tmp_path):
    out, packs = audited
    spa = packs["spa_Latn"]
    ingest(str(out), [str(labels_file(tmp_path / "a.json", spa, "Ana", lambda x: "not_language"))], min_precision=0.5)
    summary = ingest(str(out), [str(labels_file(tmp_path / "b.json", spa, "Ana", lambda x: "correct"))])
    s = summary["languages"]["spa_Latn"]
    assert s["kept"]["precision"]["k"] == s["kept"]["precision"]["n"] == 6 and summary["min_precision"] == 0.5


def _mutations(pack):
    def base():
        return {"format": "curate-audit-labels/1", "pack_id": pack["pack_id"], "pack_hash": pack["pack_hash"],
                "language": pack["language"], "reviewer": "Ana", "exported_at": "2026-12-06T20:00:00Z",
                "labels": [{"item": x["item"], "hash": x["hash"], "label": "correct"} for x in pack["items"]]}
    good = json.dumps(base())
    other = base() | {"pack_id": "fra_Latn-s9-0123456789ab"}
    stale = base() | {"pack_hash": "0" * 64}
    dup = base()
    dup["labels"].append(dict(dup["labels"][0]))
    unknown = base()
    unknown["labels"][1]["label"] = "great"
    edited = base()
    edited["labels"][2]["hash"] = audit_pack.text_hash(pack["items"][2]["text"] + " edited")
    stranger = base()
    stranger["labels"][0]["item"] = "i9999"
    badlang = base()
    badlang["labels"][0] |= {"label": "wrong_language", "actual_language": "../x"}
    noname = base() | {"reviewer": "../../etc/passwd"}
    return {
        "truncated": (good[: len(good) // 2], "not a complete JSON document"),
        "another pack": (json.dumps(other), "is not a pack of this output"),
        "another version": (json.dumps(stale), "differs from pack"),
        "duplicate item": (json.dumps(dup), "is labelled twice"),
        "unknown label": (json.dumps(unknown), "unknown label 'great'"),
        "edited item": (json.dumps(edited), "the item was edited"),
        "item not in pack": (json.dumps(stranger), "unknown item 'i9999': not in pack"),
        "bad actual language": (json.dumps(badlang), "invalid language code '../x'"),
        "bad reviewer": (json.dumps(noname), "reviewer name"),
    }


def test_bad_label_files_are_refused_and_change_nothing(audited, tmp_path):
    out, packs = audited
    fra = packs["fra_Latn"]
    good = labels_file(tmp_path / "good.json", fra, "Ana", lambda x: "correct")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for name, (text, message) in _mutations(fra).items():
        bad = tmp_path / f"{name}.json"
        bad.write_text(text)
        with pytest.raises(LabelsError, match=message) as e:
            ingest(str(out), [str(good), str(bad)])  # the good file is not ingested either
        assert str(bad) in str(e.value) and "nothing was ingested" in str(e.value), name
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before, name
    proc = run_curate("audit", "ingest", str(out), str(good), str(tmp_path / "truncated.json"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "truncated.json: not a complete JSON" in proc.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_cli_ingest_prints_the_figures(audited, tmp_path):
    out, packs = audited
    f = labels_file(tmp_path / "l.json", packs["spa_Latn"], "Ana", lambda x: "correct" if x["side"] == "kept" else None)
    proc = run_curate("audit", "ingest", str(out), str(f), "--min-precision", "0.8")
    assert proc.returncode == 0, proc.stderr
    lo, hi = wilson(6, 6)
    assert f"spa_Latn: precision 100.0% [{lo:.1%}, {hi:.1%}] over 6 judgements, 1 reviewer(s)" in proc.stdout
    assert "## Audits" in (out / "README.md").read_text()


def test_a_new_run_of_the_output_keeps_its_audits(sample_run, tmp_path):
    """Re-running the pipeline on an audited output rewrites stats.json and the card with the audits in them."""
    out = tmp_path / "out"
    shutil.copytree(sample_run[0], out)
    p = audit_pack.build_pack(str(out), "spa_Latn", kept=3, removed=0)
    audit_pack.write_pack(str(out), p)
    summary = ingest(str(out), [str(labels_file(tmp_path / "l.json", p, "Ana", lambda x: "correct"))])
    from tests.util import run_cli

    proc = run_cli("--output", str(out), "--config", str(sample_run[2]))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads((out / "stats.json").read_text())["audits"] == summary
    assert "## Audits" in (out / "README.md").read_text()
