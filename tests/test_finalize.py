"""Finalize runs FineWeb2's filters after dedup: each cluster's representative is filtered, its copies are
counted as duplicates only, and the dataset is what filtering every document first would give."""
import pyarrow as pa
import pyarrow.parquet as pq

from curate.config import PipelineConfig
from curate.stages.finalize import finalize_group
from curate.stages.shard import doc_key
from curate.store.counters import Counters
from curate.store.schema import CLUSTER_SCHEMA, STAGED_SCHEMA
from filters.quality import quality_filter

GOOD = """La ville de Lyon se trouve au confluent du Rhône et de la Saône, dans le centre-est de la France.
Elle est connue pour sa gastronomie, ses traboules et son quartier de la Renaissance, inscrit au patrimoine mondial.
Chaque année, au mois de décembre, la fête des Lumières attire des millions de visiteurs venus de tout le pays.
Les habitants placent des bougies sur le rebord de leurs fenêtres, et les monuments de la ville sont illuminés.
Le musée des Confluences, ouvert en 2014, présente des collections de sciences naturelles et de sociétés humaines.
On peut aussi monter sur la colline de Fourvière pour admirer la vue sur les toits et les deux fleuves.
Les bouchons lyonnais servent une cuisine simple et généreuse, avec des plats comme la quenelle ou le saucisson.
Pour se déplacer, le métro et le tramway relient facilement les différents quartiers de la ville entre eux."""
JUNK = "\n".join(["Cliquez ici pour voir nos offres du jour."] * 40)


def _doc(rid: str, text: str, score: float = 0.9, reason=None) -> dict:
    return {"text": text, "id": rid, "dump": "CC-MAIN-2024-10", "url": f"https://example.fr/{rid}", "date": "2024-02-20",
            "file_path": "shard-0.warc.gz", "language": "fra", "language_score": score, "language_script": "Latn",
            "top_langs": "{}", "warc_record_offset": 0, "doc_key": doc_key(rid), "content_hash": 1 << 63,
            "exact_hash": 0, "filter_reason": reason, "minhash_bands": None if reason else [1, 2, 3]}


def test_filters_run_on_representatives_and_give_the_filter_first_dataset(tmp_path):
    docs = [_doc("good", GOOD), _doc("junk-a", JUNK), _doc("junk-b", JUNK + "\n"), _doc("junk-c", JUNK + " "),
            _doc("unsure", GOOD.replace("Lyon", "Lugdunum"), score=0.2, reason="language_score")]
    part, clusters = tmp_path / "part.parquet", tmp_path / "clusters.parquet"
    pq.write_table(pa.Table.from_pylist(docs, schema=STAGED_SCHEMA), part)
    rep = doc_key("junk-a")  # one near-duplicate cluster of three junk pages
    pq.write_table(pa.Table.from_pylist([{"doc_key": doc_key(r), "cluster_id": rep, "cluster_size": 3}
                                         for r in ("junk-a", "junk-b", "junk-c")], schema=CLUSTER_SCHEMA), clusters)
    cfg = PipelineConfig(input=str(tmp_path), output=str(tmp_path / "out"))
    result = finalize_group("fra_Latn", 0, [str(part)], [str(clusters)], cfg, docs_before_filtering=4)

    out = {f: pq.read_table(tmp_path / "out" / f).to_pylist() for f in result["files"]}
    kept = {r["id"]: r for f, rs in out.items() if "/fra_Latn/" in f for r in rs}
    removed = {r["id"]: r for f, rs in out.items() if "/fra_Latn_removed/" in f for r in rs}
    assert set(kept) == {"good"} and kept["good"]["minhash_cluster_size"] == 1
    # the representative carries the verdict the filters give its text; its copies are only duplicates
    assert removed["junk-a"]["filter_reason"] == quality_filter("fra_Latn").check(JUNK) == "dup_line_frac"
    assert removed["junk-a"]["minhash_cluster_size"] == 3
    assert removed["unsure"]["filter_reason"] == "language_score" and "junk-b" not in removed
    c = Counters.from_rows(result["counters"])
    assert c.total("dedup", "fra_Latn", "minhash_duplicate") == 2
    assert c.total("filters", "fra_Latn", "dup_line_frac") == 1 and c.total("filters", "fra_Latn", "kept") == 1
    # word counts are the filters' tokenization of the text before FineWeb2's final touches
    words = len(quality_filter("fra_Latn").words(GOOD))
    assert words > 100 and c.total("output", "fra_Latn", "test_words") + c.total("output", "fra_Latn", "train_words") == words
    assert result["filters_cpu_seconds"] > 0
