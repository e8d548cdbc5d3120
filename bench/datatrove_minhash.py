"""datatrove's MinHash as FineWeb2 runs it, for the two benchmarks that run it (datatrove_stage_b.py, dedup/).

FineWeb2's parameters: word 5-grams, 14 bands of 8 rows, 64-bit xxhash. `minhash()` imports
`datatrove.pipeline.dedup.minhash` even without the `tokenizers` package, which the package's
`__init__` imports (through exact substrings) and MinHash does not need.
"""
from __future__ import annotations

import os
import sys

N_GRAMS, BANDS, ROWS = 5, 14, 8


def minhash():
    """The `datatrove.pipeline.dedup.minhash` module; when `datatrove.pipeline.dedup`'s `__init__` cannot
    be imported, the package is registered without running it."""
    try:
        import datatrove.pipeline.dedup  # noqa: F401
    except ImportError:
        import types

        import datatrove.pipeline as dp

        pkg = types.ModuleType("datatrove.pipeline.dedup")
        pkg.__path__ = [os.path.join(os.path.dirname(dp.__file__), "dedup")]
        sys.modules["datatrove.pipeline.dedup"] = pkg
    import datatrove.pipeline.dedup.minhash as mh

    return mh


def fineweb2_config():
    """datatrove's MinhashConfig with FineWeb2's parameters."""
    from datatrove.utils.hashing import HashConfig

    return minhash().MinhashConfig(n_grams=N_GRAMS, num_buckets=BANDS, hashes_per_bucket=ROWS,
                                   hash_config=HashConfig(precision=64, hash_fc="xxhash"))
