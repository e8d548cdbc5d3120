"""FineWeb2 pipeline job. `ray submit` uploads this file alone; all logic lives in the installed
`curate` package. With no arguments it processes the bundled sample snapshot into ./output on a
local Ray instance (or the Ray cluster this node belongs to)."""
import sys

from curate.run.cli import run_pipeline_main

if __name__ == "__main__":
    sys.exit(run_pipeline_main())
