"""``curate audit``: write packs, serve one, ingest labels.

    curate audit OUTPUT --languages xxx_Scrp ... [--kept N] [--removed N] [--seed S]
    curate audit serve PACK_DIR [--host H] [--port P]
    curate audit ingest OUTPUT LABELS... [--min-precision P]
"""
from __future__ import annotations

import argparse
import sys

from curate.audit import taxonomy


def _packs_main(argv: list[str]) -> int:
    from curate.audit.pack import build_pack, validate_language, write_pack

    p = argparse.ArgumentParser(prog="curate audit", description="write an audit pack and its review page per language "
                                "(subcommands: serve PACK_DIR, ingest OUTPUT LABELS...)")
    p.add_argument("output")
    p.add_argument("--languages", nargs="+", required=True, help="FineWeb2 codes, e.g. wol_Latn als_Latn")
    p.add_argument("--kept", type=int, default=taxonomy.DEFAULT_KEPT,
                   help=f"kept documents per pack (default {taxonomy.DEFAULT_KEPT}, Kreutzer et al. 2022)")
    p.add_argument("--removed", type=int, default=taxonomy.DEFAULT_REMOVED,
                   help=f"removed documents per pack, spread over the removal reasons (default {taxonomy.DEFAULT_REMOVED})")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    try:
        langs = [validate_language(lang) for lang in a.languages]
        packs = [build_pack(a.output, lang, kept=a.kept, removed=a.removed, seed=a.seed) for lang in langs]
    except ValueError as e:
        print(f"curate audit: {e}", file=sys.stderr)
        return 2
    for pack in packs:
        uris = write_pack(a.output, pack)
        s = pack["sizes"]
        print(f"{pack['language']}: {s['kept']} kept of {s['kept_available']}, {sum(s['removed'].values())} removed of "
              f"{sum(s['removed_available'].values())} -> {uris['page']}")
    return 0


def _ingest_main(argv: list[str]) -> int:
    from curate.audit.ingest import LabelsError, ingest

    p = argparse.ArgumentParser(prog="curate audit ingest", description="fold reviewers' label files into OUTPUT's "
                                "stats.json and card")
    p.add_argument("output")
    p.add_argument("labels", nargs="+", help="label files exported from the review page")
    p.add_argument("--min-precision", type=float, help="flag languages whose precision is below this share (0-1)")
    a = p.parse_args(argv)
    if a.min_precision is not None and not 0 <= a.min_precision <= 1:
        p.error("--min-precision is a share between 0 and 1")
    try:
        summary = ingest(a.output, a.labels, a.min_precision)
    except LabelsError as e:
        print(f"curate audit ingest: {e}", file=sys.stderr)
        return 2
    for lang, d in summary["languages"].items():
        prec = d["kept"]["precision"]
        figure = "no kept documents judged" if not prec["n"] else (
            f"precision {prec['share']:.1%} [{prec['ci95'][0]:.1%}, {prec['ci95'][1]:.1%}] over {prec['n']} judgements")
        print(f"{lang}: {figure}, {len(d['reviewers'])} reviewer(s)" + (" FLAGGED" if d["flagged"] else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        from curate.audit.serve import main as serve_main

        return serve_main(argv[1:])
    if argv[:1] == ["ingest"]:
        return _ingest_main(argv[1:])
    return _packs_main(argv)
