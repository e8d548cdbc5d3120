#!/usr/bin/env python
"""Build the bundled sample snapshot ``curate/sample/CC-MAIN-SAMPLE``.

Deterministic and re-runnable: the same inputs give byte-identical output.  It reads the
shared data directory (``/work/shared/data`` by default, ``--shared`` or ``$CURATE_SHARED_DATA``
to override) only here, at build time; the project never needs it at run time.

Output (all under ``curate/sample/``):

* ``CC-MAIN-SAMPLE/CC-MAIN-SAMPLE-0000{0..3}.warc.gz``: WARC/1.0, one gzip member per record,
  a ``warcinfo`` record first in every shard.
* ``CC-MAIN-SAMPLE/warc.paths.gz``: the shard paths, one a line, relative to the directory
  holding ``warc.paths.gz``.
* ``MANIFEST.jsonl``: ground truth, one line per response record (see README.md).
* ``NOTICE.md`` and a section in ``README.md``.

After writing, the script re-reads every shard and checks every claim it puts in
``MANIFEST.jsonl``: trafilatura (favor_precision=True, include_comments=False,
deduplicate=True) on every HTML response, fastText lid.176 on the extracted text, and the
FineWeb2 filter chain (GopherRepetition -> FineWebQuality -> GopherQuality, datatrove 0.10.1,
per-language thresholds from FineWeb2's configs) on the planted pages.  A failed check aborts.
"""

# The code is in scripts/sample_snapshot/, one module per step (listed in its __init__.py).
from sample_snapshot.cli import main

if __name__ == "__main__":
    main(__doc__)
