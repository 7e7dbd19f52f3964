from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from aggregator.config import Config, load_config

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data() -> Path:
    return DATA


WriteConfig = Callable[..., Config]


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    """Write a feeds.yaml in tmp_path and load it. Feeds are dicts or URLs."""

    def write(feeds: list[Any], **settings: Any) -> Config:
        document = {"settings": {"database": "test.db", **settings}, "feeds": feeds}
        path = tmp_path / "feeds.yaml"
        with path.open("w") as file:
            YAML().dump(document, file)
        return load_config(path)

    return write


def local_feed(name: str, **extra: Any) -> dict[str, Any]:
    return {"url": str(DATA / name), **extra}
