"""The resume scan finds exactly the committed shards from the driver's manifest and journal (or, in a store
without a journal, a listing of the markers), never a request per part or per shard, locally and on the
loopback S3 server."""
import gzip
import json
import threading
from collections import Counter

import pytest

from curate.config import PipelineConfig
from curate.run import resume
from curate.stages.shard import shard_id, shard_marker, work_dir
from curate.store import storage
from curate.store.schema import STAGED_FORMAT
from tests.production.s3env import CREDS, S3World

CASES = ("marker", "marker", "manifest", "manifest", "no_marker", "other_config", "unreadable", "stale_manifest",
         "part_deleted", "old_format")


def plant(cfg: PipelineConfig, n: int, journal: bool = False) -> dict[str, str]:
    """Markers, parts and manifest chunks (and with ``journal`` the driver's journal of every shard) written
    straight to the store, one case per shard; {shard URI: expected state}."""
    expected, chunk = {}, []
    for i in range(n):
        uri = f"s3://commoncrawl/crawl-data/CC-MAIN-2099-01/segments/{i // 100}/warc/shard-{i:05d}.warc.gz"
        sid = shard_id(uri)
        case = CASES[i % len(CASES)]
        redo = ("no_marker", "other_config", "unreadable", "old_format") + (("part_deleted",) if cfg.resume_verify_parts else ())
        expected[uri] = "pending" if case in redo else "committed"
        parts = {lang: {"path": f"shards/{sid}/{lang}.parquet", "rows": 3} for lang in ("fra_Latn", "cmn_Hani")}
        for lang, p in parts.items():
            if not (case == "part_deleted" and lang == "cmn_Hani"):  # deleted by hand after the shard committed
                storage.write_bytes(storage.join(work_dir(cfg), p["path"]), b"x")
        if case == "no_marker":  # killed after its parts, before its marker
            continue
        marker = {"shard": uri, "shard_id": sid, "parts": parts, "counters": [],
                  "config_hash": "0" * 16 if case == "other_config" else cfg.config_hash,
                  # parts staged before the filters moved to finalize: the shard must run again
                  "staged_format": STAGED_FORMAT - (case == "old_format")}
        storage.write_text(shard_marker(cfg, sid), "{truncated" if case == "unreadable" else json.dumps(marker))
        if case == "manifest":
            chunk.append(marker)
        if case == "stale_manifest":  # the manifest still holds the marker of a run with another config
            chunk.append(dict(marker, config_hash="1" * 16))
    resume.write_manifest_chunk(cfg, chunk)
    if journal:
        for i in range(0, n, resume.MANIFEST_CHUNK):
            resume.write_journal(cfg, list(expected)[i:i + resume.MANIFEST_CHUNK])
    return expected


def scan(cfg, shards: list[str]) -> tuple[dict[str, dict], list[str]]:
    """({uri: marker} handed out, pending); each committed shard is handed out once."""
    committed = {}

    def add(uri, m):
        assert uri not in committed
        committed[uri] = m
    pending = resume.committed_shards(cfg, shards, add)
    return committed, pending


def check(cfg, expected):
    committed, pending = scan(cfg, list(expected))
    assert set(committed) == {u for u, s in expected.items() if s == "committed"}
    assert pending == [u for u, s in expected.items() if s == "pending"]  # in the snapshot's order
    assert all(m["shard"] == u and m["config_hash"] == cfg.config_hash for u, m in committed.items())


@pytest.mark.parametrize("journal", [False, True], ids=["markers-listed", "journal"])
@pytest.mark.parametrize("verify", [False, True], ids=["parts-trusted", "parts-verified"])
def test_local_store(tmp_path, monkeypatch, journal, verify):
    cfg = PipelineConfig(input="/unused", output=str(tmp_path / "out"), resume_verify_parts=verify)
    expected = plant(cfg, 80, journal)
    check(cfg, expected)
    check(cfg, expected)  # again, now with the chunk the first scan wrote for the markers it read
    monkeypatch.chdir(tmp_path)  # the same output named another way: relative, with a trailing slash
    check(PipelineConfig(input="/unused", output="out/", resume_verify_parts=verify), expected)
    assert scan(PipelineConfig(input="/unused", output=str(tmp_path / "new")), list(expected)) == (
        {}, list(expected))


