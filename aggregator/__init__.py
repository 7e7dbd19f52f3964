"""aggregator: short excerpts of partner blogs' posts, as a « Plus d'articles » digest.

    >>> from aggregator import load_config, Store, update_feeds, render
    >>> config = load_config("feeds.yaml")
    >>> with Store(config.settings.database) as store:
    ...     report = update_feeds(config, store)
    ...     html = render(config, store, "fragment")
"""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/aggregator-blog/aggregator"
USER_AGENT = f"aggregator/{__version__} (+{PROJECT_URL})"

from aggregator.config import Config, load_config  # noqa: E402
from aggregator.errors import AggregatorError, ConfigError  # noqa: E402
from aggregator.pipeline import update_feeds  # noqa: E402
from aggregator.render import render  # noqa: E402
from aggregator.store import Store  # noqa: E402

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
