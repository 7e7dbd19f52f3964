"""Fetching the images the digest shows, by the feeds' rules (deadline, every hop's address
checked, a size cap), each once; then the folder keeps only what some output shows."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import httpx

from aggregator._urls import safe_http_url
from aggregator.config import Config
from aggregator.digest._thumbnails import LocalImage, shown_image_urls, thumbnail_folder
from aggregator.fetching._client import Fetcher, FetchOptions, new_client
from aggregator.models import FeedSource, Fetched, FetchFailed
from aggregator.retrieve import fetch_options
from aggregator.store import Store
from aggregator.thumbnails._folder import Thumbnail, ThumbnailFolder
from aggregator.thumbnails._images import ImageRefused, make_thumbnails

MAX_IMAGE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ShownImages:
    """The copies of the images the digest shows, for the outputs to refer to."""

    folder: ThumbnailFolder
    urls: tuple[str, ...]

    def images_for(self, output: Path, published: str | None) -> dict[str, LocalImage]:
        return self.folder.images_for(self.urls, output, published)


def copy_shown_images(
    config: Config, store: Store, now: datetime, client: httpx.AsyncClient | None = None
) -> tuple[ShownImages, str | None]:
    """Copy the images of the entries the page and fragment outputs show (those not copied
    yet), remove the copies none shows any more; and why the folder could not be updated
    (one line), if it could not."""
    wanted = shown_image_urls(config, store, now)
    path = thumbnail_folder(config.settings, config.path.parent)
    folder = ThumbnailFolder.open(path)
    shown = ShownImages(folder, tuple(wanted))
    try:
        update_thumbnails(folder, wanted, now, fetch_options(config.settings), client)
    except OSError as error:
        return shown, f"{path}: cannot update the thumbnails: {error.strerror or error}"
    return shown, None


@dataclass(frozen=True, slots=True)
class ThumbnailReport:
    fetched: dict[str, Thumbnail] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    """Image URL -> why it is not used (one line)."""
    removed: list[str] = field(default_factory=list)


def update_thumbnails(
    folder: ThumbnailFolder,
    wanted: Mapping[str, bool],
    now: datetime,
    options: FetchOptions | None = None,
    client: httpx.AsyncClient | None = None,
    max_bytes: int = MAX_IMAGE_BYTES,
) -> ThumbnailReport:
    """Fetch the images in `wanted` (URL -> whether its feed allows private addresses) that
    are due, forget those not wanted, and save the folder's record. Never raises for one
    image; raises OSError when the record cannot be saved."""
    options = replace(options or FetchOptions(), max_bytes=max_bytes)
    due = {u: private for u, private in wanted.items() if folder.due(u, now)}
    report = ThumbnailReport()
    if due:
        asyncio.run(_fetch_all(folder, due, now, options, client, report))
    report.removed.extend(folder.keep_only(wanted))
    folder.save()
    return report


async def _fetch_all(
    folder: ThumbnailFolder,
    due: Mapping[str, bool],
    now: datetime,
    options: FetchOptions,
    client: httpx.AsyncClient | None,
    report: ThumbnailReport,
) -> None:
    http = client or new_client(options)
    try:
        fetcher = Fetcher(http, options)
        results = await asyncio.gather(*(_fetch_one(fetcher, u, p) for u, p in due.items()))
    finally:
        if client is None:
            await http.aclose()
    for url, outcome in zip(due, results, strict=True):
        if isinstance(outcome, ImageRefused):
            report.failed[url] = str(outcome)
            folder.failed(url, str(outcome), now)
            continue
        try:
            report.fetched[url] = folder.add(url, outcome)
        except OSError as error:  # not recorded: tried again next run
            report.failed[url] = f"cannot write: {error.strerror or error}"


async def _fetch_one(fetcher: Fetcher, url: str, allow_private: bool) -> list[bytes] | ImageRefused:
    if safe_http_url(url) is None:
        return ImageRefused("not an http(s) URL")
    result = await fetcher.fetch(FeedSource(url=url, allow_private=allow_private), url=url)
    if isinstance(result, FetchFailed):
        return ImageRefused(result.message)
    if not isinstance(result, Fetched) or not result.content:
        return ImageRefused("empty answer")
    try:
        return await asyncio.to_thread(make_thumbnails, result.content)
    except ImageRefused as refused:
        return refused
