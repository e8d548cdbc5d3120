"""``assign_shards``: which shard each record goes to, and in what order within it.

Deterministic (a seeded shuffle) and balanced by response count.  Copies of a duplicate group
go to other shards than their original, so a dedup stage must compare across shards; the
clipped real record goes last, the only place a cut-off gzip member can be.
"""

from __future__ import annotations

import random
from collections import defaultdict

from .config import N_SHARDS, SEED


def assign_shards(cc_groups, recs):
    """Deterministic, ~equal shards; copies of a duplicate group go to other shards."""
    load = [0] * N_SHARDS
    units = []   # (shard, payload)
    # the clipped record's gzip member is itself cut off, so it can only be the last record of
    # a file (as in a truncated download): it goes at the very end of the last shard
    tail = [g for g in cc_groups if g[0] == "truncated"]
    cc_groups = [g for g in cc_groups if g[0] != "truncated"]
    for i, g in enumerate(cc_groups):
        s = i % N_SHARDS
        units.append((s, ("cc", g)))
        load[s] += sum(1 for m in g[2] if m[0] == "response")
    rnd = random.Random(SEED)
    order = list(range(len(recs)))
    rnd.shuffle(order)
    group_shard = {}
    # originals of dup groups first, so copies can be placed relative to them
    origs = [i for i in order if recs[i].dup_group and recs[i].kind not in ("exact_dup", "near_dup")]
    for i in origs:
        s = min(range(N_SHARDS), key=lambda x: (load[x], x))
        recs[i].shard = s
        load[s] += 1
        group_shard[recs[i].dup_group] = [s]
    for i in order:
        r = recs[i]
        if r.shard is not None:
            continue
        if r.kind in ("exact_dup", "near_dup"):
            taken = group_shard[r.dup_group]
            s = (taken[-1] + 1) % N_SHARDS
            group_shard[r.dup_group].append(s)
        else:
            s = min(range(N_SHARDS), key=lambda x: (load[x], x))
        r.shard = s
        load[s] += 1
    per = defaultdict(list)
    # CC captures keep their original order; the rest are interleaved by the shuffle
    for s, u in units:
        per[s].append(u)
    for i in order:
        per[recs[i].shard].append(("rec", recs[i]))
    # stable interleave: put CC captures evenly among the synthetic records
    out = {}
    for s in range(N_SHARDS):
        ccs = [u for u in per[s] if u[0] == "cc"]
        rest = [u for u in per[s] if u[0] == "rec"]
        step = max(1, len(rest) // (len(ccs) + 1))
        merged = []
        for j, u in enumerate(rest):
            if ccs and j % step == step - 1:
                merged.append(ccs.pop(0))
            merged.append(u)
        merged += ccs
        if s == N_SHARDS - 1:
            merged += [("cc", g) for g in tail]
        out[s] = merged
    return out
