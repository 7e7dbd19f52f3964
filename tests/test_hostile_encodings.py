"""Issue 6, item 4: encodings declared, undeclared, wrongly declared, and broken.

Every case goes through the real pipeline (a loopback server, so the HTTP charset counts, or
a local file): its text comes out right, or with U+FFFD where bytes were invalid, never with
mojibake all over; no stored text, in any table, holds a NUL or a control character.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from aggregator.pipeline import update_feeds
from aggregator.store import Store

from .conftest import WriteConfig
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)

LATIN1_TITLE = "Été à Noël « Ça coûte cher », garçon"
CP1252_TITLE = "Œuvre – “5 €” … ça"
BODY = "Déjà vu : un café crème pour l’été."  # ’ is not in latin-1: only for UTF-8 cases
LATIN1_BODY = "Déjà vu : un café crème pour l'été."


def document(title: str, body: str, encoding: str | None, extra: str = "") -> str:
    declaration = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n' if encoding else '<?xml version="1.0"?>\n'
    )
    return (
        f'{declaration}<rss version="2.0"><channel><title>Feed {title}</title>'
        f"<link>https://partner.example/</link><item><title>{title}</title>"
        f"<link>https://partner.example/1</link><guid>id-1{extra}</guid>"
        f"<author>a@partner.example ({title}{extra})</author>"
        f"<description>{body}{extra}</description></item></channel></rss>"
    )


@dataclass(frozen=True)
class Case:
    body: bytes
    content_type: str | None  # None: a local file, no HTTP headers at all
    title: str
    excerpt: str


def cases() -> dict[str, Case]:
    utf8 = document(LATIN1_TITLE, BODY, "utf-8").encode()
    one_bad_byte = document(LATIN1_TITLE, "Déjà vu \udcff café", None).encode(
        "utf-8", "surrogateescape"
    )  # a lone 0xFF among valid UTF-8
    return {
        "windows-1252 declared": Case(
            document(CP1252_TITLE, LATIN1_BODY, "windows-1252").encode("cp1252"),
            "application/rss+xml",
            CP1252_TITLE,
            LATIN1_BODY,
        ),
        "iso-8859-1 declared": Case(
            document(LATIN1_TITLE, LATIN1_BODY, "ISO-8859-1").encode("latin-1"),
            "application/rss+xml",
            LATIN1_TITLE,
            LATIN1_BODY,
        ),
        "iso-8859-1 undeclared (HTTP)": Case(
            document(LATIN1_TITLE, LATIN1_BODY, None).encode("latin-1"),
            "application/rss+xml",
            LATIN1_TITLE,
            LATIN1_BODY,
        ),
        "iso-8859-1 undeclared (file)": Case(
            document(LATIN1_TITLE, LATIN1_BODY, None).encode("latin-1"),
            None,
            LATIN1_TITLE,
            LATIN1_BODY,
        ),
        "utf-8 with BOM (file)": Case(b"\xef\xbb\xbf" + utf8, None, LATIN1_TITLE, BODY),
        "utf-8, undeclared, served as text/xml": Case(
            document(LATIN1_TITLE, BODY, None).encode(), "text/xml", LATIN1_TITLE, BODY
        ),
        "utf-8 labelled latin-1 in the XML declaration": Case(
            document(LATIN1_TITLE, BODY, "iso-8859-1").encode(),
            "application/rss+xml",
            LATIN1_TITLE,
            BODY,
        ),
        "utf-8 labelled latin-1 in the HTTP charset": Case(
            utf8, "application/rss+xml; charset=ISO-8859-1", LATIN1_TITLE, BODY
        ),
        "latin-1 labelled utf-8 in the XML declaration": Case(
            document(LATIN1_TITLE, LATIN1_BODY, "utf-8").encode("latin-1"),
            "application/rss+xml",
            LATIN1_TITLE,
            LATIN1_BODY,
        ),
        "latin-1 labelled utf-8 in the HTTP charset": Case(
            document(LATIN1_TITLE, LATIN1_BODY, None).encode("latin-1"),
            "text/xml; charset=utf-8",
            LATIN1_TITLE,
            LATIN1_BODY,
        ),
        "one bad byte in UTF-8 (HTTP, labelled utf-8)": Case(
            one_bad_byte, "application/rss+xml; charset=utf-8", LATIN1_TITLE, "Déjà vu \ufffd café"
        ),
        "one bad byte in UTF-8 (file)": Case(
            one_bad_byte, None, LATIN1_TITLE, "Déjà vu \ufffd café"
        ),
        "utf-16 with BOM": Case(
            document(LATIN1_TITLE, BODY, "utf-16").encode("utf-16"),
            "application/rss+xml",
            LATIN1_TITLE,
            BODY,
        ),
        "utf-16-be without BOM (file)": Case(
            document(LATIN1_TITLE, BODY, "utf-16").encode("utf-16-be"), None, LATIN1_TITLE, BODY
        ),
        "illegal XML characters": Case(
            document(
                LATIN1_TITLE,
                "Déjà\x01 vu\x0b :\x1b[2J un\x00 café",
                "utf-8",
                extra="\x07\x1b]0;pwned\x07",
            ).encode(),
            "application/rss+xml",
            LATIN1_TITLE,
            "Déjà vu :[2J un café]0;pwned",
        ),
        "control characters as character references": Case(
            document(
                LATIN1_TITLE,
                "Déjà&#27;[2J vu&#x85; &#x9b;6n café&#0;",
                "utf-8",
                extra="&#x1b;[31m&#13;&#10;forged",
            ).encode(),
            # HTML5 reads &#x85; and &#x9b; as windows-1252; the controls (&#0; too) are dropped
            "application/rss+xml",
            LATIN1_TITLE,
            "Déjà[2J vu… ›6n café[31m forged",
        ),
    }


def assert_no_control_characters(database: Path) -> None:
    with sqlite3.connect(database) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            for row in db.execute(f"select * from [{table}]"):
                for value in row:
                    if isinstance(value, str):
                        bad = [c for c in value if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F]
                        assert not bad, (table, value)


def test_encodings_come_out_right(
    recording_server: RecordingServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    feeds = []
    for index, (name, case) in enumerate(cases().items()):
        if case.content_type is None:
            path = tmp_path / f"feed-{index}.xml"
            path.write_bytes(case.body)
            url = str(path)
        else:
            url = recording_server.route(f"/{index}", case.body, content_type=case.content_type)
        feeds.append({"url": url, "name": name, "allow_private": True})
    config = write_config(feeds, workers=1)
    with Store(config.settings.database) as store:
        report = update_feeds(config, store)
        assert not report.failed, [(o.source.name, o.error) for o in report.failed]
        # per feed: the same article in several feeds is shown once by latest() without one
        stored = {name: store.latest(limit=1, feed=name)[0] for name in cases()}
    for name, case in cases().items():
        entry = stored[name]
        assert (entry.title, entry.excerpt) == (case.title, case.excerpt), name
        assert "Ã" not in entry.title + entry.excerpt + (entry.author or "")
    assert_no_control_characters(config.settings.database)


def test_json_feed_controls_and_bad_bytes(write_config: WriteConfig, tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_bytes(
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J\\u001b[2Json \\u0000",'
        b' "items": [{"id": "id\\u0000\\u001b[2J\\r\\nforged", "url": "https://p.example/1",'
        b' "title": "Caf\xe9 \\u0007bell", "content_text": "Un caf\xe9\\u0085 cr\\u00e8me",'
        b' "authors": [{"name": "A\\u009b6n"}], "date_published": "2026-11-01T00:00:00Z"}]}'
    )
    config = write_config([{"url": str(path)}])
    with Store(config.settings.database) as store:
        [outcome] = update_feeds(config, store).outcomes
        assert outcome.status == "ok", outcome.error
        [entry] = store.latest()
    assert entry.title == "Caf\ufffd bell"  # not UTF-8: replaced, not guessed
    assert entry.excerpt == "Un caf\ufffd crème"
    assert_no_control_characters(config.settings.database)
