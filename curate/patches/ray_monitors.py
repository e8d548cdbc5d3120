"""The embedded Ray instance without the head's autoscaler monitor and log monitor.

Together they cost about 1.3 CPU s per run (start-up imports, then polling), a fixed-size local
instance has nothing to autoscale, and our tasks report through their results. Ray has the two
switches only on its node parameters (`RayParams.no_monitor`, `include_log_monitor`, which
`ray start` and `ray.cluster_utils` use), not on ray.init: they are set on the parameters ray.init
builds, for the duration of the call. A Ray of another version, or whose parameters lack them,
starts as usual. Imported only by `curate.run.orchestrate`, which already runs Ray.
"""
from __future__ import annotations

import contextlib
import inspect

LIBRARY, WRITTEN_FOR = "ray", "2.60.0"


@contextlib.contextmanager
def without_monitors(enabled: bool = True):
    """Within the block, Ray's node parameters default to no autoscaler monitor and no log monitor.
    Yields whether they do (False: Ray's own defaults)."""
    from ray._private import parameter

    original = parameter.RayParams.__init__
    if not enabled or not {"no_monitor", "include_log_monitor"} <= inspect.signature(original).parameters.keys():
        yield False
        return

    def init_without_monitors(self, *args, **kw):
        kw.setdefault("no_monitor", True)
        kw.setdefault("include_log_monitor", False)
        original(self, *args, **kw)

    parameter.RayParams.__init__ = init_without_monitors
    try:
        yield True
    finally:
        parameter.RayParams.__init__ = original
