"""Our vectorised signatures are bit-identical to datatrove's MinhashDedupSignature (FineWeb2's)."""
import numpy as np
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
from datatrove.utils.hashing import HashConfig

from curate.config import MinhashParams
from curate.minhash import doc_bands, shingles, signature

TEXT = ("Die Stadt liegt am Ufer des Flusses und ist seit dem Mittelalter ein wichtiger Handelsplatz. "
        "Im 19. Jahrhundert wuchs sie durch die Industrialisierung stark an, und heute leben dort "
        "mehr als 200.000 Menschen. Das Rathaus am Marktplatz gehört zu den schönsten Bauten der Region.")


def test_signature_equals_datatrove(tmp_path):
    ref = MinhashDedupSignature(output_folder=str(tmp_path), language="deu_Latn",
                                config=MinhashConfig(hash_config=HashConfig(precision=64, hash_fc="xxhash")))
    expected = np.concatenate(ref.get_signature(ref.get_shingles(TEXT))).astype(np.uint64)
    ours = signature(shingles(TEXT, ref.word_tokenizer, 5), MinhashParams())
    assert ours.shape == (112,) and np.array_equal(ours, expected)


def test_near_duplicates_share_a_band_and_strangers_do_not(tmp_path):
    ref = MinhashDedupSignature(output_folder=str(tmp_path), language="deu_Latn")
    tok = ref.word_tokenizer
    near = TEXT.replace("wichtiger", "bedeutender")
    other = "Ganz anders: ein Text über Katzen, Hunde und Vögel, der mit der Stadt nichts zu tun hat, gar nichts."
    a, b, c = (set(enumerate(doc_bands(t, tok, MinhashParams()))) for t in (TEXT, near, other))
    assert a & b and not a & c
    assert doc_bands("zu kurz", tok, MinhashParams()) is None
