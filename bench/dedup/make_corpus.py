#!/usr/bin/env python
"""Benchmark corpora for MinHash dedup (deterministic: everything derives from --seed).

1. Near-duplicate corpus with controlled edits, per language (`near_dup_corpus`):
   base documents of ~150-400 words assembled from real sentences
   (/work/shared/data/lid_dev_lingua/<iso1>/sentences.txt; bench only, never in tests), each with a
   site header line and footer line ("chrome"), in paragraphs of 2-5 sentences. Bases of one language
   use disjoint sentences while the pool lasts. Each base gets these variants (one group per base):
     exact            identical copy
     boiler_add       one more header line and footer line (another site's chrome) around the base
     boiler_remove    header and footer lines removed
     boiler_swap      header/footer replaced by another site's
     shuffle          body paragraphs in another order
     sub_P/ins_P/del_P  P% (1, 2, 5, 10, 20, 30) of body words substituted by / preceded by an inserted
                      random word of the language's vocabulary / deleted
   Words are whitespace tokens, except Han and Thai where they are the language tokenizer's tokens
   (re-joined without spaces). Ground truth (quality.py) is the true Jaccard of FineWeb2 shingles.

2. Synthetic scaling corpora (`synthetic_corpus`): documents of 150-400 random pseudo-words drawn from
   a 30k-word vocabulary; `dup_frac` of the documents are in planted groups of 2-8 copies of one base
   with 0%, 1% or 2% of words substituted (exact copies included). Written once per (n, seed) as
   docs.parquet (curate) and 2 JsonlWriter-written .jsonl.gz files (datatrove).

    python bench/dedup/make_corpus.py near --langs deu_Latn,cmn_Hani --bases 30 --out corpus.jsonl
    python bench/dedup/make_corpus.py synth --n 10000 [--work /tmp/curate-dedup-bench]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import string

import numpy as np
from common import LANGS, WORK_DEFAULT, tokenizer

SENTENCES_DIR = "/work/shared/data/lid_dev_lingua"
EDIT_LEVELS = (1, 2, 5, 10, 20, 30)  # 1-2% fill the 0.7-0.95 Jaccard range near the LSH threshold
NOSPACE = {"cmn_Hani", "tha_Thai"}  # words are tokenizer tokens, re-joined with ""
VARIANTS = ("exact", "boiler_add", "boiler_remove", "boiler_swap", "shuffle") + tuple(
    f"{op}_{p}" for op in ("sub", "ins", "del") for p in EDIT_LEVELS
)
MENU_WORDS = 5


def _iso1(lang: str) -> str:
    return {v: k for k, v in LANGS.items()}[lang]


def _sentences(lang: str) -> list[str]:
    with open(os.path.join(SENTENCES_DIR, _iso1(lang), "sentences.txt"), encoding="utf-8") as f:
        return [s.strip() for s in f if s.strip()]


def _words(text: str, lang: str) -> list[str]:
    if lang in NOSPACE:
        return [w for w in tokenizer(lang).word_tokenize(text) if w.strip()]
    return text.split()


def _join(words: list[str], lang: str) -> str:
    return ("" if lang in NOSPACE else " ").join(words)


class _Lang:
    def __init__(self, lang: str, rng: random.Random):
        self.lang = lang
        pool = _sentences(lang)
        rng.shuffle(pool)
        self.chrome_pool, self.body_pool = pool[:60], pool[60:]
        self.vocab = sorted({w for s in pool for w in _words(s, lang) if any(c.isalpha() for c in w)})
        self.cursor = 0
        self.rng = rng

    def next_sentence(self) -> str:
        if self.cursor >= len(self.body_pool):  # pool exhausted: reuse (ground truth is exact anyway)
            self.rng.shuffle(self.body_pool)
            self.cursor = 0
        s = self.body_pool[self.cursor]
        self.cursor += 1
        return s

    def chrome(self) -> tuple[str, str]:
        """(header, footer) of a random site: a menu line and a sentence with a copyright mark."""
        menu = " | ".join(self.rng.sample(self.vocab, MENU_WORDS))
        footer = f"{self.rng.choice(self.chrome_pool)} © {self.rng.randint(2005, 2025)}"
        return menu, footer


def _edit(paras: list[str], lang: str, op: str, pct: int, L: _Lang, rng: random.Random) -> list[str]:
    toks = [_words(p, lang) for p in paras]
    flat = [(i, j) for i, t in enumerate(toks) for j in range(len(t))]
    k = max(1, round(len(flat) * pct / 100))
    chosen = set(rng.sample(range(len(flat)), k))
    out = [list() for _ in toks]
    for n, (i, j) in enumerate(flat):
        w = toks[i][j]
        if n not in chosen:
            out[i].append(w)
        elif op == "sub":
            new = rng.choice(L.vocab)
            while new == w:
                new = rng.choice(L.vocab)
            out[i].append(new)
        elif op == "ins":
            out[i].extend([rng.choice(L.vocab), w])
        # "del": drop the word
    return [_join(t, lang) for t in out if t]


def _render(header: list[str], body: list[str], footer: list[str]) -> str:
    return "\n".join(header + body + footer)


def near_dup_corpus(langs: list[str], bases_per_lang: int = 30, seed: int = 0,
                    min_words: int = 150, max_words: int = 400) -> list[dict]:
    """Records {id, text, lang, group, variant} (variant "base" for the originals); deterministic."""
    docs = []
    for lang in langs:
        rng = random.Random(f"{seed}:{lang}")
        L = _Lang(lang, rng)
        sep = "" if lang == "cmn_Hani" else " "
        for b in range(bases_per_lang):
            target = rng.randint(min_words, max_words)
            paras, n_words = [], 0
            while n_words < target:
                sents = [L.next_sentence() for _ in range(rng.randint(2, 5))]
                paras.append(sep.join(sents))
                n_words += sum(len(_words(s, lang)) for s in sents)
            if len(paras) < 2:  # shuffles need two paragraphs
                half = len(paras[0]) // 2
                cut = paras[0].rfind(" ", 0, half) if sep else half
                paras = [paras[0][:max(cut, 1)], paras[0][max(cut, 1):].lstrip()]
            head, foot = L.chrome()
            group = f"{lang}-{b:03d}"
            base = _render([head], paras, [foot])
            docs.append({"id": f"{group}-base", "text": base, "lang": lang, "group": group, "variant": "base"})
            for v in VARIANTS:
                if v == "exact":
                    text = base
                elif v == "boiler_add":
                    h2, f2 = L.chrome()
                    text = _render([h2, head], paras, [foot, f2])
                elif v == "boiler_remove":
                    text = _render([], paras, [])
                elif v == "boiler_swap":
                    h2, f2 = L.chrome()
                    text = _render([h2], paras, [f2])
                elif v == "shuffle":
                    order = list(range(len(paras)))
                    while order == sorted(order):
                        rng.shuffle(order)
                    text = _render([head], [paras[i] for i in order], [foot])
                else:
                    op, pct = v.split("_")
                    text = _render([head], _edit(paras, lang, op, int(pct), L, rng), [foot])
                docs.append({"id": f"{group}-{v}", "text": text, "lang": lang, "group": group, "variant": v})
    return docs


# --------------------------------------------------------------------------------------------------
# synthetic scaling corpora

SYNTH_LANG = "hin_Deva"  # IndicNLP trivial tokenizer: == whitespace split on these words, 0.1 ms/doc


def _vocab(rng: np.random.Generator, size: int = 30_000) -> np.ndarray:
    letters = np.array(list(string.ascii_lowercase))
    lens = rng.integers(3, 11, size=size)
    words = {"".join(letters[rng.integers(0, 26, size=n)]) for n in lens}
    return np.array(sorted(words), dtype=object)


def synthetic_docs(n: int, seed: int = 0, dup_frac: float = 0.2):
    """Yield (id, text, group) for n documents; group is '' for documents outside planted groups."""
    rng = np.random.default_rng(seed)
    vocab = _vocab(rng)
    made = 0
    g = 0
    while made < n:
        if rng.random() < dup_frac / 5:  # groups average 5 docs, so ~dup_frac of docs are in groups
            size = int(min(rng.integers(2, 9), n - made))
            base = rng.integers(0, len(vocab), size=int(rng.integers(150, 401)))
            for m in range(size):
                w = base.copy()
                rate = (0.0, 0.01, 0.02)[m % 3] if m else 0.0
                k = int(round(len(w) * rate))
                if k:
                    pos = rng.choice(len(w), size=k, replace=False)
                    w[pos] = rng.integers(0, len(vocab), size=k)
                yield f"s{made:08d}", " ".join(vocab[w]), f"g{g}"
                made += 1
            g += 1
        else:
            w = rng.integers(0, len(vocab), size=int(rng.integers(150, 401)))
            yield f"s{made:08d}", " ".join(vocab[w]), ""
            made += 1


def synthetic_corpus(n: int, seed: int = 0, work: str = WORK_DEFAULT, jsonl_files: int = 2) -> str:
    """Write (once) WORK/synth-{n}-s{seed}/{docs.parquet, jsonl/0000k.jsonl.gz}; return the dir."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    d = os.path.join(work, f"synth-{n}-s{seed}")
    if os.path.exists(os.path.join(d, "_DONE")):
        return d
    os.makedirs(d, exist_ok=True)
    ids, texts, groups = [], [], []
    for i, t, g in synthetic_docs(n, seed):
        ids.append(i)
        texts.append(t)
        groups.append(g)
    date = "2024-03-01T12:00:00Z"
    table = pa.table({"text": texts, "id": ids, "date": [date] * n, "group": groups})
    pq.write_table(table, os.path.join(d, "docs.parquet"), row_group_size=5_000)  # curate's dedup_documents: one staging task per ~5k rows
    _write_jsonl(ids, texts, os.path.join(d, "jsonl"), jsonl_files)
    with open(os.path.join(d, "_DONE"), "w") as f:
        json.dump({"n": n, "seed": seed, "planted_groups": len({g for g in groups if g}),
                   "docs_in_groups": sum(1 for g in groups if g)}, f)
    return d


