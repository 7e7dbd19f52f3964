"""aggregator: short excerpts of partner blogs' posts, as a « Plus d'articles » digest.

    >>> from aggregator import load_config, Store, update_feeds, render
    >>> config = load_config("feeds.yaml")
    >>> with Store(config.settings.database) as store:
    ...     report = update_feeds(config, store)
    ...     html = render(config, store, "fragment")
"""

from aggregator.config import Config, load_config
from aggregator.errors import AggregatorError, ConfigError
from aggregator.pipeline import update_feeds
from aggregator.render import render
from aggregator.store import Store
from aggregator.version import PROJECT_URL, USER_AGENT, __version__

__all__ = [
    "PROJECT_URL",
    "USER_AGENT",
    "AggregatorError",
    "Config",
    "ConfigError",
    "Store",
    "__version__",
    "load_config",
    "render",
    "update_feeds",
]
