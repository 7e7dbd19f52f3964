"""settings.outputs: every format written atomically, and only when its content changed."""

import json
import re
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from typer.testing import CliRunner

from aggregator.cli._app import app
from aggregator.digest._outputs import write_outputs
from aggregator.errors import ConfigError
from aggregator.models import FeedSource, ParsedEntry, ParsedFeed
from aggregator.store import Store

from .conftest import DATA, WriteConfig
from .stored import NOW, fill

A = "https://a.example/feed"
ALL_OUTPUTS = [
    {"format": "html", "path": "public/page.html"},
    {"format": "fragment", "path": "public/fragment.html", "css": "none", "layout": "river"},
    {"format": "atom", "path": "public/digest.atom", "url": "https://blog.example/digest.atom"},
    {"format": "json", "path": "public/digest.json"},
    {"format": "opml", "path": "public/subscriptions.opml"},
]
runner = CliRunner()


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each file's inode, mtime and bytes: a rename changes the inode, a rewrite the mtime."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.iterdir())
    }


def add_entry(store: Store, entry_id: str) -> None:
    store.save_feed(
        FeedSource(url=A),
        ParsedFeed(
            "Blog A",
            "https://a.example/",
            (
                ParsedEntry(
                    entry_id,
                    f"New {entry_id}",
                    f"https://a.example/{entry_id}",
                    "Nouveau",
                    published=NOW,
                    content_hash=entry_id,
                ),
            ),
        ),
        NOW,
    )


