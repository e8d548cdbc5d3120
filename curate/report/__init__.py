"""What a run tells its users, from its stats alone.

* :mod:`curate.report.outputs`: stats.json, run.json and the card at the end of a run.
* :mod:`curate.report.card`, :mod:`curate.report.card_diff`, :mod:`curate.report.plots`: the dataset card and its pictures.
* :mod:`curate.report.rehydrate`: FineWeb2's upsampling weights by cluster size.
* :mod:`curate.report.status`: progress and quarantined shards, from the output store.
* :mod:`curate.report.publish`: the push to the Hugging Face Hub.
"""
