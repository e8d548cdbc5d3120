"""The pipeline's stages: Ray-free functions over Arrow tables with declared schemas
(`curate.store.schema`), run as tasks by `curate.run.orchestrate` and called directly by the tests.

* :mod:`curate.stages.shard`: stage 1, one WARC shard -> one staged part per language.
* :mod:`curate.stages.extract`: trafilatura with FineWeb2 settings and a per-record time limit.
* :mod:`curate.stages.minhash`, :mod:`curate.stages.minhash_kernel`: signatures, band keys, exact hash.
* :mod:`curate.stages.dedup`, :mod:`curate.stages.shuffle`: stage 2 over hash partitions, its spilled shuffle.
* :mod:`curate.stages.dedup_index`: the persisted per-language index for incremental runs.
* :mod:`curate.stages.finalize`: stage 3, kept/removed subsets per (language, group of parts).
"""
