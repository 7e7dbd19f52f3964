"""Who we are, in one place: the package version and what every request says about us."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/aggregator-blog/aggregator"
USER_AGENT = f"aggregator/{__version__} (+{PROJECT_URL})"
