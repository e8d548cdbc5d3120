"""Running the pipeline (the top layer).

* :mod:`curate.run.orchestrate`: the only module that imports Ray: tasks, retries, quarantine, progress.
* :mod:`curate.run.cli`: the ``curate`` command and its subcommands.
* :mod:`curate.run.cron`: new Common Crawl snapshots, incrementally, under a lease.
"""
