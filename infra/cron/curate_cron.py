"""`ray submit` entry point of `curate cron` (ray submit uploads one script and runs it with python
on the head node; all logic lives in the installed `curate` package). Same options as `curate cron`."""
import sys

from curate.run.cron import main

if __name__ == "__main__":
    sys.exit(main())
