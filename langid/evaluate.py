"""`curate eval-lid`: accuracy, macro-F1, per-language precision/recall, top confusions and
throughput of a language-ID model on labelled text, as a table and as JSON.

  curate eval-lid --data FILE|DIR [--model SPEC] [--format tsv|jsonl]
                  [--granularity sentences|word-pairs|single-words] [--json OUT|-]

Gold labels and model labels both go through `langid.labels` normalisation, so codes are compared
as FineWeb2 ``iso639-3_Script`` (``sr`` on Cyrillic text is ``srp_Cyrl``). Two extra accuracies
show what normalisation does: the model's raw top-1 label against the label as written (``before
normalisation``), and the normalised raw top-1 without merging labels that map to one code.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter

from .evaldata import GRANULARITIES, Problem, Row, read_labelled
from .labels import normalise, normalise_with_script

BATCH = 1000


def metrics(gold: list[str], pred: list[str]) -> dict:
    """Accuracy, macro-F1 over the gold languages, per-language scores and confusion pairs."""
    n = len(gold)
    support, predicted = Counter(gold), Counter(pred)
    tp = Counter(g for g, p in zip(gold, pred) if g == p)
    per_lang = {}
    for lang in sorted(support):
        prec = tp[lang] / predicted[lang] if predicted[lang] else 0.0
        rec = tp[lang] / support[lang]
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_lang[lang] = {"support": support[lang], "predicted": predicted[lang], "correct": tp[lang],
                          "precision": prec, "recall": rec, "f1": f1}
    pairs = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    confusions = [{"gold": g, "predicted": p, "count": c, "rate": c / support[g]}
                  for (g, p), c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {
        "documents": n,
        "accuracy": sum(tp.values()) / n if n else 0.0,
        "macro_f1": sum(v["f1"] for v in per_lang.values()) / len(per_lang) if per_lang else 0.0,
        "per_language": per_lang,
        "confusions": confusions,
    }


def model_languages(model) -> set[str]:
    """ISO 639-3 languages the model can output at all (after normalisation)."""
    return {normalise_with_script(lab, "")[0] for lab in model.raw_labels}


def evaluate(model, rows: list[Row], batch: int = BATCH, level: str = "language_script") -> dict:
    """``level="language"`` compares ISO 639-3 codes only (gold sets without script information
    take the script from the text, so a few Latin-letter lines of ``hi`` become ``hin_Latn``)."""
    cut = (lambda code: code.split("_")[0]) if level == "language" else (lambda code: code)
    texts = [r.text for r in rows]
    gold = [cut(r.gold) for r in rows]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    results = []
    for i in range(0, len(texts), batch):
        results += model.predict(texts[i:i + batch])
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    pred = [cut(f"{r.language}_{r.script}") for r in results]
    report = metrics(gold, pred)
    raw = model.predict_raw(texts)
    written = [r.label.removeprefix("__label__").lower() for r in rows]
    report["accuracy_before_normalisation"] = sum(lab.lower() == w for (lab, _), w in zip(raw, written)) / max(len(rows), 1)
    unmerged = [cut("_".join(normalise(lab, t))) for (lab, _), t in zip(raw, texts)]
    report["accuracy_normalised_unmerged"] = sum(g == u for g, u in zip(gold, unmerged)) / max(len(rows), 1)
    known = model_languages(model)
    unsupported = sorted(lang for lang in report["per_language"] if lang.split("_")[0] not in known)
    supported_f1 = [v["f1"] for k, v in report["per_language"].items() if k not in unsupported]
    report["unsupported_languages"] = unsupported  # gold languages the model has no label for
    report["macro_f1_supported"] = sum(supported_f1) / len(supported_f1) if supported_f1 else 0.0
    ok = [g == p for g, p in zip(gold, pred) if g not in unsupported]
    report["accuracy_supported"] = sum(ok) / len(ok) if ok else 0.0
    report["cpu_seconds"] = round(cpu, 3)
    report["wall_seconds"] = round(wall, 3)
    # fastText predicts on one thread: CPU time of predict + normalisation is the per-core cost.
    report["docs_per_s_per_core"] = round(len(rows) / cpu, 1) if cpu > 0 else None
    report["model"] = {"name": model.name, "kind": model.kind, "labels": len(model.raw_labels)}
    report["level"] = level
    return report


def format_table(report: dict, top: int = 15) -> str:
    skipped = report.get("skipped", {})
    out = [
        f"model {report['model']['name']} ({report['model']['kind']}) on {report.get('data', '?')}"
        + (f" [{report['granularity']}]" if report.get("granularity") else ""),
        f"documents {report['documents']}, skipped {sum(skipped.values())}"
        + (f" ({', '.join(f'{k} {v}' for k, v in sorted(skipped.items()))})" if skipped else ""),
        f"accuracy {report['accuracy']:.4f}   macro-F1 {report['macro_f1']:.4f}   over the languages the model "
        f"knows: accuracy {report['accuracy_supported']:.4f}, macro-F1 {report['macro_f1_supported']:.4f}",
        f"before normalisation {report['accuracy_before_normalisation']:.4f}"
        f"   normalised top-1 without merging {report['accuracy_normalised_unmerged']:.4f}",
        f"throughput {report['docs_per_s_per_core']} docs/s per core ({report['cpu_seconds']} CPU s)",
    ]
    if report["unsupported_languages"]:
        out.append(f"no model label for: {' '.join(report['unsupported_languages'])}")
    out.append("")
    out.append(f"{'language':<10} {'support':>7} {'precision':>9} {'recall':>7} {'f1':>7}")
    for lang, v in report["per_language"].items():
        out.append(f"{lang:<10} {v['support']:>7} {v['precision']:>9.3f} {v['recall']:>7.3f} {v['f1']:>7.3f}")
    out.append("")
    out.append("top confusions (gold -> predicted: count, share of gold)")
    for c in report["confusions"][:top]:
        out.append(f"  {c['gold']:<9} -> {c['predicted']:<9} {c['count']:>6}  {100 * c['rate']:5.1f}%")
    return "\n".join(out)


CONFUSABLE_GROUPS = (("bos", "hrv", "srp"), ("ind", "zsm"), ("nob", "nno", "dan"), ("glg", "spa", "por"))


def card_confusions(reports: dict[str, dict], min_rate: float = 0.02,
                    groups: tuple[tuple[str, ...], ...] = CONFUSABLE_GROUPS) -> dict:
    """Compact confusion data for the dataset card: per granularity the headline figures and every
    confusion pair with rate >= ``min_rate`` or inside one of ``groups`` (ISO 639-3 codes)."""
    def in_group(c):
        g, p = c["gold"].split("_")[0], c["predicted"].split("_")[0]
        return any(g in grp and p in grp for grp in groups)

    out = {}
    for gran, rep in reports.items():
        out[gran] = {
            "documents": rep["documents"], "accuracy": round(rep["accuracy"], 4),
            "macro_f1": round(rep["macro_f1"], 4), "docs_per_s_per_core": rep["docs_per_s_per_core"],
            "unsupported_languages": rep["unsupported_languages"],
            "pairs": [{**c, "rate": round(c["rate"], 4)} for c in rep["confusions"]
                      if c["rate"] >= min_rate or in_group(c)],
        }
    return {"min_rate": min_rate, "groups": [list(g) for g in groups], "granularities": out}


def dump_card(card: dict) -> str:
    """JSON with one confusion pair per line (diff-friendly, still plain JSON)."""
    text = json.dumps({**card, "granularities": {g: {**v, "pairs": "@PAIRS"} for g, v in card["granularities"].items()}},
                      indent=1, ensure_ascii=False)
    for gran, v in card["granularities"].items():
        pairs = ",\n   ".join(json.dumps(c, ensure_ascii=False) for c in v["pairs"])
        text = text.replace('"@PAIRS"', f"[\n   {pairs}\n  ]", 1)
    return text + "\n"


def _report_problems(problems: list[Problem], max_messages: int) -> dict[str, int]:
    counts = Counter(p.kind for p in problems)
    shown = Counter()
    for p in problems:
        shown[p.kind] += 1
        if shown[p.kind] <= max_messages:
            print(f"skipped {p.where}: {p.detail}", file=sys.stderr)
    for kind, n in sorted(counts.items()):
        if n > max_messages:
            print(f"... {n - max_messages} more {kind} rows skipped", file=sys.stderr)
    return dict(counts)


def main(argv: list[str] | None = None) -> int:
    from .model import DEFAULT_MODEL, ModelNotFoundError, load_model

    p = argparse.ArgumentParser(prog="curate eval-lid", description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="TSV (text<TAB>label, label<TAB>text or with a header), JSONL "
                   "(text + label keys), optionally .gz; or a directory <label>/<granularity>.txt")
    p.add_argument("--model", default=DEFAULT_MODEL, help="lid.176 (bundled), a path, s3:// URI or hf://repo/file")
    p.add_argument("--format", choices=("tsv", "jsonl"), help="default: from the file name or content")
    p.add_argument("--granularity", choices=GRANULARITIES, default="sentences", help="file read in a directory")
    p.add_argument("--level", choices=("language_script", "language"), default="language_script",
                   help="compare xxx_Scrp codes (default) or ISO 639-3 languages only")
    p.add_argument("--json", metavar="OUT", help="also write the report as JSON to OUT ('-': stdout)")
    p.add_argument("--top", type=int, default=15, help="confusions shown in the table")
    p.add_argument("--max-messages", type=int, default=10, help="messages shown per kind of skipped row")
    a = p.parse_args(argv)
    try:
        items = list(read_labelled(a.data, a.format, a.granularity))
    except (OSError, ValueError) as e:
        print(f"error: cannot read {a.data}: {e}", file=sys.stderr)
        return 2
    rows = [x for x in items if isinstance(x, Row)]
    skipped = _report_problems([x for x in items if isinstance(x, Problem)], a.max_messages)
    if not rows:
        print(f"error: no usable labelled rows in {a.data}", file=sys.stderr)
        return 1
    try:
        model = load_model(a.model)
    except ModelNotFoundError as e:
        print(f"error: {e} (for eval-lid: --model SPEC)", file=sys.stderr)
        return 2
    report = evaluate(model, rows, level=a.level)
    report.update(data=a.data, granularity=a.granularity if os.path.isdir(a.data) else None, skipped=skipped)
    print(format_table(report, a.top))
    if a.json:
        text = json.dumps(report, indent=1, sort_keys=True)
        if a.json == "-":
            print(text)
        else:
            with open(a.json, "w", encoding="utf-8") as f:
                f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
