"""Issue 6, item 1: nothing from a feed reaches any output as markup or as a live link.

The hostile corpus (tests/hostile/xss-*) goes through the real pipeline from a loopback
server; every output format is parsed back (html5lib, an XML parser, json) and checked by
tests/hostile/check.py against the same format rendered from harmless feeds.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import html5lib
import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from aggregator.cli._app import app
from aggregator.config import Config
from aggregator.digest._render import FORMATS, render
from aggregator.parsing._excerpt import excerpt_of, plain_text
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .hostile.check import assert_http_url, assert_inert
from .hostile.generate import MARKER
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)

HOSTILE = Path(__file__).parent / "hostile"
SETTINGS: dict[str, Any] = {"thumbnails": True, "target": "_blank", "entries_per_feed": 10}
CORPUS = {
    "/rss2": ("xss-rss2.xml", "application/rss+xml"),
    "/rss1": ("xss-rss1.rdf", "application/rdf+xml"),
    "/atom": ("xss-atom.xml", "application/atom+xml; charset=utf-8"),
    "/json": ("xss-feed.json", "application/feed+json"),
}
FEED_NAME = '<script>alert("name")</script>'
runner = CliRunner()


def serve_corpus(server: RecordingServer) -> list[dict[str, Any]]:
    for path, (name, content_type) in CORPUS.items():
        server.route(path, (HOSTILE / name).read_bytes(), content_type=content_type)
    # The same RSS made not well-formed, so that feedparser's loose parser reads it.
    loose = (HOSTILE / "xss-rss2.xml").read_bytes().replace(b"<channel>", b"<channel> & ", 1)
    server.route("/loose", loose, content_type="text/xml")
    return [
        {"url": server.url + "/rss2", "name": FEED_NAME, "allow_private": True},
        {"url": server.url + "/rss1", "allow_private": True},
        {
            "url": server.url + "/atom",
            "name": '"><img src=x onerror=alert(1)>',
            "allow_private": True,
        },
        {
            "url": server.url + "/json",
            "site": 'http://evil.example/"onmouseover="alert(1)',
            "allow_private": True,
        },
        {"url": server.url + "/loose", "allow_private": True},
    ]


def outputs(config: Config, store: Store) -> dict[str, str]:
    """Every format and layout the library renders."""
    return {
        f"{fmt}/{layout}": render(config, store, fmt, layout=layout)
        for fmt in FORMATS
        for layout in ("grouped", "river")
    }


@pytest.fixture
def baseline(tmp_path: Path) -> dict[str, str]:
    """The same outputs rendered from the harmless fixture feeds: what our templates emit."""
    from ruamel.yaml import YAML

    from aggregator.config import load_config

    folder = tmp_path / "baseline"
    folder.mkdir()
    path = folder / "feeds.yaml"
    feeds = [{"url": str(DATA / name)} for name in ("rss2-fr.xml", "atom-en.xml", "jsonfeed.json")]
    with path.open("w") as file:
        YAML().dump({"settings": {"database": "b.db", **SETTINGS}, "feeds": feeds}, file)
    config = load_config(path)
    with Store(config.settings.database) as store:
        update_feeds(config, store)
        return outputs(config, store)


def test_hostile_corpus_is_inert_in_every_output(
    recording_server: RecordingServer, write_config: WriteConfig, baseline: dict[str, str]
) -> None:
    config = write_config(serve_corpus(recording_server), **SETTINGS)
    with Store(config.settings.database) as store:
        report = update_feeds(config, store)
        assert [o.status for o in report.outcomes] == ["ok"] * 5, report.failed
        rendered = outputs(config, store)
    for key, output in rendered.items():
        assert_inert(output, baseline[key])

    page = rendered["html/grouped"]
    # Escaped, not dropped: the hostile name is there, as text.
    texts = [e.text or "" for e in html5lib.parse(page, namespaceHTMLElements=False).iter()]
    assert any(FEED_NAME in text for text in texts)
    # Not vacuous: the harmless entries' links and thumbnail are live.
    assert 'href="https://partner.example/ok"' in page
    assert 'src="https://partner.example/ok.png"' in page


def test_stored_rows_hold_no_markup_channel(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    config = write_config(serve_corpus(recording_server), **SETTINGS)
    with Store(config.settings.database) as store:
        update_feeds(config, store)
    with sqlite3.connect(config.settings.database) as db:
        entries = db.execute("select excerpt, link, thumbnail from entries").fetchall()
        feeds = db.execute("select link, site from feeds").fetchall()
    assert len(entries) >= 20
    for excerpt, link, thumbnail in entries:
        assert MARKER not in excerpt, excerpt
        for url in (link, thumbnail):
            if url is not None:
                assert_http_url(url, "stored URL")
    for urls in feeds:
        for url in urls:
            if url is not None:
                assert_http_url(url, "stored feed URL")


def test_render_filters_links_whatever_the_database_holds(
    recording_server: RecordingServer, write_config: WriteConfig, baseline: dict[str, str]
) -> None:
    """A database written by an older version, or by hand: render checks links again."""
    config = write_config(serve_corpus(recording_server), **SETTINGS)
    with Store(config.settings.database) as store:
        update_feeds(config, store)
    schemes = [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",
    ]
    with sqlite3.connect(config.settings.database) as db:
        rowids = [r[0] for r in db.execute("select rowid from entries order by rowid")]
        for index, rowid in enumerate(rowids):
            bad = schemes[index % len(schemes)]
            db.execute(
                "update entries set link = ?, thumbnail = ?, title = ? where rowid = ?",
                [bad, bad, f"<b onclick=x>{bad}</b>", rowid],
            )
        db.execute("update feeds set site = ?, name = ?", [schemes[0], FEED_NAME])
    with Store(config.settings.database) as store:
        for key, output in outputs(config, store).items():
            assert_inert(output, baseline[key])


def test_cli_exports_and_lists_are_inert(
    recording_server: RecordingServer, write_config: WriteConfig, baseline: dict[str, str]
) -> None:
    config = write_config(serve_corpus(recording_server), **SETTINGS)
    fetched = runner.invoke(app, ["fetch", "--config", str(config.path)])
    assert fetched.exit_code == 0, fetched.output
    for fmt in FORMATS:
        exported = runner.invoke(app, ["export", "--format", fmt, "--config", str(config.path)])
        assert exported.exit_code == 0
        assert_inert(exported.stdout, baseline[f"{fmt}/grouped"])
    listed = runner.invoke(app, ["list", "--json", "--limit", "100", "--config", str(config.path)])
    assert_inert(listed.stdout)
    plain = runner.invoke(app, ["list", "--limit", "100", "--config", str(config.path)])
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in plain.stdout)


# --- the HTML tokenizer: our extraction against an HTML5-conformant one ------------------------

# Where html.parser (Python's) and HTML5 disagree about where a script, a style or a comment
# ends; lxml, the backend we use, agrees with HTML5 on all of them.
TOKENIZER_VECTORS = [
    f"<script/src=//evil.example/x.js>{MARKER}</script>after",
    f"<script/xss>{MARKER}()</script>after",
    f"<SCRIPT\tsrc=x>{MARKER}</SCRIPT >after",
    f"<style/x>{MARKER}{{}}</style>after",
    f"<script>{MARKER}</script/>after",
    f"<script>{MARKER}</script foo='>'>after",
    f"<style>{MARKER}</style/x>after",
    f"<script><!--<script>{MARKER}</script>after</script>after",
    f"<!-- x --!>after<script>{MARKER}</script>",
    f"<!--<script>{MARKER}</script>-->after",
    f"<?php {MARKER} ?>after",
    f"<script>{MARKER}</script\n>after",
    f"<iframe src=javascript:x>{MARKER}</iframe>after",
    f'<noscript><p title="</noscript><img src=x onerror={MARKER}()>"></noscript>after',
    f"<title><script>{MARKER}</script></title>after",
    f"<textarea><script>{MARKER}</script></textarea>after",
    f"<template><script>{MARKER}</script></template>after",
    f"<svg><script>{MARKER}</script></svg>after",
    f"<math><mi><script>{MARKER}</script></mi></math>after",
    f"<noembed>{MARKER}</noembed>after",
    f"<a href=x>x<script>{MARKER}</script",
]


def html5_hidden(fragment: str) -> bool:
    """Does an HTML5 parser put every MARKER inside an element whose text is not prose?"""
    hidden = {
        "script",
        "style",
        "template",
        "iframe",
        "noscript",
        "title",
        "textarea",
        "svg",
        "math",
        "noembed",
    }
    soup = BeautifulSoup(fragment, "html5lib")
    for text in soup.find_all(string=lambda s: MARKER in s):
        parents = {p.name for p in text.parents}
        if not parents & hidden and type(text).__name__ not in ("Comment", "ProcessingInstruction"):
            return False
    return True


@pytest.mark.parametrize("vector", TOKENIZER_VECTORS)
def test_script_bodies_never_become_text(vector: str) -> None:
    assert html5_hidden(vector), "the vector itself shows MARKER as text in a browser"
    excerpt, _ = excerpt_of(f"<p>Before {vector}</p>", 500)
    assert MARKER not in excerpt
    assert excerpt.startswith("Before")
    title = plain_text(f"Title {vector}", 300)
    assert MARKER not in title
