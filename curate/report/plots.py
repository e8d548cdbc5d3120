"""PNG pictures for the dataset card, drawn from stats.json alone (matplotlib, Agg backend: no display).

Each function returns PNG bytes; `write_all` stores them next to the card. Sizes are chosen so the
pictures stay readable on the Hub's card page (about 900 px wide).
"""
from __future__ import annotations

import io

from curate.store.counters import Counters

FILES = {"funnel": "card_funnel.png", "languages": "card_languages.png",
         "filter_reasons": "card_filter_reasons.png", "cluster_sizes": "card_cluster_sizes.png"}
# Cluster-size buckets for the histogram: the interesting U-shape lives in the first few sizes.
BUCKETS = ((1, 1), (2, 2), (3, 3), (4, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, 999), (1000, 10**12))
KEPT, REMOVED, RATE = "#3a7bd5", "#e4572e", "#222222"


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _png(fig) -> bytes:
    # Figures are laid out by tight_layout, once. It leaves a placeholder layout engine behind, for
    # which savefig would draw the figure once more before drawing it (as bbox_inches="tight" would).
    fig.set_layout_engine(None)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    _plt().close(fig)
    return buf.getvalue()


def kept_docs(s: dict) -> int:
    return s["train_docs"] + s["test_docs"]


def largest(stats: dict, n: int) -> list[str]:
    langs = stats["languages"]
    return sorted(langs, key=lambda l: (-kept_docs(langs[l]), l))[:n]


def funnel_rows(stats: dict, lang: str | None = None) -> list[tuple[str, int]]:
    """(step, documents continuing) in pipeline order; per language from language identification on."""
    c = Counters.from_rows(stats["counters"])
    rows = [] if lang else [("records read", c.total("read"))] + [
        (f"after {s}", c.total(s, reason="kept")) for s in ("read", "url_filter", "extract")]
    rows += [("identified" if lang else "after langid (non-English)", c.total("langid", lang, "kept")),
             ("after LID threshold", c.total("lid_threshold", lang, "kept")),
             ("after dedup", c.total("dedup", lang, "kept") + c.total("dedup", lang, "kept_too_short_to_hash")),
             ("after filters", c.total("filters", lang, "kept")),
             ("written (train+test)", c.total("output", lang, "train_docs") + c.total("output", lang, "test_docs"))]
    return rows


def funnel(stats: dict, n_langs: int = 4) -> bytes:
    """Overall funnel on top, the largest languages below (from language identification on)."""
    plt = _plt()
    langs = [l for l in largest(stats, n_langs) if kept_docs(stats["languages"][l])]
    mosaic = [["all"] * max(1, len(langs))] + ([langs] if langs else [])
    fig, axes = plt.subplot_mosaic(mosaic, figsize=(9, 3.2 + 2.4 * bool(langs)),
                                   gridspec_kw={"height_ratios": [1.6] + [1] * bool(langs)})
    for key in ["all"] + langs:
        ax = axes[key]
        rows = funnel_rows(stats, None if key == "all" else key)
        labels, values = [r[0] for r in rows][::-1], [r[1] for r in rows][::-1]
        ax.barh(labels, values, color=KEPT)
        top = max(values) or 1
        for y, v in enumerate(values):
            ax.text(v + top * 0.01, y, f"{v:,} ({v / (values[-1] or 1):.0%})", va="center", fontsize=7)
        ax.set_xlim(0, top * 1.5)
        ax.set_title("all languages" if key == "all" else key)
        ax.tick_params(axis="y", labelsize=8 if key == "all" else 7)
        if key not in ("all", langs[0] if langs else None):
            ax.set_yticklabels([])  # same steps as the first language panel
    fig.suptitle("Documents continuing after each stage (% of the first step)")
    fig.tight_layout()
    return _png(fig)


def languages(stats: dict, max_langs: int = 60) -> bytes:
    plt = _plt()
    langs = largest(stats, max_langs)[::-1]
    s = stats["languages"]
    fig, ax = plt.subplots(figsize=(7, 1 + 0.22 * len(langs)))
    y = range(len(langs))
    ax.barh([i + 0.2 for i in y], [kept_docs(s[l]) for l in langs], height=0.4, color=KEPT, label="kept (train+test)")
    ax.barh([i - 0.2 for i in y], [s[l]["removed_docs"] for l in langs], height=0.4, color=REMOVED, label="removed (the _removed subsets)")
    ax.set_yticks(list(y), langs, fontsize=7)
    ax.set_xscale("log")
    ax.set_xlim(left=0.5)  # a language with 1 document still shows a bar
    ax.set_xlabel("documents (log scale)")
    ax.legend(loc="lower right")
    extra = len(stats["languages"]) - len(langs)
    ax.set_title("Documents per language" + (f" ({extra} smaller languages not shown)" if extra > 0 else ""))
    fig.tight_layout()
    return _png(fig)


