"""Audits by people who read the language: packs, the review page, ingesting their labels.

* :mod:`curate.audit.taxonomy`: the labels (Kreutzer et al., 2022) and the default sample sizes.
* :mod:`curate.audit.pack`: a reproducible sample of kept and removed documents of one language.
* :mod:`curate.audit.page`: the self-contained review page of a pack; :mod:`curate.audit.serve` serves it.
* :mod:`curate.audit.ingest`: reviewers' label files, checked, folded into stats.json and the card.
* :mod:`curate.audit.cli`: ``curate audit OUTPUT ...``, ``curate audit serve PACK``, ``curate audit ingest``.

Layer: above `curate.report` (ingest re-renders the card), below `curate.run`.
"""
