"""Issue 11, point 4: `page_summary` reads the post's page once for an entry without text of
its own: its meta description, else its first real paragraph; og:image as thumbnail."""

from __future__ import annotations

from typing import Any

import pytest

from aggregator.parsing._page_summary import page_summary
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import WriteConfig
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Carnet</title><link>{base}/</link><description>d</description>
<item><title>Le marché de Noël</title><link>{base}/marche/</link><guid>p1</guid>
<content:encoded><![CDATA[<p>L’article <a href="{base}/marche/">Le marché de Noël</a> est
apparu en premier sur <a href="{base}/">Carnet</a>.</p>]]></content:encoded></item>
<item><title>Brève</title><link>{base}/breve/</link><guid>p2</guid><description></description>
</item>
<item><title>Un vrai billet</title><link>{base}/billet/</link><guid>p3</guid>
<description>Un texte à lui, qui n’a besoin de personne.</description></item>
</channel></rss>"""
PAGE_WITH_META = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<meta name="description" content="Trente chalets, du vin chaud et des santons : le marché
de Noël ouvre samedi place de la Mairie.">
<meta property="og:image" content="/images/marche.jpg"></head>
<body><nav><p>Accueil · Billets · Contact</p></nav><p>Premier paragraphe.</p></body></html>"""
PAGE_WITHOUT_META = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<header><p>Carnet, le blog de l’atelier de reliure du quartier, depuis 2009 déjà.</p></header>
<p>Court.</p>
<p>Une brève&nbsp;: l’atelier ferme du 24 décembre au 2 janvier, les cours reprennent le
lundi suivant à la même heure.</p></body></html>"""


def serve(server: RecordingServer) -> str:
    feed = server.route("/feed", FEED.format(base=server.url))
    server.route("/marche/", PAGE_WITH_META, content_type="text/html; charset=utf-8")
    server.route("/breve/", PAGE_WITHOUT_META, content_type="text/html")
    return feed


def stored(config: Any) -> dict[str, tuple[str, str | None]]:
    with Store(config.settings.database) as store:
        rows = store.db.execute("select title, excerpt, thumbnail from entries").fetchall()
    return {title: (excerpt, thumbnail) for title, excerpt, thumbnail in rows}


def page_requests(server: RecordingServer) -> list[str]:
    return [p for p in server.paths() if p != "/feed"]


def test_an_entry_without_text_gets_its_page_summary_once(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    url = serve(recording_server)
    config = write_config([{"url": url, "allow_private": True}], page_summary=True)
    for _run in range(2):
        with Store(config.settings.database) as store:
            update_feeds(config, store, force=True)
    entries = stored(config)
    assert entries["Le marché de Noël"] == (
        "Trente chalets, du vin chaud et des santons : le marché de Noël ouvre samedi place "
        "de la Mairie.",
        f"{recording_server.url}/images/marche.jpg",
    )
    assert entries["Brève"] == (
        "Une brève\u00a0: l’atelier ferme du 24 décembre au 2 janvier, les cours reprennent "
        "le lundi suivant à la même heure.",
        None,
    )
    assert entries["Un vrai billet"][0] == "Un texte à lui, qui n’a besoin de personne."
    # one request per entry without text, on the first run only; none for the one with text
    assert sorted(page_requests(recording_server)) == ["/breve/", "/marche/"]


@pytest.mark.parametrize(
    ("settings", "feed"), [({}, {}), ({"page_summary": True}, {"page_summary": False})]
)
def test_off_no_page_is_read(
    settings: dict[str, Any],
    feed: dict[str, Any],
    recording_server: RecordingServer,
    write_config: WriteConfig,
) -> None:
    url = serve(recording_server)
    config = write_config([{"url": url, "allow_private": True, **feed}], **settings)
    with Store(config.settings.database) as store:
        update_feeds(config, store)
    assert stored(config)["Le marché de Noël"] == ("", None)
    assert page_requests(recording_server) == []


def test_a_page_that_fails_is_no_summary_and_is_not_asked_again(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    url = serve(recording_server)
    recording_server.route("/marche/", "gone", status=404, content_type="text/html")
    recording_server.route("/breve/", b"%PDF-1.4", content_type="application/pdf")
    config = write_config([{"url": url, "allow_private": True}], page_summary=True)
    for _run in range(2):
        with Store(config.settings.database) as store:
            [outcome] = update_feeds(config, store, force=True).outcomes
        assert outcome.status == "ok"
    assert stored(config)["Le marché de Noël"] == ("", None)
    assert sorted(page_requests(recording_server)) == ["/breve/", "/marche/"]


def test_a_feed_on_the_public_side_never_reads_a_private_page(
    recording_server: RecordingServer, write_config: WriteConfig, tmp_path: Any
) -> None:
    """The feed is a local file (no address rule for it); its page is on 127.0.0.1, which
    the page fetch refuses like any feed fetch without allow_private."""
    feed = tmp_path / "feed.xml"
    feed.write_text(FEED.format(base=recording_server.url), encoding="utf-8")
    serve(recording_server)
    config = write_config([{"url": str(feed)}], page_summary=True)
    with Store(config.settings.database) as store:
        update_feeds(config, store)
    assert stored(config)["Le marché de Noël"] == ("", None)
    assert page_requests(recording_server) == []


def test_summary_sources_in_order() -> None:
    og = b'<meta property="og:description" content="OG"><meta name="twitter:description" content="TW">'
    assert page_summary(og, "https://a.example/").text == "OG"
    page = "<p>é " + "mot " * 30 + "</p>"
    assert page_summary(
        page.encode("cp1252"), "https://a.example/", "text/html; charset=windows-1252"
    ).text.startswith("é mot")
    assert page_summary(b"", "https://a.example/").text == ""
    assert page_summary(b"<script>alert(1)</script>", "https://a.example/").text == ""
    tricky = b'<meta property="og:image" content="javascript:alert(1)"><meta name="description" content="x">'
    assert page_summary(tricky, "https://a.example/").image is None


def test_the_first_paragraph_stops_at_its_end() -> None:
    page = (
        b"<html><body><article><p>Real first paragraph of the post, long enough to count as "
        b"prose for sure, with a few more words.</p>Cookie banner: accept all cookies to continue<nav>x</nav>"
        b"</article></body></html>"
    )
    summary = page_summary(page, "https://blog.example/post")
    assert "Real first paragraph" in summary.text
    assert "Cookie" not in summary.text


def test_page_summaries_are_read_with_one_run_slot(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    """The feed's task gives its slot back before the page requests take theirs (found in
    review: with `concurrency: 1` every page request waited for the feed's own slot)."""
    url = serve(recording_server)
    config = write_config(
        [{"url": url, "allow_private": True}], page_summary=True, concurrency=1, timeout=5
    )
    with Store(config.settings.database) as store:
        report = update_feeds(config, store)
    assert not report.failed
    assert sorted(page_requests(recording_server)) == ["/breve/", "/marche/"]
    assert stored(config)["Brève"][0].startswith("Une brève")
