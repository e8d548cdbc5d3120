"""Audit packs of a real output (the bundled sample's run): reproducible, stratified, traceable, blind."""
import json
import shutil

import pytest
from warcio.archiveiterator import ArchiveIterator

from curate.audit import pack as audit_pack
from curate.store import storage
from tests.util import run_curate


@pytest.fixture
def output(sample_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(sample_run[0], out, ignore=shutil.ignore_patterns("_work"))
    return str(out)


def _subset_ids(output, subset):
    ids = set()
    for uri in storage.list_files(storage.join(output, "data", subset), ".parquet"):
        ids |= set(storage.read_parquet(uri, columns=["id"]).column("id").to_pylist())
    return ids


def test_same_seed_same_pack_other_seed_other_sample(output):
    a, b = audit_pack.build_pack(output, "fra_Latn", kept=8, removed=5, seed=3), audit_pack.build_pack(output, "fra_Latn", kept=8, removed=5, seed=3)
    assert a == b and a["pack_id"].startswith("fra_Latn-s3-")
    c = audit_pack.build_pack(output, "fra_Latn", kept=8, removed=5, seed=4)
    assert {x["id"] for x in c["items"]} != {x["id"] for x in a["items"]} and c["pack_id"] != a["pack_id"]


def test_kept_from_the_subset_removed_spread_over_every_reason(output):
    p = audit_pack.build_pack(output, "fra_Latn", kept=8, removed=5, seed=0)
    kept = [x for x in p["items"] if x["side"] == "kept"]
    removed = [x for x in p["items"] if x["side"] == "removed"]
    assert len(kept) == 8 and {x["id"] for x in kept} <= _subset_ids(output, "fra_Latn")
    assert {x["id"] for x in removed} <= _subset_ids(output, "fra_Latn_removed")
    stats = json.loads(open(f"{output}/stats.json").read())
    reasons = stats["languages"]["fra_Latn"]["filter_reasons"]
    assert len(reasons) == 5 and {x["filter_reason"] for x in removed} == set(reasons)  # one of each of the 5
    assert p["sizes"]["removed"] == {r: 1 for r in reasons}
    assert [x["item"] for x in p["items"]] == [f"i{i:04d}" for i in range(1, 14)]
    assert [x["side"] for x in p["items"]] != ["kept"] * 8 + ["removed"] * 5  # reviewers see the sides mixed


def test_a_small_language_is_audited_whole(output):
    p = audit_pack.build_pack(output, "deu_Latn")  # defaults 100 / 50, far more than it has
    stats = json.loads(open(f"{output}/stats.json").read())["languages"]["deu_Latn"]
    assert p["sizes"]["kept"] == p["sizes"]["kept_available"] == stats["train_docs"] + stats["test_docs"]
    assert sum(p["sizes"]["removed"].values()) == stats["removed_docs"]


def test_every_item_traces_to_its_warc_record(output):
    p = audit_pack.build_pack(output, "spa_Latn", kept=5, removed=2)
    for item in p["items"]:
        with open(item["file_path"], "rb") as f:
            f.seek(item["warc_record_offset"])
            rec = next(iter(ArchiveIterator(f)))
        assert rec.rec_headers.get_header("WARC-Record-ID") == item["id"]
        assert rec.rec_headers.get_header("WARC-Target-URI") == item["url"]


def test_rtl_scripts_and_written_files(output):
    arabic = audit_pack.build_pack(output, "arb_Arab", kept=3, removed=0)
    assert arabic["direction"] == "rtl" and audit_pack.build_pack(output, "fra_Latn", kept=1, removed=0)["direction"] == "ltr"
    uris = audit_pack.write_pack(output, arabic)
    assert json.loads(storage.read_text(uris["pack"])) == arabic
    assert audit_pack.load_packs(output) == {arabic["pack_id"]: arabic}


@pytest.mark.parametrize("bad", ["../fra_Latn", "fra_latn", "fr", "fra_Latn/x"])
def test_language_codes_are_validated_before_they_become_paths(output, bad):
    with pytest.raises(ValueError, match="invalid language code"):
        audit_pack.build_pack(output, bad)


def test_cli_writes_one_pack_per_language(output):
    proc = run_curate("audit", output, "--languages", "fra_Latn", "cmn_Hani", "--kept", "4", "--removed", "3", "--seed", "7")
    assert proc.returncode == 0, proc.stderr
    assert "fra_Latn: 4 kept of 21, 3 removed of 10" in proc.stdout
    packs = audit_pack.load_packs(output)
    assert sorted(p["language"] for p in packs.values()) == ["cmn_Hani", "fra_Latn"]
    bad = run_curate("audit", output, "--languages", "../../etc")
    assert bad.returncode == 2 and "invalid language code '../../etc'" in bad.stderr
    missing = run_curate("audit", output, "--languages", "zul_Latn")
    assert missing.returncode == 2 and "has no documents of zul_Latn" in missing.stderr
