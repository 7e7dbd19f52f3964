"""aggregator: short excerpts of partner blogs' posts, as a « Plus d'articles » digest.

>>> from aggregator import load_config, Store, update_feeds, render
>>> config = load_config("feeds.yaml")
>>> with Store(config.settings.database) as store:
...     report = update_feeds(config, store)
...     html = render(config, store, "fragment")
"""

import importlib
from typing import TYPE_CHECKING, Any

from aggregator.version import PROJECT_URL, USER_AGENT, __version__

if TYPE_CHECKING:
    from aggregator.config import Config, load_config
    from aggregator.digest._outputs import write_outputs
    from aggregator.digest._render import render
    from aggregator.errors import AggregatorError, ConfigError
    from aggregator.pipeline import update_feeds
    from aggregator.store import Store

# Imported on first use: a parser process (it imports aggregator.parsing._parse, so this package)
# needs neither httpx, SQLite nor Jinja, and is smaller without them.
_EXPORTS = {
    "Config": "config",
    "load_config": "config",
    "AggregatorError": "errors",
    "ConfigError": "errors",
    "update_feeds": "pipeline",
    "render": "digest._render",
    "write_outputs": "digest._outputs",
    "Store": "store",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'aggregator' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"aggregator.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


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
    "write_outputs",
]