def filter_reasons(stats: dict, max_langs: int = 15) -> bytes:
    plt = _plt()
    s = stats["languages"]
    total: dict[str, int] = {}
    for v in s.values():
        for r, n in v["filter_reasons"].items():
            total[r] = total.get(r, 0) + n
    reasons = sorted(total, key=lambda r: -total[r])
    langs = [l for l in sorted(s, key=lambda l: -(s[l]["docs_filtered"])) if s[l]["docs_filtered"]][:max_langs][::-1]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 1.5 + 0.3 * max(len(reasons), len(langs))))
    a1.barh(reasons[::-1], [total[r] for r in reasons[::-1]], color=REMOVED)
    for i, r in enumerate(reasons[::-1]):
        a1.text(total[r], i, f" {total[r]:,}", va="center", fontsize=7)
    a1.set_title("Documents removed by each filter (all languages)")
    a1.set_xlabel("documents")
    cmap = plt.get_cmap("tab20")
    c = Counters.from_rows(stats["counters"])
    for y, lang in enumerate(langs):
        entering = s[lang]["docs_filtered"] + c.total("filters", lang, "kept")
        left = 0.0
        for k, r in enumerate(reasons):
            share = s[lang]["filter_reasons"].get(r, 0) / (entering or 1)
            a2.barh(y, share, left=left, color=cmap(k % 20), label=r if y == 0 else None)
            left += share
    a2.set_yticks(range(len(langs)), langs, fontsize=7)
    a2.set_xlabel("share of documents entering the filters")
    a2.set_title("Removed by reason, per language")
    a2.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: f"{v:.0%}"))
    if langs:
        a2.legend(fontsize=6, loc="lower right")
    fig.tight_layout()
    return _png(fig)


def bucket_label(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else (f"{lo}+" if hi >= 10**12 else f"{lo}-{hi}")


def cluster_buckets(cluster_sizes: dict) -> list[tuple[str, int, int]]:
    """(bucket label, kept, removed) of cluster representatives, only buckets that have documents."""
    out = []
    for lo, hi in BUCKETS:
        k = sum(v["kept"] for s, v in cluster_sizes.items() if lo <= int(s) <= hi)
        r = sum(v["removed"] for s, v in cluster_sizes.items() if lo <= int(s) <= hi)
        if k + r:
            out.append((bucket_label(lo, hi), k, r))
    return out


def pooled_cluster_sizes(stats: dict) -> dict:
    out: dict[str, dict[str, int]] = {}
    for v in stats["languages"].values():
        for s, d in v.get("cluster_sizes", {}).items():
            o = out.setdefault(s, {"kept": 0, "removed": 0})
            o["kept"] += d["kept"]
            o["removed"] += d["removed"]
    return out


def cluster_sizes(stats: dict) -> bytes:
    """Kept and removed representatives per cluster-size bucket (log), removal rate per bucket on top."""
    plt = _plt()
    panels = [("all languages", pooled_cluster_sizes(stats))]
    # The largest language whose sizes vary: one with only singletons shows nothing the pooled panel doesn't.
    multi = [l for l in largest(stats, len(stats["languages"])) if len(stats["languages"][l].get("cluster_sizes", {})) > 1]
    if multi and len(stats["languages"]) > 1:
        panels.append((multi[0], stats["languages"][multi[0]]["cluster_sizes"]))
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 3.8), squeeze=False)
    for ax, (title, cs) in zip(axes[0], panels):
        rows = cluster_buckets(cs)
        x = list(range(len(rows)))
        kept, removed = [r[1] for r in rows], [r[2] for r in rows]
        ax.bar([i - 0.2 for i in x], kept, width=0.4, color=KEPT, label="kept by the filters")
        ax.bar([i + 0.2 for i in x], removed, width=0.4, color=REMOVED, label="removed by the filters")
        ax.set_yscale("log")
        ax.set_ylim(0.5, max(kept + removed + [1]) * 3)
        ax.set_xticks(x, [r[0] for r in rows])
        ax.set_xlabel("MinHash cluster size (documents in the cluster)")
        ax.set_ylabel("cluster representatives (log)")
        ax.set_title(title)
        ax2 = ax.twinx()
        ax2.plot(x, [r / (k + r) for k, r in zip(kept, removed)], "o-", color=RATE, label="removal rate")
        total = sum(kept) + sum(removed)
        g = sum(removed) / total if total else 0
        ax2.axhline(g, color=RATE, ls="--", lw=1, label=f"global removal rate {g:.0%}")
        ax2.set_ylim(0, 1.05)
        ax2.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: f"{v:.0%}"))
        ax2.set_ylabel("removal rate")
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    fig.suptitle("Cluster sizes and filter removal rate per size (the rehydration input)")
    fig.tight_layout()
    return _png(fig)


