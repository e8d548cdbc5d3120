"""The builder of the bundled sample snapshot ``curate/sample/``, run by
``scripts/build_sample_snapshot.py`` (which documents the output).

Modules, in build order: ``config`` (fixed parameters), ``sources`` (readers of the shared
data), ``pages`` (the HTML article template), ``duplicates``, ``junk`` and ``bad_input`` (the
planted test cases), ``build`` (all records in their fixed order), ``shards`` (shard
assignment), ``warc_out`` (WARC writing), ``checker`` and ``verify`` (re-reading and checking
the claims, with the hand-set ``languages``), ``manifest``, ``notice``, ``readme`` and
``report`` (the outputs besides the WARC files), ``cli`` (the command line).
"""
