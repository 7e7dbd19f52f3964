"""Thumbnails served from the blog (`thumbnails: local`): the visitor's browser asks the
partner for nothing.

Each image is fetched once, by the feeds' rules (deadline, address checked on every hop, a
size cap), decoded by Pillow from the web's formats only (never EPS or the like, which would
run a decoder nobody audits for this), refused past a pixel count before it is decoded,
cut to the digest's box at 1x and 2x, and written as WebP from fresh pixels: no EXIF, GPS,
XMP or colour profile of the original survives. File names are hashes of the content;
`.thumbnails.json` in the folder remembers which URL gave which files (or failed, and
when), so that a URL is fetched again only after a failure, a day later.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import httpx
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from aggregator._files import replace_atomically
from aggregator._urls import redact, safe_http_url
from aggregator.config import Config
from aggregator.digest._render import select_digest
from aggregator.fetching._client import Fetcher, FetchOptions, new_client
from aggregator.models import FeedSource, Fetched, FetchFailed
from aggregator.retrieve import fetch_options
from aggregator.store import Store

BOX = (160, 90)
"""The width and height the templates give a thumbnail (16:9)."""
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
"""Refused past this many pixels, before decoding: a decompression bomb is a small file."""
RETRY_AFTER = timedelta(days=1)
MANIFEST = ".thumbnails.json"
PAGE_FORMATS = ("html", "fragment")
"""The outputs that show thumbnails (Atom and JSON Feed give readers the original URL)."""
OURS = re.compile(r"[0-9a-f]{20}\.webp")
"""The files this module writes; nothing else in the folder is ever removed."""
Image.init()  # registers the format plugins, so that WEB_FORMATS can ask which are there
WEB_FORMATS = tuple(f for f in ("JPEG", "PNG", "WEBP", "GIF", "AVIF") if f in Image.OPEN)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRefused(Exception):
    """Why an image is not used: one line, the entry keeps no image."""


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """A thumbnail's files, named relative to the thumbnails folder."""

    small: str
    """At the box's size."""
    large: str | None = None
    """At twice the box's size, for high-density screens, when the original is that large."""


# --- images -----------------------------------------------------------------------------------


def make_thumbnails(data: bytes, box: tuple[int, int] = BOX) -> list[bytes]:
    """WebP files of the image in `data`, cut to `box` and (when large enough) to twice
    `box`. Raises ImageRefused when `data` is not an image Pillow decodes within limits."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=WEB_FORMATS) as image:
                return _thumbnails_of(image, box)
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageRefused(f"too many pixels ({error})"[:200]) from None
        except UnidentifiedImageError:
            raise ImageRefused("not an image in a web format") from None
        except Exception as error:  # a decoder fed hostile bytes may raise anything
            raise ImageRefused(f"cannot decode the image: {error}"[:200]) from None


def _thumbnails_of(image: Image.Image, box: tuple[int, int]) -> list[bytes]:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageRefused(f"{width}×{height} pixels: more than {MAX_PIXELS} to decode")
    large = (box[0] * 2, box[1] * 2)
    # JPEG decodes at 1/2, 1/4 or 1/8 scale when that is still large enough: less memory.
    image.draft("RGB", (max(large), max(large)))
    image.seek(0)  # an animation shows its first frame
    image.load()
    upright = ImageOps.exif_transpose(image)  # before the EXIF orientation tag is dropped
    frame = _in_srgb(upright.convert("RGBA" if image.has_transparency_data else "RGB"), image)
    sizes = [box]
    if frame.width >= large[0] and frame.height >= large[1]:
        sizes.append(large)
    return [_webp(ImageOps.fit(frame, size, Image.Resampling.LANCZOS)) for size in sizes]


def _in_srgb(frame: Image.Image, original: Image.Image) -> Image.Image:
    """The pixels converted to sRGB when the original carries a colour profile (the copy
    carries none, and browsers take untagged pixels for sRGB)."""
    profile = original.info.get("icc_profile")
    if not profile or original.mode not in ("RGB", "RGBA"):
        return frame
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(frame, source, _SRGB, outputMode=frame.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return frame  # a broken profile: the pixels as they are
    return converted if converted is not None else frame


def _webp(image: Image.Image) -> bytes:
    """WebP from the pixels alone: a new image carries no metadata of the original."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    clean.save(buffer, "WEBP", quality=80, method=4)
    return buffer.getvalue()


def file_name(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20] + ".webp"