def test_outputs_are_written_once_then_left_alone(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    config = write_config([A], outputs=ALL_OUTPUTS)
    public = tmp_path / "public"
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/")
        first = write_outputs(config, store)
        assert [(w.path.name, w.changed, w.error) for w in first] == [
            ("page.html", True, None),
            ("fragment.html", True, None),
            ("digest.atom", True, None),
            ("digest.json", True, None),
            ("subscriptions.opml", True, None),
        ]
        before = snapshot(public)
        assert set(before) == {
            "page.html",
            "fragment.html",
            "digest.atom",
            "digest.json",
            "subscriptions.opml",
        }  # no temporary file left behind

        again = write_outputs(config, store)
        assert [w.changed for w in again] == [False] * 5
        assert snapshot(public) == before  # same inode, same mtime: the blog's cache holds

        with (public / "page.html").open("rb") as reader_of_the_old_page:
            add_entry(store, "new")
            third = write_outputs(config, store)
            assert reader_of_the_old_page.read() == before["page.html"][2]  # still whole
    assert [(w.path.name, w.changed) for w in third] == [
        ("page.html", True),
        ("fragment.html", True),
        ("digest.atom", True),
        ("digest.json", True),
        ("subscriptions.opml", False),
    ]  # same subscriptions
    after = snapshot(public)
    assert set(after) == set(before)
    for name in ("page.html", "digest.atom"):
        assert after[name][0] != before[name][0]  # replaced by a rename, not rewritten
        assert b"New new" in after[name][2]
    assert after["subscriptions.opml"] == before["subscriptions.opml"]


def test_each_output_honours_its_options(tmp_path: Path, write_config: WriteConfig) -> None:
    config = write_config([A], outputs=ALL_OUTPUTS)
    with Store(config.settings.database) as store:
        fill(store, A, "Blog A", "https://a.example/")
        write_outputs(config, store)
    public = tmp_path / "public"
    page = (public / "page.html").read_text()
    assert "aggregator-grouped" in page and ".aggregator-entry" in page
    fragment = (public / "fragment.html").read_text()
    assert "aggregator-river" in fragment and "<style" not in fragment
    atom = feedparser.parse((public / "digest.atom").read_bytes())
    assert atom.bozo == 0 and atom.feed.id == "https://blog.example/digest.atom"
    assert len(json.loads((public / "digest.json").read_text())["items"]) == 3
    assert etree.parse(str(public / "subscriptions.opml")).getroot().tag == "opml"


def test_one_output_failing_does_not_stop_the_others(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    (tmp_path / "blocked").write_text("a file where a folder should be")
    config = write_config(
        [A],
        outputs=[
            {"format": "html", "path": "blocked/page.html"},
            {"format": "atom", "path": "ok/digest.atom"},
        ],
    )
    with Store(config.settings.database) as store:
        written = write_outputs(config, store)
    assert written[0].changed is False and "blocked/page.html: cannot " in written[0].error
    assert written[1].changed is True and (tmp_path / "ok/digest.atom").exists()


@pytest.mark.parametrize(
    "output, message",
    [
        (
            {"format": "rss", "path": "x"},
            "settings.outputs[0].format: expected one of html, "
            "fragment, atom, json, opml, css, got 'rss'",
        ),
        ({"format": "html", "path": "x", "css": "external"}, "settings.outputs[0].css"),
        ({"format": "html", "path": "x", "layout": "masonry"}, "settings.outputs[0].layout"),
        ({"format": "atom", "path": "x", "url": "ftp://blog.example/x"}, "settings.outputs[0].url"),
    ],
)
def test_output_keys_are_checked(
    write_config: WriteConfig, output: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        write_config([A], outputs=[output])


def test_run_says_which_files_changed_only_when_asked(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes((DATA / "rss2-fr.xml").read_bytes())
    config = write_config([{"url": "feed.xml", "name": "Essai"}], outputs=ALL_OUTPUTS)
    path = str(config.path)

    first = runner.invoke(app, ["run", "--config", path, "-v"])
    assert first.exit_code == 0, first.output
    assert "public/page.html: written" in first.stdout
    assert "public/digest.json: written" in first.stdout

    second = runner.invoke(app, ["run", "--config", path, "-v"])
    assert [line for line in second.stdout.splitlines() if "public/" in line] == [
        f"{tmp_path}/public/{name}: unchanged"
        for name in (
            "page.html",
            "fragment.html",
            "digest.atom",
            "digest.json",
            "subscriptions.opml",
        )
    ]

    feed.write_bytes(feed.read_bytes().replace(b"Moleskine sur iPad", b"Moleskine sur iPhone"))
    quiet = runner.invoke(app, ["run", "--config", path])
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")  # cron stays silent
    assert "Moleskine sur iPhone" in (tmp_path / "public/page.html").read_text()


def test_export_formats_and_css(tmp_path: Path, write_config: WriteConfig) -> None:
    config = write_config([{"url": str(DATA / "atom-en.xml")}])
    path = str(config.path)
    assert runner.invoke(app, ["fetch", "--config", path]).exit_code == 0

    def export(*args: str) -> str:
        result = runner.invoke(app, ["export", "--config", path, *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    assert "<style>" not in export("--format", "fragment")
    assert ".aggregator-entry {" in export("--format", "html")
    assert ".aggregator-entry {" not in export("--format", "html", "--css", "none")
    assert ".aggregator-entry" in export("--format", "css")
    assert feedparser.parse(export("-f", "atom").encode()).entries[0].title == (
        "Shipping <em>fast</em>"
    )
    assert json.loads(export("-f", "json"))["items"][1]["title"] == "Notes on CSS"
    assert etree.fromstring(export("-f", "opml").encode()).find("body") is not None
    export("-f", "json", "-o", str(tmp_path / "out.json"))
    assert json.loads((tmp_path / "out.json").read_text())["version"].endswith("/1.1")

    bad = runner.invoke(app, ["export", "--config", path, "--css", "external"])
    assert bad.exit_code == 2
    assert bad.stderr == (
        "aggregator: export --css: expected one of inline, none, got 'external' "
        "(see `aggregator export --help`)\n"
    )


def test_run_writes_the_stylesheet_and_a_self_linked_atom(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    config = write_config(
        [{"url": str(DATA / "atom-en.xml")}],
        public_url="https://blog.example/digest",
        outputs=[
            {"format": "fragment", "path": "public/digest.html"},
            {"format": "css", "path": "public/digest.css"},
            {"format": "atom", "path": "public/digest.atom"},
        ],
    )
    result = runner.invoke(app, ["run", "-v", "--config", str(config.path)])
    assert result.exit_code == 0, result.output
    public = tmp_path / "public"
    assert "<style" not in (public / "digest.html").read_text()
    assert (public / "digest.css").read_text().startswith(".aggregator {")
    atom = etree.fromstring((public / "digest.atom").read_bytes())
    [self_link] = atom.findall("{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert self_link.get("href") == "https://blog.example/digest/digest.atom"
    again = runner.invoke(app, ["run", "-v", "--config", str(config.path)])
    assert f"{public / 'digest.css'}: unchanged" in again.stdout


def test_every_format_comes_from_the_one_list_in_config(write_config: WriteConfig) -> None:
    """config.OUTPUT_FORMATS is the list: feeds.yaml, `export --format`, its shell completion
    and render() all accept exactly it (issue 10: validated in one place)."""
    from aggregator.config import OUTPUT_FORMATS
    from aggregator.digest._render import render

    config = write_config(
        [{"url": str(DATA / "atom-en.xml")}],
        outputs=[{"format": f, "path": f"out.{f}"} for f in OUTPUT_FORMATS],
    )
    path = str(config.path)
    for format in OUTPUT_FORMATS:
        assert runner.invoke(app, ["export", "-c", path, "-f", format]).exit_code == 0
    completion = runner.invoke(
        app,
        [],
        env={
            "_AGGREGATOR_COMPLETE": "complete_bash",
            "COMP_WORDS": "aggregator export --format ",
            "COMP_CWORD": "3",
        },
    )
    assert completion.stdout.split() == list(OUTPUT_FORMATS)
    with Store(config.settings.database) as store, pytest.raises(ValueError, match="pdf"):
        render(config, store, "pdf")
