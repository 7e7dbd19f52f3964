"""The thumbnails folder: files named by their content's hash, and `.thumbnails.json`,
which remembers what each image URL gave (its files, or why it failed and when)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

from aggregator._files import replace_atomically
from aggregator.digest._thumbnails import LocalImage
from aggregator.thumbnails._images import file_name

RETRY_AFTER = timedelta(days=1)
MANIFEST = ".thumbnails.json"
OURS = re.compile(r"[0-9a-f]{20}\.webp")
"""The files this module writes; nothing else in the folder is ever removed."""


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """A thumbnail's files, named relative to the thumbnails folder."""

    small: str
    """At the box's size."""
    large: str | None = None
    """At twice the box's size, for high-density screens, when the original is that large."""


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
