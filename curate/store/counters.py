"""Counters per (stage, language, reason): they feed progress, stats.json, the card and benchmarks."""
from __future__ import annotations

from collections import Counter

# The funnel, in pipeline order. "kept" rows count documents that continue; the others say why not.
STAGES = ("read", "url_filter", "extract", "langid", "lid_threshold", "dedup", "filters", "output")


class Counters:
    def __init__(self, items: dict | None = None):
        self.c: Counter = Counter(items or {})

    def add(self, stage: str, language: str, reason: str, n: int = 1) -> None:
        self.c[(stage, language or "", reason)] += n

    def merge(self, other: "Counters") -> "Counters":
        self.c.update(other.c)
        return self

    def to_rows(self) -> list[dict]:
        return [
            {"stage": s, "language": l, "reason": r, "count": n}
            for (s, l, r), n in sorted(self.c.items(), key=lambda kv: (STAGES.index(kv[0][0]) if kv[0][0] in STAGES else 99, kv[0]))
        ]

    def add_rows(self, rows: list[dict]) -> "Counters":
        """Adds rows as `to_rows` writes them (a driver adds a marker's hundreds of rows per shard)."""
        c = self.c
        for r in rows:
            k = (r["stage"], r["language"] or "", r["reason"])
            c[k] = c.get(k, 0) + r["count"]
        return self

    @classmethod
    def from_rows(cls, rows: list[dict]) -> "Counters":
        return cls().add_rows(rows)

    def total(self, stage: str | None = None, language: str | None = None, reason: str | None = None) -> int:
        return sum(
            n for (s, l, r), n in self.c.items()
            if (stage is None or s == stage) and (language is None or l == language) and (reason is None or r == reason)
        )

    def languages(self, stage: str = "output") -> list[str]:
        return sorted({l for (s, l, _r) in self.c if s == stage and l})
