"""`aggregator.retention.prune(config, store)`, as the README first documented it: the
function lives with the other library verbs of a run, in `aggregator.pipeline`."""

from aggregator.pipeline import prune

__all__ = ["prune"]
