"""`publish(config, store)`: every configured output written, after the local copies of
the images they show (`thumbnails: local`): what `aggregator run` does once feeds are read.

Kept apart from digest/ because the copies are fetched (fetching/), which the digest never
does; the images are fetched before the outputs are rendered, so that each output refers
only to copies that exist.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from aggregator.config import Config
from aggregator.digest._outputs import WrittenOutput, write_outputs
from aggregator.store import Store


def publish(
    config: Config,
    store: Store,
    now: datetime | None = None,
    client: httpx.AsyncClient | None = None,
) -> list[WrittenOutput]:
    """`write_outputs`, with the images copied first when `thumbnails: local`; a thumbnails
    folder that cannot be written adds one WrittenOutput with its error."""
    now = now or datetime.now(UTC)
    if config.settings.thumbnails != "local":
        return write_outputs(config, store, now)
    from aggregator.thumbnails import copy_shown_images  # Pillow: only when asked for

    images, failure = copy_shown_images(config, store, now, client)
    written = write_outputs(config, store, now, images)
    if failure is not None:
        written.append(WrittenOutput(images.folder.path, False, failure))
    return written
