"""Our vectorised signatures are bit-identical to datatrove's MinhashDedupSignature (FineWeb2's)."""
import csv
from pathlib import Path

import numpy as np
import xxhash
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
from datatrove.utils.hashing import HashConfig
from datatrove.utils.text import simplify_text
from hypothesis import given, settings
from hypothesis import strategies as st

import curate.stages.minhash as mh
from curate.config import MinhashParams
from curate.stages import minhash_kernel
from curate.stages.minhash import doc_bands, signature, simplify

TEXT = ("Die Stadt liegt am Ufer des Flusses und ist seit dem Mittelalter ein wichtiger Handelsplatz. "
        "Im 19. Jahrhundert wuchs sie durch die Industrialisierung stark an, und heute leben dort "
        "mehr als 200.000 Menschen. Das Rathaus am Marktplatz gehört zu den schönsten Bauten der Region.")


def test_signature_equals_datatrove(tmp_path):
    ref = MinhashDedupSignature(output_folder=str(tmp_path), language="deu_Latn",
                                config=MinhashConfig(hash_config=HashConfig(precision=64, hash_fc="xxhash")))
    expected = np.concatenate(ref.get_signature(ref.get_shingles(TEXT))).astype(np.uint64)
    ours = signature(ref.word_tokenizer.word_tokenize(simplify(TEXT)), MinhashParams())
    assert ours.shape == (112,) and np.array_equal(ours, expected)


def test_near_duplicates_share_a_band_and_strangers_do_not(tmp_path):
    ref = MinhashDedupSignature(output_folder=str(tmp_path), language="deu_Latn")
    tok = ref.word_tokenizer
    near = TEXT.replace("wichtiger", "bedeutender")
    other = "Ganz anders: ein Text über Katzen, Hunde und Vögel, der mit der Stadt nichts zu tun hat, gar nichts."
    a, b, c = (set(enumerate(doc_bands(t, tok, MinhashParams()))) for t in (TEXT, near, other))
    assert a & b and not a & c
    assert doc_bands("zu kurz", tok, MinhashParams()) is None


SENTENCES = [row["sentence"] for row in csv.DictReader(
    open(Path(__file__).parent / "langid" / "data" / "lid_sample.tsv", encoding="utf-8"), delimiter="\t")]


def test_simplify_equals_datatrove_on_real_sentences_in_many_scripts():
    texts = SENTENCES + ["\n".join(SENTENCES[i:i + 7]) for i in range(0, len(SENTENCES), 7)]
    assert len({s[:40] for s in SENTENCES}) > 50
    assert [simplify(t) for t in texts] == [simplify_text(t) for t in texts]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
       | st.lists(st.sampled_from(["a", "e\u0301", " \u0301", "\u0301", "Ǆ", "ﬁ", "١٢,٣", "İ", "\u00a0", "\t", "ß", "Å", "ǅ",
                                  "\x1c", "\u2028", "\u3000", "\x85", "  ", "\n"]),
                  max_size=12).map("".join))
def test_simplify_equals_datatrove_on_fuzzed_text(text):
    assert simplify(text) == simplify_text(text)


def test_every_combining_mark_is_stripped_as_datatrove_does():
    import sys
    import unicodedata

    marks = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Mn"]
    assert max(marks) > "\U00010000"  # astral ones too
    text = " ".join("a" + m + "b" for m in marks)
    assert simplify(text) == simplify_text(text)


def test_whitespace_of_str_split_is_that_of_the_regex():
    """`simplify` replaces datatrove's `\\s+` substitution by str.split(): the same characters."""
    import re
    import sys

    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    assert [c for c in chars if c.isspace()] == [c for c in chars if re.fullmatch(r"\s", c)]


def test_signatures_equal_datatrove_on_short_long_and_multibyte_documents(tmp_path):
    ref = MinhashDedupSignature(output_folder=str(tmp_path), language="deu_Latn",
                                config=MinhashConfig(hash_config=HashConfig(precision=64, hash_fc="xxhash")))
    # n-grams of every byte length class of xxh64 (<32, >=32 with 8/4/1-byte tails), many scripts
    texts = [TEXT, "", "zu kurz", "a b c d e", TEXT * 3] + ["\n".join(SENTENCES[i:i + 5]) for i in range(0, 200, 5)]
    for text in texts:
        ours = signature(ref.word_tokenizer.word_tokenize(simplify(text)), MinhashParams())
        expected = ref.get_signature(ref.get_shingles(text)) if ref.get_shingles(text).size else None
        if expected is None:
            assert ours is None
        else:
            assert np.array_equal(ours, np.concatenate(expected).astype(np.uint64))


def _reference_signature(words: list[str], params: MinhashParams) -> list[int]:
    """The definition in plain Python integers: xxh64 of each space-joined n-gram, (a*h + b) mod 2^64
    (numpy's uint64 wrap-around), mod 2^61 - 1, minimum per permutation."""
    a, b = mh._permutations(params.seed, params.num_buckets * params.hashes_per_bucket)
    grams = [" ".join(words[i:i + params.n_grams]) for i in range(len(words) - params.n_grams + 1)]
    hashes = [xxhash.xxh64_intdigest(g) for g in grams]
    return [min(((int(x) * h + int(y)) % 2**64) % ((1 << 61) - 1) for h in hashes) for x, y in zip(a, b)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
                | st.sampled_from(["ab", "a b", " x", "y ", "ä", "日本", "  "]), max_size=40))
def test_compiled_signature_equals_the_definition_for_any_tokens(words):
    """Tokens with spaces inside or around them (the offsets then come from each token's bytes),
    multi-byte text, fewer words than one n-gram."""
    params = MinhashParams()
    ours = signature(words, params)
    if len(words) < params.n_grams:
        assert ours is None
    else:
        assert ours.tolist() == _reference_signature(words, params)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.integers(0, 2**64 - 1), st.integers(0, 9))
def test_compiled_xxh64_equals_the_xxhash_package(data, seed, offset):
    buf = np.frombuffer(b"\x01" * offset + data, np.uint8)
    assert minhash_kernel.xxh64(buf, offset, len(data), np.uint64(seed)) == xxhash.xxh64_intdigest(data, seed=seed)


def test_band_keys_hash_each_band_of_the_signature_bytes():
    sig = np.arange(112, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    keys = minhash_kernel.band_keys(sig, 14, 8).tolist()
    assert keys == [xxhash.xxh64_intdigest(sig[8 * i:8 * i + 8].tobytes(), seed=i) for i in range(14)]


def test_mersenne_reduction_handles_values_at_and_above_the_modulus():
    m = (1 << 61) - 1
    one, zero = np.ones(3, np.uint64), np.zeros(3, np.uint64)
    for values in ([m, m + 3, 2**64 - 1], [m + 5, 2**64 - 1], [2**64 - 1], [12345, 2**63 + 17]):
        hashes = np.array(values, np.uint64)
        assert minhash_kernel.min_permuted(hashes, one, zero).tolist() == [min(v % m for v in values)] * 3
