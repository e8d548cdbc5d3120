"""Script counts per distinct character equal a scan of per-script letter runs, the definition
they replaced: same scripts, same counts, same order (which breaks ties in `dominant_script`)."""
import csv
from pathlib import Path

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from langid import scripts
from langid.scripts import MAX_CHARS, dominant_script, script_counts

DATA = Path(__file__).parent / "data"
_RUNS = regex.compile("|".join(rf"(?P<{s}>\p{{sc={s}}}+)" for s in scripts._SCRIPTS))


def runs_reference(text: str) -> list[tuple[str, int]]:
    """Letter runs of each script in the first MAX_CHARS characters, summed in order of first run."""
    counts: dict[str, int] = {}
    for m in _RUNS.finditer(text, 0, MAX_CHARS):
        counts[m.lastgroup] = counts.get(m.lastgroup, 0) + m.end() - m.start()
    return list(counts.items())


def test_real_sentences_of_40_languages():
    with open(DATA / "lid_sample.tsv", encoding="utf-8") as f:
        texts = [row["sentence"] for row in csv.DictReader(f, delimiter="\t")]
    assert len({dominant_script(t) for t in texts}) >= 8  # the sample spans many writing systems
    for text in texts + [" ".join(texts)]:
        assert list(script_counts(text).items()) == runs_reference(text)


# letters of several scripts, Han and kana, combining marks (Inherited), digits, spaces, emoji
ALPHABET = st.sampled_from(list("abcÉéßжЯدلא日本語かなカナ한글देवनागरीไทยΩ") + ["\u0301", "\u093f", "\u200d", "7", " ", "\n", "!", "😀"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_any_mix_of_scripts(text):
    assert list(script_counts(text).items()) == runs_reference(text)


def test_only_the_first_max_chars_count():
    text = "a" * (MAX_CHARS - 2) + "жжжж"
    assert script_counts(text) == {"Latn": MAX_CHARS - 2, "Cyrl": 2}
    assert dominant_script("ж" * 10 + "a" * MAX_CHARS) == "Latn"


def test_ties_go_to_the_script_seen_first():
    assert dominant_script("abc жзи") == "Latn"
    assert dominant_script("жзи abc") == "Cyrl"
