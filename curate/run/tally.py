"""What the driver keeps of the shards' commit markers: aggregates, not the markers themselves.

A marker holds a shard's counters (hundreds of rows), its parts and per-language settings; kept whole
for 90,000 shards they would be gigabytes in the driver. The tally absorbs each marker as it
arrives, in any order, and gives the same results as reading the markers in the snapshot's order:
parts are listed by shard position, a language's settings are those of its first shard.

The parts (about 50 per shard, 4.5 million for a snapshot) are kept as two arrays of integers per
language (shard position, rows), with a path only where it is not the shard task's usual one: as dicts
they would be about 2 GB. `parts_by_lang` builds a language's list when it is asked for.
"""
from __future__ import annotations

import json
from array import array
from collections.abc import Mapping

from curate.stages.shard import part_path
from curate.store.counters import Counters


class _Parts:
    __slots__ = ("shard", "rows", "paths")

    def __init__(self):
        self.shard, self.rows = array("q"), array("q")
        self.paths: dict[int, str] = {}  # entry -> path, where it is not the usual one


class PartsByLang(Mapping):
    """language -> [{"path", "rows"}] in shard order, each list built when it is asked for."""

    def __init__(self, parts: dict[str, _Parts], sids: dict[int, str]):
        self._parts, self._sids = parts, sids

    def __getitem__(self, lang: str) -> list[dict]:
        v = self._parts[lang]
        order = sorted(range(len(v.shard)), key=v.shard.__getitem__)
        return [{"path": v.paths.get(j) or part_path(self._sids[v.shard[j]], lang), "rows": v.rows[j]} for j in order]

    def __iter__(self):
        return iter(sorted(self._parts))

    def __len__(self) -> int:
        return len(self._parts)


class ShardTally:
    def __init__(self, shards: list[str]):
        self._index = {u: i for i, u in enumerate(shards)}
        self.counters = Counters()
        self.committed = 0
        self._parts: dict[str, _Parts] = {}
        self._sids: dict[int, str] = {}  # shard position -> shard id, of the committed shards
        self._info: dict[str, tuple[int, dict]] = {}
        self._lid_models: set[str] = set()
        self.shard_cpu: dict[str, float | None] = {}
        self.stage_cpu: dict[str, float] = {}

    def add(self, uri: str, m: dict) -> None:
        i = self._index[uri]
        self.committed += 1
        self.counters.add_rows(m["counters"])
        sid = self._sids[i] = m["shard_id"]
        for lang, p in m["parts"].items():
            v = self._parts.get(lang) or self._parts.setdefault(lang, _Parts())
            if p["path"] != part_path(sid, lang):
                v.paths[len(v.shard)] = p["path"]
            v.shard.append(i)
            v.rows.append(p["rows"])
        for lang, d in m.get("languages", {}).items():
            if lang not in self._info or i < self._info[lang][0]:
                self._info[lang] = (i, d)
        if "lid_model" in m:
            self._lid_models.add(json.dumps(m["lid_model"], sort_keys=True))
        self.shard_cpu[m["shard_id"]] = m.get("cpu_seconds")
        for k, v in m.get("stage_cpu_seconds", {}).items():
            self.stage_cpu[k] = round(self.stage_cpu.get(k, 0.0) + v, 3)

    def parts_by_lang(self) -> PartsByLang:
        return PartsByLang(self._parts, self._sids)

    def shard_info(self) -> dict:
        """What stats.json and run.json report of the shard stage."""
        return {"committed": self.committed, "languages": {l: d for l, (_, d) in sorted(self._info.items())},
                "lid_models": sorted(self._lid_models), "shard_cpu_seconds": self.shard_cpu}
