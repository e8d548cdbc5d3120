"""bench/run.py's inputs: the WARC as each configuration reads it (whole, split in two, its first half).

A WARC of Common Crawl has one gzip member per record, so it splits into files of whole records with
the bytes unchanged; the cuts fall between response records, so that each part has its share of pages.
"""
from __future__ import annotations

import shutil
from pathlib import Path


def split_warc(src: Path, dst_dir: Path, parts: int) -> list[Path]:
    """Split a WARC (one gzip member per record) into `parts` files of whole records, bytes unchanged."""
    from warcio.archiveiterator import ArchiveIterator

    spans = []
    with open(src, "rb") as f:
        it = ArchiveIterator(f)
        for rec in it:
            rec.content_stream().read()
            spans.append((it.get_record_offset(), it.get_record_length(), rec.rec_type))
    resp = [i for i, s in enumerate(spans) if s[2] == "response"]
    cut = [resp[len(resp) * k // parts] for k in range(1, parts)]
    bounds = [0] + cut + [len(spans)]
    out = []
    with open(src, "rb") as f:
        for k in range(parts):
            p = dst_dir / f"part-{k:02d}.warc.gz"
            with open(p, "wb") as o:
                for off, length, _ in spans[bounds[k]:bounds[k + 1]]:
                    f.seek(off)
                    o.write(f.read(length))
            out.append(p)
    return out


def count_html_responses(warc: Path) -> int:
    """Response records of a WARC (the benchmark's document count)."""
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    with open(warc, "rb") as f:
        for rec in ArchiveIterator(f):
            if rec.rec_type == "response":
                n += 1
    return n


def _fresh(d: Path) -> Path:
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    return d


def input_sets(warc: Path, work: Path, workers: int, scaling: bool, marginal: bool) -> dict[str, dict]:
    """{"warcs", "input_dir"} of every input the run needs, under WORK, by name:
    "main"      the WARC itself (a link to it), or split in `workers` files;
    "two"       split in two (--scaling: the 2-worker runs);
    "half"      the first half of its records, alone (--marginal);
    "two-half"  that first half split in two (--scaling with --marginal)."""
    sets = {}
    main = _fresh(work / "input")
    if workers == 1:
        (main / warc.name).symlink_to(warc)
        sets["main"] = {"warcs": [warc], "input_dir": main}
    else:
        sets["main"] = {"warcs": split_warc(warc, main, workers), "input_dir": main}
    if scaling:
        two = _fresh(work / "input-2")
        sets["two"] = {"warcs": split_warc(warc, two, 2), "input_dir": two}
    if marginal:  # the first half of the records (split_warc's first part), alone
        half = _fresh(work / "input-half")
        first, second = split_warc(warc, half, 2)
        second.unlink()
        sets["half"] = {"warcs": [first], "input_dir": half}
        if scaling:
            two_half = _fresh(work / "input-2-half")
            sets["two-half"] = {"warcs": split_warc(first, two_half, 2), "input_dir": two_half}
    return sets
