"""Arrow schemas of the tables passed between stages and of the released dataset."""
import pyarrow as pa

# FineWeb2's released columns, in its order, plus our provenance column.
OUTPUT_SCHEMA = pa.schema([
    ("text", pa.string()),
    ("id", pa.string()),
    ("dump", pa.string()),
    ("url", pa.string()),
    ("date", pa.string()),
    ("file_path", pa.string()),
    ("language", pa.string()),
    ("language_score", pa.float64()),
    ("language_script", pa.string()),
    ("minhash_cluster_size", pa.int64()),
    ("top_langs", pa.string()),
    ("warc_record_offset", pa.int64()),   # byte offset of the record in file_path: trace to the bytes
])
REMOVED_SCHEMA = OUTPUT_SCHEMA.append(pa.field("filter_reason", pa.string()))

# One (shard, language) part written by the shard stage: every document that passed LID, with
# its LSH band keys (null when it cannot be deduplicated). The quality filters run later, in finalize.
STAGED_SCHEMA = pa.schema([f for f in OUTPUT_SCHEMA if f.name != "minhash_cluster_size"] + [
    ("doc_key", pa.int64()),              # 63-bit hash of the WARC-Record-ID: dedup node id
    ("content_hash", pa.uint64()),        # xxh64 of the text: test split
    ("exact_hash", pa.uint64()),          # xxh64 of the normalised text: exact duplicates fold before LSH
    ("filter_reason", pa.string()),       # "language_score" (below the LID threshold) or null
    ("minhash_bands", pa.list_(pa.uint64())),
])
# What a shard marker's parts hold; a resumed run re-runs shards staged in another format.
# 2: filter verdicts and word counts moved from the shard stage to finalize.
STAGED_FORMAT = 2

CLUSTER_SCHEMA = pa.schema([("doc_key", pa.int64()), ("cluster_id", pa.int64()), ("cluster_size", pa.int64())])
# The persisted per-language dedup index (incremental runs): bucket keys of every deduplicated
# document under its cluster's id, the clusters' sizes and priorities, and ids merged into others.
INDEX_BUCKET_SCHEMA = pa.schema([("bucket", pa.uint64()), ("node", pa.int64()), ("prio", pa.int64())])
INDEX_CLUSTER_SCHEMA = pa.schema([("cluster_id", pa.int64()), ("prio", pa.int64()), ("size", pa.int64())])
INDEX_ALIAS_SCHEMA = pa.schema([("old_id", pa.int64()), ("new_id", pa.int64())])
