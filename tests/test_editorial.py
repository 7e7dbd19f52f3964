"""Issue 15 through the real store and renderer: filters, the age window and hidden posts
decide what the digest shows; `thumbnails: local` puts only copies on the page."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from aggregator.digest._render import render
from aggregator.models import FeedSource, ParsedEntry, ParsedFeed
from aggregator.publish import publish
from aggregator.store import Store
from aggregator.thumbnails import MANIFEST, ThumbnailFolder

from .conftest import WriteConfig
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)
from .stored import NOW

A, B = "https://a.example/feed", "https://b.example/feed"


def post(n: int, days_old: float = 0, **fields: Any) -> ParsedEntry:
    values: dict[str, Any] = {
        "entry_id": f"https://a.example/?p={n}",
        "title": f"Billet {n}",
        "link": f"https://a.example/billet-{n}/",
        "excerpt": f"Texte du billet {n}.",
        "published": NOW - timedelta(days=days_old, hours=n),
        "content_hash": f"h{n}",
        **fields,
    }
    return ParsedEntry(**values)


def store_posts(store: Store, *entries: ParsedEntry, url: str = A) -> None:
    store.save_feed(FeedSource(url=url), ParsedFeed("Blog", url, tuple(entries)), NOW)


def titles(page: str) -> list[str]:
    return re.findall(r'rel="noopener noreferrer"[^>]*>(Billet \d+)</a></h\d>', page)


def test_filters_leave_posts_out_and_the_next_ones_take_their_place(
    write_config: WriteConfig,
) -> None:
    config = write_config(
        [{"url": A, "filters": {"categories": ["Développement web"]}}],
        entries_per_feed=2,
        filters={"exclude": ["sponsorisé"]},
    )
    web = ("Développement web",)
    with Store(config.settings.database) as store:
        store_posts(
            store,
            post(1, title="Billet 1 sponsorisé", categories=web),
            post(2, categories=("Voyages",)),
            post(3, categories=web),
            post(4, excerpt="Un billet SPONSORISE.", categories=web),
            post(5, categories=("développement WEB",)),
        )
        page = render(config, store, "html", now=NOW)
        river = render(config, store, "fragment", layout="river", now=NOW)
    assert titles(page) == ["Billet 3", "Billet 5"]
    assert titles(river) == ["Billet 3", "Billet 5"]


def test_the_age_window_shows_recent_posts_and_keeps_the_others(
    write_config: WriteConfig,
) -> None:
    config = write_config([A, {"url": B, "max_age_days": 60}], max_age_days=10)
    with Store(config.settings.database) as store:
        store_posts(store, post(1, days_old=2), post(2, days_old=30))
        store_posts(store, post(3, days_old=30, link="https://b.example/3"), url=B)
        page = render(config, store, "html", now=NOW)
        assert len(store.latest(limit=None)) == 3  # kept, just not shown
        later = render(config, store, "html", now=NOW + timedelta(days=40))
    assert titles(page) == ["Billet 1", "Billet 3"]
    assert titles(later) == []
    assert "Aucun article" in later


def test_a_hidden_post_survives_guid_churn_and_a_tracking_query(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    config = write_config([A], entries_per_feed=5)
    with Store(config.settings.database) as store:
        store_posts(store, post(1), post(2))
        hidden = store.hide("https://a.example/billet-1/", "demande de l'auteur", NOW)
        assert [(p.entry_id, p.reason) for p in hidden] == [
            ("https://a.example/?p=1", "demande de l'auteur")
        ]
        assert titles(render(config, store, "html", now=NOW)) == ["Billet 2"]
        # the partner's feed changes the post's guid and adds a utm_ query to its link
        churned = post(1, entry_id="urn:uuid:77", link="https://a.example/billet-1?utm_source=rss")
        store_posts(store, churned, post(2))
        # and again after the feed was removed and added back: a new row, a new id
        store.delete_feed(A)
        store_posts(store, replace(churned, entry_id="urn:uuid:78"), post(2))
        assert {e.entry_id for e in store.latest(limit=None)} == {"urn:uuid:78", post(2).entry_id}
        for format in ("html", "fragment", "atom", "json"):
            assert "Billet 1" not in render(config, store, format, now=NOW), format
        assert [p.title for p in store.hidden_posts()] == ["Billet 1"]
        assert store.unhide("https://a.example/billet-1/?utm_medium=email") == 1
        assert titles(render(config, store, "html", now=NOW)) == ["Billet 1", "Billet 2"]
        assert store.hide("https://nowhere.example/", None, NOW) == []


def jpeg(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_local_thumbnails_put_only_copies_on_the_page(
    recording_server: RecordingServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    good = recording_server.route("/good.jpg", jpeg((800, 450)), content_type="image/jpeg")
    html = recording_server.route("/html.jpg", b"<html>no</html>", content_type="image/jpeg")
    huge = recording_server.route("/huge.jpg", bytes(50 << 20), content_type="image/jpeg")
    bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\xea\x60\x00\x00\xea\x60\x08\x00"
    bomb_url = recording_server.route("/bomb.png", bomb + b"\x00" * 64, content_type="image/png")
    config = write_config(
        [{"url": A, "allow_private": True}],
        thumbnails="local",
        entries_per_feed=5,
        outputs=[
            {"format": "html", "path": "public/page.html"},
            {
                "format": "fragment",
                "path": "public/blog/part.html",
                "url": "https://b.example/blog/part.html",
            },
            {"format": "atom", "path": "public/digest.atom"},
        ],
    )
    with Store(config.settings.database) as store:
        store_posts(
            store,
            *(post(n, thumbnail=url) for n, url in enumerate([good, html, huge, bomb_url], 1)),
            post(5),
        )
        written = publish(config, store, now=NOW)
        assert not [w.error for w in written if w.error]
        thumbs = tmp_path / "public" / "thumbs"
        copy = ThumbnailFolder.open(thumbs).get(good)
        assert copy is not None and copy.large is not None
        # the good image at 1x and 2x; nothing else written
        assert sorted(p.name for p in thumbs.glob("*.webp")) == sorted([copy.small, copy.large])
        page = (tmp_path / "public/page.html").read_text()
        part = (tmp_path / "public/blog/part.html").read_text()
        assert titles(page) == [f"Billet {n}" for n in range(1, 6)]  # every entry stays
        assert re.findall(r'<img[^>]* src="([^"]+)"', page) == [f"thumbs/{copy.small}"]
        assert "127.0.0.1" not in page and "127.0.0.1" not in part
        [srcset] = re.findall(r'srcset="([^"]+)"', part)
        assert srcset == (
            f"https://b.example/thumbs/{copy.small} 1x, https://b.example/thumbs/{copy.large} 2x"
        )
        requests = len(recording_server.requests)

        publish(config, store, now=NOW)  # each image was fetched once
        assert len(recording_server.requests) == requests
        store.hide("https://a.example/billet-1/", None, NOW)
        publish(config, store, now=NOW)
        assert list(thumbs.glob("*.webp")) == [] and (thumbs / MANIFEST).exists()
        assert "<img" not in (tmp_path / "public/page.html").read_text()
