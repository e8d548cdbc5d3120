"""The datatrove reference's summary.json, from its stage processes' results (see datatrove_fineweb2.py).

Documents kept after each block (datatrove's block stats), and CPU seconds per stage: datatrove's block
times plus the remainders, so that they sum to the stage processes' CPU.
"""
from __future__ import annotations

import gzip
import re
from pathlib import Path


def block_docs(blocks: list[dict], name_part: str, key: str) -> int | None:
    """A counter of the first block whose name holds `name_part` (None when there is no such block)."""
    for b in blocks:
        if name_part.lower() in (b["name"] or "").lower():
            return b["stats"].get(key, 0)  # a block that saw no document has no counters
    return None


def short_name(name: str) -> str:
    """'🔻 - FILTER: 😈 Url-filter' -> 'filter Url-filter'"""
    kind, _, rest = (name or "?").partition(":")
    kind = re.sub(r"[^A-Za-z]", "", kind).lower()
    rest = re.sub(r"[^\x20-\x7e]", "", rest).strip()
    return f"{kind} {rest}".strip()


def count_by_language(a_out: Path) -> dict[str, int]:
    """ft176 label -> documents stage A wrote for it (WORK/A/out/<label>/*.jsonl.gz), labels sorted."""
    counts = {}
    for lg in sorted(p.name for p in a_out.iterdir() if p.is_dir()):
        n = 0
        for f in (a_out / lg).glob("*.jsonl.gz"):
            with gzip.open(f, "rb") as fh:
                n += sum(1 for _ in fh)
        counts[lg] = n
    return counts


def stage_a_docs(blocks: list[dict], lang_counts: dict[str, int]) -> dict:
    return {
        "warc_records": block_docs(blocks, "warc", "documents"),
        "after_url_filter": block_docs(blocks, "url", "forwarded"),
        "after_trafilatura": block_docs(blocks, "trafilatura", "forwarded"),
        "after_lid": block_docs(blocks, "language", "forwarded"),
        "by_ft176_label": dict(sorted(lang_counts.items(), key=lambda kv: -kv[1])),
    }


def add_language_docs(per_lang: dict, lang_counts: dict[str, int], skipped: dict, work: Path) -> None:
    """Give every language's result its "docs" per step; a language whose stage B failed joins `skipped`."""
    for lg, res in per_lang.items():
        if res.get("status") in ("tokenizer_unavailable", "process_failed", "error"):
            skipped[lg] = res.get("error") or f"stage B process rc={res['process']['rc']}, see {work / 'B' / lg / 'process.log'}"
        st = res.get("steps", {})
        thr = st.get("lid_threshold", {}).get("blocks", [])
        mh4 = st.get("minhash_4_filter_and_filters", {}).get("blocks", [])
        res["docs"] = {
            "in": lang_counts.get(lg),
            "after_lid_threshold": block_docs(thr, "lambda", "forwarded"),
            "after_minhash": block_docs(mh4, "minhash", "forwarded"),
            "after_gopher_repetition": block_docs(mh4, "repetition", "forwarded"),
            "after_fineweb_quality": block_docs(mh4, "fineweb", "forwarded"),
            "after_gopher_quality": block_docs(mh4, "gopher quality", "forwarded"),
            "final": len(res.get("kept_ids", [])),
        }


def stage_seconds(a_proc: dict, a_res: dict, per_lang: dict) -> dict:
    """Flat CPU-second breakdown that sums to the stage processes' CPU: datatrove block times (wall inside
    the block, = CPU on a pinned core; Trafilatura's includes its sandbox child) plus the remainders."""
    out: dict[str, float] = {}

    def add(k, v):
        out[k] = out.get(k, 0.0) + v

    def scaled(run: dict) -> list[tuple[str, float]]:
        # block times are wall; on a shared pinned core the process only ran cpu/wall of the time
        f = min(1.0, run["cpu_s"] / run["wall_s"]) if run.get("wall_s") else 1.0
        return [(short_name(b["name"]), b["time_s"] * f) for b in run.get("blocks", [])]

    a_blocks = scaled(a_res) if a_res else []
    for n, v in a_blocks:
        add("A " + n, v)
    add("A other (imports, executor, sandbox start, URL-list extraction)", a_proc["cpu_s"] - sum(v for _, v in a_blocks))
    for res in per_lang.values():
        steps = res.get("steps", {})
        for s in steps.values():
            bl = scaled(s)
            for n, v in bl:
                add("B " + n, v)
            add("B other in executor runs", s["cpu_s"] - sum(v for _, v in bl))
        add("B per-language process overhead (python, imports, id collection)",
            res["process"]["cpu_s"] - sum(s["cpu_s"] for s in steps.values()))
    return {k: round(v, 3) for k, v in sorted(out.items(), key=lambda kv: -kv[1])}


def totals(a_proc: dict, a_res: dict, per_lang: dict, lang_counts: dict, skipped: dict, a_docs: dict) -> dict:
    """The summary's aggregate keys, in summary.json's order: CPU per stage, per step and per block,
    the languages' results, and the document flow."""
    # executor-step CPU (os.times) and datatrove block times, summed over languages
    step_cpu: dict[str, float] = {"stage_a": a_res.get("cpu_s", 0.0)}
    block_s: dict[str, float] = {}
    for b in a_res["blocks"]:
        block_s["A: " + b["name"]] = block_s.get("A: " + b["name"], 0.0) + b["time_s"]
    for res in per_lang.values():
        for sname, s in res.get("steps", {}).items():
            step_cpu["B: " + sname] = step_cpu.get("B: " + sname, 0.0) + s["cpu_s"]
            for b in s["blocks"]:
                block_s["B: " + b["name"]] = block_s.get("B: " + b["name"], 0.0) + b["time_s"]
    b_cpu = sum(r["process"]["cpu_s"] for r in per_lang.values())
    out = {"stage_seconds": stage_seconds(a_proc, a_res, per_lang), "stage_b_process_cpu_s": round(b_cpu, 3),
           "stage_cpu_s": {k: round(v, 3) for k, v in step_cpu.items()}}
    out["stage_cpu_s"]["B: process overhead (imports, tokenizer load, id collection)"] = round(
        b_cpu - sum(v for k, v in step_cpu.items() if k.startswith("B: ")), 3)
    out["block_seconds"] = {k: round(v, 3) for k, v in sorted(block_s.items(), key=lambda kv: -kv[1])}
    out["languages"] = per_lang
    out["skipped_languages"] = skipped
    out["docs"] = {
        "warc_records": a_docs["warc_records"],
        "after_stage_a": sum(lang_counts.values()),
        "after_lid_threshold": sum((r["docs"]["after_lid_threshold"] or 0) for r in per_lang.values()),
        "after_minhash": sum((r["docs"]["after_minhash"] or 0) for r in per_lang.values()),
        "final": sum(r["docs"]["final"] for r in per_lang.values()),
    }
    out["kept_ids"] = {lg: r.get("kept_ids", []) for lg, r in per_lang.items()}
    return out