def _write_jsonl(ids, texts, out_dir: str, files: int):
    """Split documents into `files` contiguous .jsonl.gz files with datatrove's JsonlWriter."""
    from datatrove.data import Document
    from datatrove.pipeline.writers import JsonlWriter

    n = len(ids)
    for r in range(files):
        lo, hi = n * r // files, n * (r + 1) // files
        with JsonlWriter(out_dir, output_filename=f"{r:05d}.jsonl.gz") as w:
            for i in range(lo, hi):
                w.write(Document(text=texts[i], id=ids[i]), rank=r)


def write_jsonl_docs(docs: list[dict], out_dir: str, files: int = 1):
    _write_jsonl([d["id"] for d in docs], [d["text"] for d in docs], out_dir, files)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a1 = sub.add_parser("near")
    a1.add_argument("--langs", default=",".join(LANGS.values()))
    a1.add_argument("--bases", type=int, default=30)
    a1.add_argument("--seed", type=int, default=0)
    a1.add_argument("--out", required=True)
    a2 = sub.add_parser("synth")
    a2.add_argument("--n", type=int, required=True)
    a2.add_argument("--seed", type=int, default=0)
    a2.add_argument("--work", default=WORK_DEFAULT)
    a = ap.parse_args()
    if a.cmd == "near":
        docs = near_dup_corpus(a.langs.split(","), a.bases, a.seed)
        with open(a.out, "w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        print(f"{len(docs)} docs -> {a.out}")
    else:
        print(synthetic_corpus(a.n, a.seed, a.work))


if __name__ == "__main__":
    main()
