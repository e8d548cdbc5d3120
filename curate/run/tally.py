"""What the driver keeps of the shards' commit markers: aggregates, not the markers themselves.

A marker holds a shard's counters (hundreds of rows), its parts and per-language settings; kept whole
for 90,000 shards they would be gigabytes in the driver. The tally absorbs each marker as it
arrives, in any order, and gives the same results as reading the markers in the snapshot's order:
parts are listed by shard position, a language's settings are those of its first shard.
"""
from __future__ import annotations

import json

from curate.store.counters import Counters


class ShardTally:
    def __init__(self, shards: list[str]):
        self._index = {u: i for i, u in enumerate(shards)}
        self.counters = Counters()
        self.committed = 0
        self._parts: dict[str, list[tuple[int, dict]]] = {}
        self._info: dict[str, tuple[int, dict]] = {}
        self._lid_models: set[str] = set()
        self.shard_cpu: dict[str, float | None] = {}
        self.stage_cpu: dict[str, float] = {}

    def add(self, uri: str, m: dict) -> None:
        i = self._index[uri]
        self.committed += 1
        self.counters.merge(Counters.from_rows(m["counters"]))
        for lang, p in m["parts"].items():
            self._parts.setdefault(lang, []).append((i, {"path": p["path"], "rows": p["rows"]}))
        for lang, d in m.get("languages", {}).items():
            if lang not in self._info or i < self._info[lang][0]:
                self._info[lang] = (i, d)
        if "lid_model" in m:
            self._lid_models.add(json.dumps(m["lid_model"], sort_keys=True))
        self.shard_cpu[m["shard_id"]] = m.get("cpu_seconds")
        for k, v in m.get("stage_cpu_seconds", {}).items():
            self.stage_cpu[k] = round(self.stage_cpu.get(k, 0.0) + v, 3)

    def parts_by_lang(self) -> dict[str, list[dict]]:
        return {lang: [p for _, p in sorted(v, key=lambda x: x[0])] for lang, v in sorted(self._parts.items())}

    def shard_info(self) -> dict:
        """What stats.json and run.json report of the shard stage."""
        return {"committed": self.committed, "languages": {l: d for l, (_, d) in sorted(self._info.items())},
                "lid_models": sorted(self._lid_models), "shard_cpu_seconds": self.shard_cpu}