AUDIT_FILE = "card_audits.png"


def audits(stats: dict) -> bytes:
    """Per audited language: precision of kept documents (good text) and the in-language share, with
    their 95 % Wilson intervals, and the --min-precision bar."""
    plt = _plt()
    a = stats["audits"]
    langs = sorted(a["languages"])[::-1]
    fig, ax = plt.subplots(figsize=(7, 1.4 + 0.35 * len(langs)))
    for offset, key, colour, name in ((0.12, "precision", KEPT, "precision (correct language, good text)"),
                                      (-0.12, "in_language", "#7a7a7a", "in language (incl. boilerplate, too short)")):
        rows = [(i, a["languages"][l]["kept"][key]) for i, l in enumerate(langs) if a["languages"][l]["kept"][key]["n"]]
        x = [s["share"] for _, s in rows]
        err = [[s["share"] - s["ci95"][0] for _, s in rows], [s["ci95"][1] - s["share"] for _, s in rows]]
        ax.errorbar(x, [i + offset for i, _ in rows], xerr=err, fmt="o", color=colour, capsize=3, label=name)
    if a.get("min_precision") is not None:
        ax.axvline(a["min_precision"], color=REMOVED, linestyle="--", label=f"min precision {a['min_precision']:.0%}")
    ax.set_yticks(range(len(langs)), [l + (" (flagged)" if a["languages"][l]["flagged"] else "") for l in langs], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of reviewers' judgements of kept documents (95% Wilson interval)")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, frameon=False)
    ax.set_title("Audits by people who read the language")
    fig.tight_layout()
    return _png(fig)


QUALITY_FILE = "card_quality.png"


def quality(stats: dict, max_langs: int = 12) -> bytes:
    """Per language (the largest), the distribution of the selection model's scores, with its cutoff."""
    plt = _plt()
    q = stats["quality"]
    model = q["select"]["model"] or q["models"][0]["name"]
    langs = sorted(q["languages"], key=lambda l: -q["languages"][l]["scored"])[:max_langs]
    cols = min(4, len(langs)) or 1
    rows = -(-len(langs) // cols) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 1.9 * rows + 0.6), squeeze=False)
    for ax in axes.flat[len(langs):]:
        ax.axis("off")
    for ax, lang in zip(axes.flat, langs):
        d = q["languages"][lang]
        h = d["histograms"].get(model) or {"edges": [], "counts": []}
        if h["counts"]:
            e = h["edges"]
            ax.bar(e[:-1], h["counts"], width=[b - a for a, b in zip(e, e[1:])], align="edge", color=KEPT)
        if d.get("cutoff") is not None:
            ax.axvline(d["cutoff"], color=REMOVED, linestyle="--")
        ax.set_title(f"{lang}: {d['kept']:,} of {d['scored']:,} kept", fontsize=8)
        if h["edges"]:  # the same range in every panel (the summary's histograms share their edges)
            ax.set_xlim(h["edges"][0], h["edges"][-1])
        ax.ticklabel_format(axis="x", useOffset=False, style="plain")
        ax.tick_params(labelsize=7)
    rule = q["select"]["rule"]
    fig.suptitle(f"Scores of quality model {model}" + (f" (selection {rule}, dashed: cutoff)" if rule else " (scores only)"),
                 fontsize=9)
    fig.tight_layout()
    return _png(fig)


def write_all(output: str, stats: dict) -> dict[str, str]:
    """Draw every picture into OUTPUT; {name: file name relative to the card}."""
    from curate.store import storage

    draw = {"funnel": funnel, "languages": languages, "filter_reasons": filter_reasons, "cluster_sizes": cluster_sizes}
    for name, fn in draw.items():
        storage.write_bytes(storage.join(output, FILES[name]), fn(stats))
    files = dict(FILES)
    if stats.get("quality"):
        storage.write_bytes(storage.join(output, QUALITY_FILE), quality(stats))
        files["quality"] = QUALITY_FILE
    if stats.get("audits"):
        storage.write_bytes(storage.join(output, AUDIT_FILE), audits(stats))
        files["audits"] = AUDIT_FILE
    return files
