"""A partner whose posts carry very long links grows the database by about what it stores,
not several times it (issue 13, point 11: the link's key was stored and indexed twice)."""

from __future__ import annotations

from itertools import count

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import WriteConfig
from .stored import count_entries

POSTS_PER_RUN = 200
SLUG = "un-titre-bien-trop-long-" * 78  # a 1.9 KB link, under the 2 KB cap


def campaign_feed(run: int) -> bytes:
    """A WordPress-shaped RSS 2.0 document whose 200 posts are all new on each run."""
    items = "".join(
        f"""<item>
  <title>Billet {run}-{i}</title>
  <link>https://a.example/{run}/{i}/{SLUG}</link>
  <guid isPermaLink="false">https://a.example/?p={run * 1000 + i}</guid>
  <pubDate>Mon, 23 Nov 2026 {i % 24:02d}:00:00 +0000</pubDate>
  <description><![CDATA[<p>Quelques lignes du billet {run}-{i}.</p>]]></description>
</item>"""
        for i in range(POSTS_PER_RUN)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>A</title><link>https://a.example/</link>
<description>A</description>{items}</channel></rss>""".encode()


def used_bytes(store: Store) -> int:
    pages, free, size = (
        store.db.execute(f"pragma {name}").fetchone()[0]
        for name in ("page_count", "freelist_count", "page_size")
    )
    return int((pages - free) * size)


def test_five_runs_of_long_links_grow_the_database_by_about_the_links(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    runs = count()

    def serve(request: Request) -> Response:
        return Response(campaign_feed(next(runs)), content_type="application/rss+xml")

    httpserver.expect_request("/feed").respond_with_handler(serve)
    config = write_config([{"url": httpserver.url_for("/feed"), "allow_private": True}])
    with Store(config.settings.database) as store:
        update_feeds(config, store)
        before = used_bytes(store)
        for _ in range(5):
            assert update_feeds(config, store, force=True).outcomes[0].new == POSTS_PER_RUN
        growth = used_bytes(store) - before
        assert count_entries(store) == 6 * POSTS_PER_RUN
    # was 13.6 MB (2.7 MB a run); now 4.3 MB: each link stored once, about a page a row
    assert growth < 3 * 5 * POSTS_PER_RUN * len(SLUG)
