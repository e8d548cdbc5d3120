"""The figures an audit gives: shares with a 95 % Wilson score interval, and Cohen's kappa.

Wilson's interval (Wilson, 1927) rather than the normal approximation: audits are small (100 items)
and precisions sit near 0 or 1 for many languages, where the normal interval leaves [0, 1].
"""
from __future__ import annotations

import math
from collections import Counter

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval of ``successes / n``; (0, 1) for n = 0."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def share(successes: int, n: int) -> dict:
    lo, hi = wilson(successes, n)
    return {"n": n, "k": successes, "share": successes / n if n else None, "ci95": [round(lo, 4), round(hi, 4)]}


def cohen_kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's kappa of two reviewers' labels on the same items (None when undefined: no items, or
    both reviewers gave one and the same label to every item)."""
    if len(a) != len(b):
        raise ValueError("kappa needs the two reviewers' labels of the same items")
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)
