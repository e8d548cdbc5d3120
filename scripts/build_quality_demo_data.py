"""Build `quality/demo/train.jsonl.gz`, the labelled set the demonstration quality model is trained on.

`hq`: documents of 4-8 running web sentences; `cc`: documents of word pairs and single words strung together
(word salad, the shape of menus, tag clouds and keyword spam). Both from the Leipzig web sentences that
lingua-rs ships as test data (see `quality/demo/NOTICE.md`), for the languages of the bundled sample and a few
more. Deterministic: a rebuild gives the same bytes.

    python scripts/build_quality_demo_data.py [--shared /work/shared/data]
"""
import argparse
import gzip
import json
import os
import random

# ISO 639-1 folders of lid_dev_lingua: the sample's languages first
LANGS = ["es", "fr", "pl", "zh", "de", "en", "pt", "ru", "it", "ar", "fi", "ja", "nl", "sv", "tr", "cs"]
PER_CLASS = 40  # documents per language and label
OUT = os.path.join(os.path.dirname(__file__), "..", "quality", "demo", "train.jsonl.gz")


def lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("CURATE_SHARED_DATA", "/work/shared/data"))
    args = ap.parse_args()
    rng = random.Random(20251207)
    rows = []
    for lang in LANGS:
        d = os.path.join(args.shared, "lid_dev_lingua", lang)
        sentences, words = lines(f"{d}/sentences.txt"), lines(f"{d}/word-pairs.txt") + lines(f"{d}/single-words.txt")
        rng.shuffle(sentences)
        sep = "" if lang in ("zh", "ja") else " "
        for i in range(PER_CLASS):
            rows.append({"text": sep.join(sentences[i * 8: i * 8 + rng.randint(4, 8)]), "label": "hq", "lang": lang})
            rows.append({"text": " ".join(rng.sample(words, rng.randint(15, 40))), "label": "cc", "lang": lang})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        f.write(gzip.compress("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode(), mtime=0))
    print(f"{len(rows)} documents, {len(LANGS)} languages -> {os.path.normpath(OUT)} ({os.path.getsize(OUT):,} bytes)")


if __name__ == "__main__":
    main()
