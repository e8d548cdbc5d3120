"""The tools the verifier measures the sample with: trafilatura, fastText lid.176, FineWeb2's
filter chain (datatrove 0.10.1 filters with FineWeb2's per-language thresholds), datatrove's word
tokenizers and its URL block list.

They are imported lazily so that ``--no-verify`` builds, and ``--help``, need none of them.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

from .config import TRAF_KW


class Checker:
    def __init__(self, shared: Path):
        import fasttext
        import trafilatura
        import yaml
        from trafilatura.meta import reset_caches
        fasttext.FastText.eprint = lambda *a, **k: None
        self.ft = fasttext.load_model(str(shared / "lid_models/lid.176.ftz"))
        self.traf = trafilatura
        self.reset = reset_caches
        self.yaml = yaml
        self.cfg_dir = shared / "fineweb2/configs"
        self._filters = {}

    def extract(self, body: bytes) -> str:
        self.reset()   # trafilatura's dedup LRU cache is process-global: extract every page on its own
        if not body:
            return ""
        return self.traf.extract(body, **TRAF_KW) or ""

    def lid(self, text: str):
        if not text.strip():
            return None, 0.0
        labels, probs = self.ft.predict(text.replace("\n", " "), k=1)
        return labels[0].replace("__label__", ""), round(float(probs[0]), 4)

    def filters(self, lang: str):
        if lang in self._filters:
            return self._filters[lang]
        p = self.cfg_dir / f"{lang}.yml"
        if not p.exists():
            self._filters[lang] = None
            return None
        from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
        c = self.yaml.safe_load(p.read_text())
        fs = [
            GopherRepetitionFilter(dup_line_frac=c["dup_line_frac"], top_n_grams=tuple(map(tuple, c["top_n_grams"])),
                                   dup_n_grams=tuple(map(tuple, c["dup_n_grams"])), dup_para_frac=0,
                                   dup_line_char_frac=0, dup_para_char_frac=0, language=lang),
            FineWebQualityFilter(line_punct_thr=c["line_punct_thr"], new_line_ratio=c["new_line_ratio"],
                                 short_line_thr=999, char_duplicates_ratio=0.1, language=lang),
            GopherQualityFilter(min_avg_word_length=c["min_avg_word_length"],
                                max_avg_word_length=c["max_avg_word_length"],
                                max_non_alpha_words_ratio=c["max_non_alpha_words_ratio"],
                                stop_words=c["stopwords"], min_stop_words=2, language=lang),
        ]
        self._filters[lang] = fs
        return fs

    def fw2(self, text: str, lang: str):
        """``"pass"``, the first filter's reason, or None when ``lang`` has no FineWeb2 config."""
        from datatrove.data import Document
        fs = self.filters(lang)
        if fs is None:
            return None
        for f in fs:
            res = f.filter(Document(text=text, id="x"))
            if res is not True:
                return res[1] if isinstance(res, tuple) else "removed"
        return "pass"


def shingles(text: str, lang: str) -> set:
    from datatrove.utils.text import simplify_text, split_into_words
    words = [w for w in split_into_words(simplify_text(text), lang) if w.strip()]
    return {" ".join(words[i:i + 5]) for i in range(max(0, len(words) - 4))}


def tokens(text: str, lang: str) -> list:
    from datatrove.utils.text import split_into_words
    return [w for w in split_into_words(text, lang) if w.strip()]


def blocklist_domains() -> set:
    import datatrove
    p = Path(datatrove.__file__).parent / "assets/url_filterblacklistsv0_3_0.tar.gz"
    with tarfile.open(p, "r:gz") as tar:
        return set(tar.extractfile("domains").read().decode().split("\n"))
