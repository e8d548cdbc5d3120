"""The store and the formats written to it (the lowest layer: imports nothing else of the project
but `curate.config`).

* :mod:`curate.store.storage`: local paths and ``s3://``, atomic writes, listing; all I/O goes here.
* :mod:`curate.store.cache`: the per-node cache directory.
* :mod:`curate.store.warc`: WARC/WET records, charset decoding, every skipped record counted.
* :mod:`curate.store.commoncrawl`: input -> shard URIs (folder, s3 prefix, bundled sample, CC paths).
* :mod:`curate.store.schema`: the Arrow schemas of staged parts, outputs, clusters and the index.
* :mod:`curate.store.counters`: counters per (stage, language, reason), as markers and stats.json hold them.
* :mod:`curate.store.lease`: a lease object with expiry, so overlapping cron runs are safe.
"""