@dataclass(frozen=True, slots=True)
class LocalImage:
    """What the <img> of a local thumbnail gets: paths relative to the output's file, or
    URLs under the output's published URL."""

    src: str
    srcset: str | None = None


# --- the folder -------------------------------------------------------------------------------


@dataclass
class ThumbnailFolder:
    """The images of `thumbnails: local`, and what each image URL gave."""

    path: Path
    records: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path) -> ThumbnailFolder:
        """The folder's record; an unreadable one is started again (images are fetched
        again, nothing else is lost)."""
        try:
            data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
            records = data["images"] if isinstance(data.get("images"), dict) else {}
        except (OSError, ValueError, AttributeError):
            records = {}
        return cls(path, {k: v for k, v in records.items() if isinstance(v, dict)})

    def get(self, url: str) -> Thumbnail | None:
        files = self.records.get(url, {}).get("files")
        if not isinstance(files, list) or not files:
            return None
        if not all(isinstance(f, str) and (self.path / f).is_file() for f in files):
            return None
        return Thumbnail(files[0], files[1] if len(files) > 1 else None)

    def due(self, url: str, now: datetime) -> bool:
        """Not fetched yet, its files gone, or failed more than RETRY_AFTER ago."""
        record = self.records.get(url)
        if record is None or "failed" not in record:
            return self.get(url) is None
        try:
            return now - datetime.fromisoformat(record["failed"]) > RETRY_AFTER
        except (TypeError, ValueError):
            return True

    def add(self, url: str, images: list[bytes]) -> Thumbnail:
        """Write `images` (each under its content hash, atomically). Raises OSError."""
        self.path.mkdir(parents=True, exist_ok=True)
        names = []
        for data in images:
            name = file_name(data)
            if not (self.path / name).is_file():
                replace_atomically(self.path / name, data, 0o644)
            names.append(name)
        self.records[url] = {"files": names}
        return Thumbnail(names[0], names[1] if len(names) > 1 else None)

    def images_for(
        self, urls: Iterable[str], output: Path, published: str | None = None
    ) -> dict[str, LocalImage]:
        """Image URL -> how the output written at `output` (and served at `published`)
        refers to its copy, for those of `urls` that have one."""
        images = {}
        for url in urls:
            thumbnail = self.get(url)
            if thumbnail is None:
                continue
            small = self._reference(thumbnail.small, output, published)
            srcset = None
            if thumbnail.large is not None:
                srcset = f"{small} 1x, {self._reference(thumbnail.large, output, published)} 2x"
            images[url] = LocalImage(small, srcset)
        return images

    def _reference(self, name: str, output: Path, published: str | None) -> str:
        relative = os.path.relpath((self.path / name).resolve(), output.parent.resolve())
        path = quote(Path(relative).as_posix())
        return urljoin(published, path) if published else path

    def failed(self, url: str, error: str, now: datetime) -> None:
        self.records[url] = {"failed": now.isoformat(), "error": error}

    def keep_only(self, urls: Iterable[str]) -> list[str]:
        """Forget every other URL and remove the files no kept URL uses; the removed names."""
        kept = set(urls)
        self.records = {u: r for u, r in self.records.items() if u in kept}
        used = {f for r in self.records.values() for f in r.get("files", ())}
        removed = []
        if self.path.is_dir():
            for file in self.path.iterdir():
                if OURS.fullmatch(file.name) and file.name not in used:
                    file.unlink(missing_ok=True)
                    removed.append(file.name)
        return sorted(removed)

    def save(self) -> None:
        """Raises OSError."""
        self.path.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"images": self.records}, ensure_ascii=False, indent=1, sort_keys=True)
        replace_atomically(self.path / MANIFEST, text.encode("utf-8"), 0o644)


# --- the run ------------------------------------------------------------------------------


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
    path = config.settings.thumbnail_folder or config.path.parent / "thumbs"
    folder = ThumbnailFolder.open(path)
    shown = ShownImages(folder, tuple(wanted))
    try:
        update_thumbnails(folder, wanted, now, fetch_options(config.settings), client)
    except OSError as error:
        return shown, f"{path}: cannot update the thumbnails: {error.strerror or error}"
    return shown, None


def shown_image_urls(config: Config, store: Store, now: datetime) -> dict[str, bool]:
    """The image URL of every entry a page or fragment output shows -> whether its feed
    allows private addresses."""
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


# --- fetching ---------------------------------------------------------------------------------


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


def describe(url: str, reason: str) -> str:
    """One line for the log: which image, and why it is not used."""
    return f"image {redact(url)[:120]}: {reason}"
