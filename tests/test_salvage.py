"""Issue 11, points 2 and 3: a document that arrived whole but is ill-formed keeps its
complete entries and is read with a warning; one that yields nothing is an error.

Which entries each lenient reader keeps, on tests/data/broken (checked below):

    fixture                 feedparser (loose)     lxml recover=True      kept here
    cut-in-cdata            4, the 4th half read   4, the 4th half read   3 (the complete ones)
    cut-between-items       3                      3                      3
    cut-atom-entry          2, the 2nd half read   2, the 2nd half read   1
    stray-ampersand         4, "&" kept            4, "&" dropped         4 (feedparser's)
    unclosed-html           4                      4                      4 (feedparser's)
"""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from lxml import etree
from typer.testing import CliRunner

from aggregator.cli._app import app
from aggregator.cli._runreport import run_report
from aggregator.errors import NotAFeed
from aggregator.parsing._parse import ParseOptions, parse_feed
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .faultserver import fault_server
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)
from .stored import count_entries

BROKEN = DATA / "broken"
POSTS = [
    "Coudre un carnet à la japonaise",
    "Le papier a un sens",
    "Colle de pâte ou colle vinylique ?",
    "Restaurer un dos cassé",
]
# fixture: (titles kept, what the warning says)
EXPECTED = {
    "cut-in-cdata.xml": (
        POSTS[:3],
        "ill-formed XML at line 45: unclosed CDATA section; the document stops early: "
        "kept the 3 complete entries",
    ),
    "cut-between-items.xml": (POSTS[:3], "kept the 3 complete entries"),
    "cut-atom-entry.xml": (
        ["Why the tide tables lie in November"],
        "no element found; the document stops early: kept the 1 complete entry",
    ),
    "stray-ampersand.xml": (
        [*POSTS[:2], "Colle de pâte & colle vinylique ?", POSTS[3]],
        "ill-formed XML at line 30: not well-formed (invalid token); read leniently",
    ),
    "unclosed-html.xml": (POSTS, "ill-formed XML at line 25: mismatched tag; read leniently"),
}
LENIENT_COUNTS = {
    "cut-in-cdata.xml": 4,
    "cut-between-items.xml": 3,
    "cut-atom-entry.xml": 2,
    "stray-ampersand.xml": 4,
    "unclosed-html.xml": 4,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_ill_formed_document_keeps_its_complete_entries(name: str) -> None:
    titles, warning = EXPECTED[name]
    feed = parse_feed((BROKEN / name).read_bytes(), {}, ParseOptions())
    assert [e.title for e in feed.entries] == titles
    assert feed.warning is not None and warning in feed.warning
    assert "\n" not in feed.warning
    assert all(e.excerpt and e.link for e in feed.entries)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_what_the_lenient_readers_keep_on_their_own(name: str) -> None:
    """The table in this module's docstring: both keep the cut entry, half read."""
    content = (BROKEN / name).read_bytes()
    assert len(feedparser.parse(content, sanitize_html=False).entries) == LENIENT_COUNTS[name]
    root = etree.fromstring(content, etree.XMLParser(recover=True))
    entries = root.iter("item", "{http://www.w3.org/2005/Atom}entry")
    assert len(list(entries)) == LENIENT_COUNTS[name]


def test_a_well_formed_feed_has_no_warning() -> None:
    assert parse_feed((DATA / "rss2-fr.xml").read_bytes(), {}, ParseOptions()).warning is None


def test_html_entities_in_an_old_feed_are_no_warning() -> None:
    content = (DATA / "rss2-fr.xml").read_bytes().replace(b"Moleskine sur", b"Moleskine&nbsp;sur")
    feed = parse_feed(content, {}, ParseOptions())
    assert feed.warning is None
    assert feed.entries[1].title == "Moleskine\u00a0sur iPad"


NOTHING = {
    "an empty channel": (
        b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>',
        "not a feed: no title, link or entries",
    ),
    "ill-formed with only a title": (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title><item><ti',
        "ill-formed XML at line 1: ",
    ),
    "ill-formed, items never complete": (
        b'<rss version="2.0"><channel><title>B</title><item><title>T</title><description>'
        b"<![CDATA[<p>cut",
        "ill-formed XML at line 2: unclosed CDATA section",
    ),
    "an empty Atom feed": (b'<feed xmlns="http://www.w3.org/2005/Atom"/>', "not a feed: "),
    "an empty JSON Feed": (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": []}',
        "not a feed: a JSON Feed with no title, home page or items",
    ),
}


@pytest.mark.parametrize("name", sorted(NOTHING))
def test_a_document_that_yields_nothing_is_an_error(name: str) -> None:
    content, message = NOTHING[name]
    with pytest.raises(NotAFeed) as raised:
        parse_feed(content, {}, ParseOptions())
    assert str(raised.value).startswith(message)


def test_a_valid_feed_without_entries_is_still_a_feed() -> None:
    content = b'<rss version="2.0"><channel><title>B</title></channel></rss>'
    assert parse_feed(content, {}, ParseOptions()).entries == ()


def test_a_cut_document_served_whole_is_read_and_the_run_succeeds(
    recording_server: RecordingServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    whole = (BROKEN / "cut-between-items.xml").read_bytes()
    url = recording_server.route("/feed", whole[: whole.index(b"<item>")] + b"</channel></rss>")
    config = write_config([{"url": url, "name": "Atelier", "allow_private": True}])
    with Store(config.settings.database) as store:
        update_feeds(config, store)
    recording_server.route("/feed", (BROKEN / "cut-in-cdata.xml").read_bytes())
    result = CliRunner().invoke(app, ["fetch", "-v", "--config", str(config.path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # a warning is for -v and reports, not for cron's mail
    assert result.stdout.strip() == (
        "Atelier: ok, 3 new, 0 updated (warning: ill-formed XML at line 45: unclosed CDATA "
        "section; the document stops early: kept the 3 complete entries)"
    )
    with Store(config.settings.database) as store:
        titles = {row[0] for row in store.db.execute("select title from entries")}
    assert titles == set(POSTS[:3])


def test_the_run_report_carries_the_warning(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    url = recording_server.route("/feed", (BROKEN / "stray-ampersand.xml").read_bytes())
    config = write_config([{"url": url, "name": "Atelier", "allow_private": True}])
    with Store(config.settings.database) as store:
        report = update_feeds(config, store)
    [feed] = run_report(report, [], exit_code=0)["feeds"]
    assert (feed["status"], feed["new"], feed["error"]) == ("ok", 4, None)
    assert feed["warning"].startswith("ill-formed XML at line 30: not well-formed")


def test_a_transport_truncation_still_fails_with_nothing_stored(
    write_config: WriteConfig,
) -> None:
    with fault_server() as server:
        server.broken = True
        config = write_config(
            [{"url": server.url("/too-long"), "allow_private": True}], timeout=1, workers=1
        )
        with Store(config.settings.database) as store:
            [outcome] = update_feeds(config, store).outcomes
            assert count_entries(store) == 0
    assert outcome.status == "error" and outcome.error is not None
    assert outcome.error.startswith("connection closed before the end of the body")


def test_a_body_shorter_than_the_document_is_salvaged(write_config: WriteConfig) -> None:
    """/too-short: Content-Length says half the document and the client reads that half
    whole: a cut document, read as far as its complete entries go."""
    with fault_server() as server:
        server.broken = True
        config = write_config(
            [{"url": server.url("/too-short"), "allow_private": True}], timeout=1, workers=1
        )
        with Store(config.settings.database) as store:
            [outcome] = update_feeds(config, store).outcomes
            titles = [r[0] for r in store.db.execute("select title from entries order by rowid")]
    assert outcome.status == "ok"
    assert 10 < len(titles) < 40
    assert titles == [f"/too-short post {i}" for i in range(len(titles))]


def test_doctor_shows_the_warning(write_config: WriteConfig) -> None:
    config = write_config([{"url": str(BROKEN / "cut-in-cdata.xml"), "name": "Atelier"}])
    result = CliRunner().invoke(app, ["doctor", "--config", str(config.path)])
    assert "warning" in result.stdout
    assert "unclosed CDATA section" in " ".join(result.stdout.split())


def test_feeds_shows_the_warning_until_a_clean_read(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    url = recording_server.route("/feed", (BROKEN / "cut-in-cdata.xml").read_bytes())
    config = write_config([{"url": url, "name": "Atelier", "allow_private": True}])

    def last_column() -> str:
        result = CliRunner().invoke(app, ["feeds", "--config", str(config.path)])
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines()[1].split("\t")[-1]

    with Store(config.settings.database) as store:
        update_feeds(config, store)
    assert last_column() == (
        "warning: ill-formed XML at line 45: unclosed CDATA section; the document stops "
        "early: kept the 3 complete entries"
    )
    whole = (BROKEN / "cut-between-items.xml").read_bytes() + b"</channel></rss>"
    recording_server.route("/feed", whole)
    with Store(config.settings.database) as store:
        update_feeds(config, store, force=True)
    assert last_column() == ""


def test_an_item_of_another_namespace_is_not_counted_as_complete() -> None:
    """`<x:item>` is complete to libxml2 but no entry to feedparser: counting it would keep
    the post that was cut (found in review)."""
    document = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>'
        b"<link>https://blog.example/</link>"
        b'<x:item xmlns:x="urn:x"><x:title>meta</x:title></x:item>'
        b"<item><title>Cut post</title><link>https://blog.example/cut</link>"
        b"<description>This is the beginning of a post that gets cu"
    )
    with pytest.raises(NotAFeed):
        parse_feed(document, {}, ParseOptions())
