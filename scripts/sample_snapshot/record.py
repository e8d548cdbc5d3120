"""``Rec``: one planned response record, before it has a shard or a place in a WARC file.

The page builders fill it in, ``shards.assign_shards`` sets ``shard``, ``warc_out.write_shards``
turns it into WARC records and a MANIFEST entry (``extra`` becomes extra MANIFEST fields, except
the builder-only ``pars`` and ``title``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Rec:
    kind: str
    url: str | None
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    raw: bytes | None = None          # verbatim gzip member(s) (copied real CC records)
    lang: str | None = None
    dup_group: str | None = None
    expected_reason: str | None = None
    source: str = ""
    extra: dict = field(default_factory=dict)
    with_request: bool = False
    shard: int | None = None
