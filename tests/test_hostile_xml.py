"""Issue 6, items 2 and 6: entity bombs, XXE, external DTDs, and anything else a feed names.

The bombs are parsed only in a subprocess with an address-space limit (tests/hostile/measure.py),
so a regression fails this test instead of the machine; its peak RSS is measured there. A
loopback server records every request: only the feed URLs themselves may be asked for.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.parsing._parse import ParseOptions, parse_feed
from aggregator.parsing._xmlsafe import as_utf8, neutralize_doctype
from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import WriteConfig
from .hostile import generate
from .hostile.measure import run_measured
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)
from .stored import count_entries

PEAK_RSS_MB = 300
DEADLINE_S = 60
EXPANDED = b"x" * 1000  # any expansion of the 50 kB entity the bypass documents declare


def all_stored_text(database: Path) -> str:
    with sqlite3.connect(database) as db:
        return "\n".join(db.iterdump())


def bombs(server: RecordingServer) -> dict[str, bytes]:
    return {
        "billion-laughs": generate.billion_laughs(),
        "quadratic": generate.quadratic_blowup(),
        "flat-entities": generate.flat_entities(),
        "xxe": generate.xxe(server.url),
        "external-dtd": generate.external_dtd(server.url),
        **{f"bypass-{i}": doc for i, doc in enumerate(generate.bypass_attempts().values())},
    }


def test_entity_bombs_are_bounded_and_fetch_nothing(
    recording_server: RecordingServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    recording_server.route(
        "/external.dtd", '<!ENTITY fromdtd "LEAKED-FROM-DTD">', content_type="application/xml-dtd"
    )
    recording_server.route("/xxe-entity", "LEAKED-FROM-ENTITY", content_type="text/plain")
    documents = bombs(recording_server)
    feeds = [
        {"url": recording_server.route(f"/{name}", body), "allow_private": True}
        for name, body in documents.items()
    ]
    # workers: 1 parses in the measured process itself, so its peak RSS is the whole story.
    config = write_config(feeds, workers=1, outputs=[{"format": "html", "path": "out.html"}])

    measured = run_measured(config.path, tmp_path / "measure.json", "run", timeout=DEADLINE_S)

    assert measured["exit"] in (0, 1)  # 1: some documents are no feed at all (EBCDIC)
    assert measured["peak_rss_mb"] < PEAK_RSS_MB, measured
    assert measured["seconds"] < DEADLINE_S, measured
    assert sorted(recording_server.paths()) == sorted(f"/{name}" for name in documents)
    stored = all_stored_text(config.settings.database)
    passwd_line = Path("/etc/passwd").read_text().splitlines()[0]
    for leaked in ("LEAKED", "file:///etc/passwd", passwd_line, "lollollol", "yyyyyyyyyy" * 5):
        assert leaked not in stored
    assert EXPANDED.decode() not in stored
    with Store(config.settings.database) as store:
        assert count_entries(store) >= len(documents) - 2
    page = (config.path.parent / "out.html").read_text()
    assert page.rstrip().endswith("</html>")


@pytest.mark.parametrize("name", list(generate.bypass_attempts()))
def test_no_entity_declaration_survives_before_the_root(name: str) -> None:
    """Pure bytes in, bytes out: safe to run in-process whatever the document."""
    document = generate.bypass_attempts()[name]
    prepared = neutralize_doctype(as_utf8(document, {})[0])
    root = prepared.find(b"<rss")
    prolog = prepared if root < 0 else prepared[:root]
    assert b"<!ENTITY" not in prolog.upper()
    assert b"[" not in prolog
    assert EXPANDED not in prolog


def test_harmless_doctypes_still_parse() -> None:
    netscape = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE rss PUBLIC '
        b'"-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Caf\xe9</title><link>http://e.example/'
        b"</link><item><title>\xc9t\xe9</title><link>http://e.example/1</link>"
        b"<description>Un caf\xe9</description></item></channel></rss>"
    )
    feed = parse_feed(netscape, {}, ParseOptions())
    assert feed.title == "Café" and feed.entries[0].title == "Été"
    # An internal subset declaring HTML entities: dropped, and the entities still read.
    html_entities = generate.rss(
        generate.item("caf&eacute;&nbsp;!", "x&nbsp;y &eacute;t&eacute;"),
        '<!DOCTYPE rss [\n<!ENTITY nbsp "&#160;">\n<!ENTITY eacute "&#233;">\n]>',
    ).encode()
    [entry] = parse_feed(html_entities, {}, ParseOptions()).entries
    assert (entry.title, entry.excerpt) == ("café\u00a0!", "x\u00a0y été")


def test_nothing_named_in_a_feed_is_fetched(
    recording_server: RecordingServer, write_config: WriteConfig
) -> None:
    url = recording_server.route("/feed", generate.side_requests(recording_server.url))
    config = write_config(
        [{"url": url, "allow_private": True}],
        thumbnails=True,
        outputs=[{"format": "html", "path": "out.html"}],
    )
    with Store(config.settings.database) as store:
        [outcome] = update_feeds(config, store).outcomes
        assert outcome.status == "ok" and outcome.new == 1
        [entry] = store.latest()
    assert entry.thumbnail == f"{recording_server.url}/thumb.png"  # named, shown, not fetched
    assert recording_server.paths() == ["/feed"]


FORBIDDEN_IN_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")


@settings(max_examples=500)
@given(  # (a text strategy would spread the chosen characters over all of Unicode)
    st.lists(
        st.one_of(
            st.sampled_from("\x00\x08\x0b\x0c\x1f\ufeff\ufffe\uffff\u0085é"),
            st.characters(exclude_categories=["Cs"]),
        ),
        max_size=60,
    ).map("".join)
)
def test_utf8_comes_out_without_what_xml_forbids_whichever_way_it_is_read(text: str) -> None:
    # clean UTF-8 is handed on as it came (most feeds); anything else decoded and cleaned
    expected = text.replace("\x0b", " ").replace("\x0c", " ")
    expected = FORBIDDEN_IN_XML.sub("", expected)
    document = f"<rss>{text}</rss>"
    assert as_utf8(document.encode("utf-8"), {})[0] == f"<rss>{expected}</rss>".encode()