def test_journal_names_what_may_have_committed(tmp_path):
    """With a journal, a marker of a shard no driver submitted (nor any chunk names) is not looked for: the
    scan reads the journal's shards only, and a shard journaled but never run is pending."""
    cfg = PipelineConfig(input="/unused", output=str(tmp_path / "out"))
    expected = plant(cfg, 20)
    uris = list(expected)
    resume.write_journal(cfg, uris[:10] + ["s3://commoncrawl/never-run.warc.gz"])
    committed, pending = scan(cfg, uris + ["s3://commoncrawl/never-run.warc.gz"])
    # the first ten as planted; of the others only those a manifest chunk names (its marker is then read
    # where the chunk's copy is of another config)
    in_chunk = {u for i, u in enumerate(uris) if CASES[i % len(CASES)] in ("manifest", "stale_manifest")}
    assert set(committed) == {u for u in uris[:10] if expected[u] == "committed"} | in_chunk
    assert pending[-1] == "s3://commoncrawl/never-run.warc.gz"


@pytest.fixture
def s3(monkeypatch):
    world = S3World()
    for k, v in {**CREDS, "CURATE_S3_ENDPOINT_URL": world.endpoint}.items():
        monkeypatch.setenv(k, v)
    storage._s3_client.cache_clear()
    yield world
    storage._s3_client.cache_clear()
    world.stop()


def _counting():
    """Distinct requests of the scan to the output store, by operation (a read the store's retry policy
    repeats under load counts once), and the requests of other code (a thread an earlier test left)."""
    requests, sent, elsewhere = set(), Counter(), []
    lock = threading.Lock()  # the scan's threads send side by side

    def count(params, model, **kw):
        key = (model.name, tuple(sorted((k, str(v)) for k, v in params.items() if k != "Body")))
        with lock:
            if params.get("Bucket") != "out" or not str(params.get("Key", params.get("Prefix", ""))).startswith("fw2/"):
                elsewhere.append(key)
            elif key not in requests:
                requests.add(key)
                sent[model.name] += 1

    storage._s3_client().meta.events.register("before-parameter-build.s3.*", count)
    return sent, requests, elsewhere


def _count(wanted: tuple, n: int) -> int:
    return sum(CASES[i % len(CASES)] in wanted for i in range(n))


