"""The digest's side of `thumbnails: local`: which images the page and fragment show, and
how they refer to the copies (aggregator/thumbnails/ fetches and writes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from aggregator.config import Config, Settings
from aggregator.store import Store

PAGE_FORMATS = ("html", "fragment")
"""The outputs that show thumbnails (Atom and JSON Feed give readers the original URL)."""


@dataclass(frozen=True, slots=True)
class LocalImage:
    """What the <img> of a local thumbnail gets: paths relative to the output's file, or
    URLs under the output's published URL."""

    src: str
    srcset: str | None = None


class LocalImages(Protocol):
    """Where each output finds the copies (thumbnails.ShownImages)."""

    def images_for(self, output: Path, published: str | None) -> dict[str, LocalImage]: ...


def thumbnail_folder(settings: Settings, config_folder: Path) -> Path:
    """settings.thumbnails_dir, else `thumbs/` beside the first output (else the config's)."""
    if settings.thumbnails_dir is not None:
        return settings.thumbnails_dir
    return (settings.outputs[0].path.parent if settings.outputs else config_folder) / "thumbs"


def shown_image_urls(config: Config, store: Store, now: datetime) -> dict[str, bool]:
    """The image URL of every entry a page or fragment output shows -> whether its feed
    allows private addresses."""
    from aggregator.digest._render import select_digest  # jinja2: not for a fetch

    settings = config.settings
    private = {f.url: f.allow_private for f in config.feeds}
    pages = [o for o in settings.outputs if o.format in PAGE_FORMATS]
    layouts = {o.layout or settings.layout for o in pages}
    wanted: dict[str, bool] = {}
    for layout in sorted(layouts):
        for entry in select_digest(config, store, layout, now).entries:
            if entry.thumbnail:
                wanted[entry.thumbnail] = private.get(entry.feed_url, False)
    return wanted
