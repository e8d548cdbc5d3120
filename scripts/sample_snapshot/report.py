"""``report``: the console summary printed after a successful build, to eyeball what changed."""

from __future__ import annotations

from collections import Counter

from .manifest import no_text_html


def report(manifest, per_shard, per_shard_types):
    print(f"{'shard':32} {'responses':>9}  record types")
    for name in sorted(per_shard_types):
        print(f"{name:32} {per_shard[name]:9}  {dict(sorted(per_shard_types[name].items()))}")
    kinds = Counter(e["kind"] for e in manifest)
    print("\nby kind:", dict(sorted(kinds.items())))
    langs = Counter(e["lang"] or "-" for e in manifest)
    print(f"\n{'lang':10} {'pages':>5}  lid.176 top labels")
    for lang, n in sorted(langs.items(), key=lambda x: (-x[1], x[0])):
        lids = Counter(e["observed"].get("lid176") for e in manifest if (e["lang"] or "-") == lang)
        print(f"{lang:10} {n:5}  {dict(lids.most_common(4))}")
    empty = no_text_html(manifest)
    print(f"\nHTML responses with no extracted text ({len(empty)}):")
    for u in empty:
        print("  ", u)