def test_s3_requests_are_listings_and_a_resume_reads_no_marker(s3):
    """A store without a journal: the markers are listed; with resume_verify_parts the parts too."""
    cfg = PipelineConfig(input="/unused", output="s3://out/fw2", resume_verify_parts=True)
    n = 1200
    expected = plant(cfg, n)
    sent, requests, elsewhere = _counting()
    check(cfg, expected)
    markers = n - n // len(CASES)  # every case but no_marker has a marker file
    read_one_by_one = _count(("marker", "other_config", "unreadable", "stale_manifest", "part_deleted", "old_format"), n)
    # the parts are listed in key ranges that start at the snapshot's shard ids, side by side (a page each)
    candidates = n
    step = -(-candidates // resume.READ_THREADS)
    ranges = -(-candidates // step)
    # upper bounds, which a request per part or per manifest marker would exceed: the markers' pages, the
    # manifest's, the parts' ranges
    assert sent["ListObjectsV2"] <= -(-markers // 1000) + 1 + ranges
    assert ranges >= resume.READ_THREADS - 1
    assert sent["GetObject"] <= 1 + read_one_by_one and sent["HeadObject"] == 0, (sent, elsewhere[:5])
    assert sent["PutObject"] <= 1  # those read one by one go into a manifest chunk
    sent.clear()
    requests.clear()
    check(cfg, expected)  # the next resume: listings and the two chunks, markers only where unreadable
    unreadable = _count(("unreadable", "other_config", "part_deleted", "old_format"), n)
    assert sent["GetObject"] <= 2 + unreadable and sent["HeadObject"] == 0, (sent, elsewhere[:5])


def test_s3_with_journal_one_listing(s3):
    """What the driver leaves: one listing of the manifest, its objects, and the markers of shards journaled
    but in no chunk; nothing per part, no listing of the markers."""
    cfg = PipelineConfig(input="/unused", output="s3://out/fw2")
    n = 2400
    expected = plant(cfg, n, journal=True)
    sent, requests, elsewhere = _counting()
    check(cfg, expected)
    objects = 1 + -(-n // resume.MANIFEST_CHUNK)  # the marker chunk, the journal entries
    read_one_by_one = _count(("marker", "no_marker", "other_config", "unreadable", "stale_manifest", "part_deleted", "old_format"), n)
    assert sent["ListObjectsV2"] == 1, (sent, elsewhere[:5])
    assert sent["GetObject"] <= objects + read_one_by_one and sent["HeadObject"] == 0, (sent, elsewhere[:5])
    sent.clear()
    requests.clear()
    check(cfg, expected)  # the next resume reads the new chunks (of MANIFEST_CHUNK markers) instead of those markers
    new_chunks = -(-_count(("marker", "stale_manifest", "part_deleted"), n) // resume.MANIFEST_CHUNK)
    assert sent["ListObjectsV2"] == 1
    assert sent["GetObject"] <= objects + new_chunks + _count(("no_marker", "unreadable", "other_config", "old_format"), n), (sent, elsewhere[:5])


def test_one_task_in_flight_gives_the_same_dataset(sample_run, tmp_path):
    """The bounded window of shard tasks changes when shards run, not what comes out."""
    from tests.util import run_cli

    base, _, cfg = sample_run
    narrow = tmp_path / "narrow.yaml"
    narrow.write_text(cfg.read_text() + "shard_tasks_in_flight: 1\n")
    out = tmp_path / "out"
    proc = run_cli("--output", str(out), "--config", str(narrow))
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = sorted(p.relative_to(base) for p in (base / "data").rglob("*.parquet"))
    assert files and files == sorted(p.relative_to(out) for p in (out / "data").rglob("*.parquet"))
    assert all((base / f).read_bytes() == (out / f).read_bytes() for f in files)
    # every committed shard is in the driver's manifest, once, and was named in its journal before it ran
    files = sorted((out / "_work" / "manifest").iterdir())
    body = {u.name: json.loads(gzip.decompress(u.read_bytes())) for u in files}
    manifest = [m for name, ms in body.items() if not name.startswith(resume.JOURNAL) for m in ms]
    journal = [s for name, uris in body.items() if name.startswith(resume.JOURNAL) for s in uris]
    assert sorted(m["shard_id"] for m in manifest) == sorted(p.name for p in (out / "_work" / "markers").iterdir())
    assert sorted(journal) == sorted(m["shard"] for m in manifest)
    assert len(manifest) == json.loads((out / "stats.json").read_text())["shards"]["committed"] == 4


def test_a_part_deleted_after_its_shard_committed(sample_run, tmp_path):
    """Parts are trusted by default: the dedup stage then stops, naming the part and the setting that
    redoes such shards; with resume_verify_parts the shard runs again and the dataset is the same."""
    import shutil

    from tests.util import run_cli

    base, _, cfg = sample_run
    out = tmp_path / "out"
    shutil.copytree(base, out)
    shutil.rmtree(out / "_work" / "dedup")  # as if killed before dedup: its parts are read again
    part = sorted((out / "_work" / "shards").rglob("*.parquet"))[0]
    part.unlink()
    proc = run_cli("--output", str(out), "--config", str(cfg))
    assert proc.returncode != 0
    assert f"staged part {part} is missing" in proc.stderr and "resume_verify_parts: true" in proc.stderr
    verify = tmp_path / "verify.yaml"
    verify.write_text(cfg.read_text() + "resume_verify_parts: true\n")
    proc = run_cli("--output", str(out), "--config", str(verify))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "3 already committed, 1 to process" in proc.stderr
    assert part.exists()
    files = sorted(p.relative_to(base) for p in (base / "data").rglob("*.parquet"))
    assert files and files == sorted(p.relative_to(out) for p in (out / "data").rglob("*.parquet"))
    assert all((base / f).read_bytes() == (out / f).read_bytes() for f in files)


def _rich_marker(cfg, i: int, langs: int) -> dict:
    uri = f"s3://commoncrawl/crawl-data/CC-MAIN-2099-01/segments/{i // 100}/warc/shard-{i:05d}.warc.gz"
    sid, codes = shard_id(uri), [f"l{j:02d}_Latn" for j in range(langs)]
    return {"shard": uri, "shard_id": sid, "config_hash": cfg.config_hash, "staged_format": STAGED_FORMAT,
            "parts": {c: {"path": f"shards/{sid}/{c}.parquet", "rows": 100 + i % 7} for c in codes},
            "counters": [{"stage": s, "language": c, "reason": "kept", "count": 100} for c in codes
                         for s in ("langid", "lid_threshold", "filters")]}


def test_the_scan_holds_an_index_not_the_markers(tmp_path):
    """A snapshot's markers (~50 languages each) would be gigabytes held at once: the scan hands them out a
    batch of chunks at a time, so its peak memory is a fraction of theirs, and the tally keeps aggregates."""
    import tracemalloc

    from curate.run.tally import ShardTally

    cfg = PipelineConfig(input="/unused", output=str(tmp_path / "out"))
    per_chunk, chunks, langs = 100, 40, 20
    markers = [_rich_marker(cfg, i, langs) for i in range(per_chunk * chunks)]
    for i in range(0, len(markers), per_chunk):
        resume.write_journal(cfg, [m["shard"] for m in markers[i:i + per_chunk]])
        resume.write_manifest_chunk(cfg, markers[i:i + per_chunk])
    shards = [m["shard"] for m in markers]
    del markers

    tracemalloc.start()
    try:
        held = [json.loads(gzip.decompress(storage.read_bytes(u)))
                for u in storage.list_files(resume.manifest_dir(cfg)) if not u.rsplit("/", 1)[-1].startswith(resume.JOURNAL)]
        whole = tracemalloc.get_traced_memory()[0]
        del held
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        tally = ShardTally(shards)
        pending = resume.committed_shards(cfg, shards, tally.add, chunks_at_once=2)
        scan_peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert pending == [] and tally.committed == len(shards)
    assert scan_peak < whole / 4, (scan_peak, whole)
    # what dedup and the card need is all there: every language's parts in shard order, and the counters
    parts = tally.parts_by_lang()
    assert sorted(parts) == [f"l{j:02d}_Latn" for j in range(langs)]
    want = [{"path": f"shards/{shard_id(u)}/l07_Latn.parquet", "rows": 100 + i % 7} for i, u in enumerate(shards)]
    assert parts["l07_Latn"] == want
    assert tally.counters.total("filters", "l03_Latn", "kept") == 100 * len(shards)


def test_the_tally_keeps_a_part_path_it_did_not_expect():
    """Parts are kept compactly, as the shard task names them; a marker naming another path keeps it."""
    from curate.run.tally import ShardTally

    cfg = PipelineConfig(input="/unused", output="/unused")
    a, b = _rich_marker(cfg, 1, 2), _rich_marker(cfg, 2, 2)
    b["parts"]["l01_Latn"]["path"] = "moved/elsewhere.parquet"
    tally = ShardTally([b["shard"], a["shard"]])
    tally.add(a["shard"], a)  # in any order: the lists follow the snapshot's
    tally.add(b["shard"], b)
    assert tally.parts_by_lang()["l01_Latn"] == [{"path": "moved/elsewhere.parquet", "rows": 102},
                                                 {"path": f"shards/{a['shard_id']}/l01_Latn.parquet", "rows": 101}]
