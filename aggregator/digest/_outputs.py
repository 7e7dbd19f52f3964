"""Writing the configured outputs: atomically, and only when their content changed.

Atomically: the new content goes to a temporary file beside the output, then replaces it
with one rename, so the blog never serves a half-written file. Only when changed: an output
whose bytes would be the same is not touched, so its mtime (and the blog's cache) stay.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from aggregator._files import PUBLIC, read_if_plausible, replace_atomically
from aggregator.config import Config, Output, Settings
from aggregator.digest._thumbnails import LocalImages
from aggregator.errors import ConfigError, OutputError
from aggregator.store import Store


@dataclass(frozen=True, slots=True)
class WrittenOutput:
    path: Path
    changed: bool
    error: str | None = None


def write_outputs(
    config: Config,
    store: Store,
    now: datetime | None = None,
    images: LocalImages | None = None,
) -> list[WrittenOutput]:
    """Render and write every `settings.outputs` entry; one failing does not stop the others.

    One WrittenOutput per output, in order: `changed` says whether its file was replaced.
    `images`: the local copies of the shown entries' images (`thumbnails: local`, see
    aggregator.publish, which copies them first).
    """
    from aggregator.digest._render import render  # jinja2: only when something is written

    now = now or datetime.now(UTC)
    written = []
    for output in config.settings.outputs:
        try:
            url = public_url(output, config.settings)
            content = render(
                config,
                store,
                output.format,
                layout=output.layout,
                css=output.css,
                url=url,
                now=now,
                images=images.images_for(output.path, url) if images else None,
            )
            changed = write_if_changed(output.path, content)
        except (OutputError, ConfigError) as error:
            written.append(WrittenOutput(output.path, False, str(error)))
        except sqlite3.Error as error:  # reading the entries failed: this output is not written
            written.append(WrittenOutput(output.path, False, f"{output.path}: database: {error}"))
        else:
            written.append(WrittenOutput(output.path, changed))
    return written


def public_url(output: Output, settings: Settings) -> str | None:
    """Where the blog serves `output`: its `url`, else its file name under
    settings.public_url."""
    if output.url or not settings.public_url:
        return output.url
    return settings.public_url.rstrip("/") + "/" + quote(output.path.name)


def write_if_changed(path: Path, content: str, mode: int = PUBLIC) -> bool:
    """Replace `path` atomically with `content`; leave it (and its mtime) alone if equal.

    Only a regular file of the same size is read to compare: whatever else is there (a
    FIFO, a link to `/dev/zero`) is replaced unread. A new file gets `mode` less the umask;
    an existing regular file keeps its permissions."""
    data = content.encode("utf-8")
    try:
        if read_if_plausible(path, len(data)) == data:
            return False
    except OSError as error:
        raise OutputError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, data, mode)
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None
    return True
