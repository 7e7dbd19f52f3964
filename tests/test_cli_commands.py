"""The everyday commands through CliRunner: exit codes, stdout, the one-line stderr."""

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from aggregator.cli._app import app
from aggregator.config import load_config
from aggregator.store import Store

from .conftest import DATA
from .stored import count_entries
from .test_inspect import serve_site

runner = CliRunner()
WIDE = {"COLUMNS": "200"}  # rich tables unwrapped, so rows can be asserted line by line


def invoke(*args: str, env: dict[str, Any] | None = None):
    result = runner.invoke(app, list(args), env=env)
    assert "Traceback" not in result.output
    return result


def one_line_error(result: Any) -> str:
    assert result.stderr.count("\n") == 1, result.stderr
    return str(result.stderr)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 0
    return tmp_path / "feeds.yaml"


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# --- init ------------------------------------------------------------------------------------


def test_init_writes_a_commented_config_and_the_database(tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "blog"))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        f"Created {tmp_path}/blog/feeds.yaml and {tmp_path}/blog/aggregator.db."
    )
    config = load_config(tmp_path / "blog" / "feeds.yaml")
    assert config.feeds == ()
    assert [o.format for o in config.settings.outputs] == ["html", "fragment", "css"]
    assert (tmp_path / "blog" / "aggregator.db").stat().st_size > 0


def test_init_twice_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "feeds.yaml"
    assert invoke("init", "--config", str(target)).exit_code == 0
    target.write_text(target.read_text() + "# mine\n")
    again = invoke("init", "--config", str(target))
    assert again.exit_code == 2
    assert one_line_error(again) == f"aggregator: {target}: already exists; not overwritten\n"
    assert target.read_text().endswith("# mine\n")


def test_quiet_before_or_after_the_command(tmp_path: Path) -> None:
    assert invoke("-q", "init", str(tmp_path / "a")).stdout == ""
    assert invoke("init", "-q", str(tmp_path / "b")).stdout == ""
    assert (tmp_path / "a" / "feeds.yaml").exists() and (tmp_path / "b" / "feeds.yaml").exists()


# --- add -------------------------------------------------------------------------------------


def test_add_discovers_the_feed_behind_a_site_url(
    httpserver: HTTPServer, config_path: Path
) -> None:
    serve_site(httpserver)
    before = config_path.read_text()
    feed = httpserver.url_for("/flux/rss.xml")
    result = invoke("add", httpserver.url_for("/"), "--allow-private", "--config", str(config_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Found: Le Blog d’Essai — RSS 2.0, 3 posts, at {feed} (advertised by the page)",
        "Latest post: 2026-11-24 « L’été & la mode »",
        f"Added Le Blog d’Essai to {config_path} (1 feed).",
    ]
    assert config_path.read_text() == before.replace(
        "feeds: []\n",
        f"feeds:\n  - url: {feed}\n    name: Le Blog d’Essai\n    allow_private: true\n",
    )


def test_add_with_a_name_and_a_site(httpserver: HTTPServer, config_path: Path) -> None:
    serve_site(httpserver)
    result = invoke(
        "add",
        httpserver.url_for("/flux/rss.xml"),
        "--name",
        "Essai",
        "--site",
        "https://essai.example/",
        "--allow-private",
        "--config",
        str(config_path),
    )
    assert result.exit_code == 0
    [feed] = load_config(config_path).feeds
    assert (feed.name, feed.site, feed.allow_private) == ("Essai", "https://essai.example/", True)


def test_add_of_a_duplicate_is_refused(httpserver: HTTPServer, config_path: Path) -> None:
    serve_site(httpserver)
    args = ["--allow-private", "--config", str(config_path)]
    assert invoke("add", httpserver.url_for("/"), *args).exit_code == 0
    before = config_path.read_text()
    for same in (
        httpserver.url_for("/"),  # the site again: found to be the same feed
        httpserver.url_for("/flux/rss.xml/").replace("http:", "https:"),
    ):
        result = invoke("add", same, *args)
        assert result.exit_code == 2
        assert "is already there (Le Blog d’Essai)" in one_line_error(result)
    assert config_path.read_text() == before


def test_add_of_a_page_without_a_feed_fails(httpserver: HTTPServer, config_path: Path) -> None:
    httpserver.expect_request("/").respond_with_data(
        "<html><body>Hi</body></html>", content_type="text/html"
    )
    before = config_path.read_text()
    result = invoke("add", httpserver.url_for("/"), "--allow-private", "--config", str(config_path))
    assert result.exit_code == 1
    assert "an HTML page with no feed link, and no feed at the usual paths; tried: /feed, " in (
        one_line_error(result)
    )
    assert result.stdout == ""
    assert config_path.read_text() == before


def test_add_refuses_a_private_address_without_the_flag(
    httpserver: HTTPServer, config_path: Path
) -> None:
    serve_site(httpserver)
    result = invoke("add", httpserver.url_for("/"), "--config", str(config_path))
    assert result.exit_code == 1
    assert "non-public address" in one_line_error(result)
    assert load_config(config_path).feeds == ()


@pytest.mark.parametrize(
    "args",
    [
        ["file:///etc/passwd"],
        ["javascript:alert(1)"],
        ["https://ok.example/", "--site", "ftp://x.example/"],
    ],
)
def test_add_refuses_what_is_not_an_http_url(config_path: Path, args: list[str]) -> None:
    result = invoke("add", *args, "--config", str(config_path))
    assert result.exit_code == 2
    assert "expected an http(s) URL" in one_line_error(result)


# --- remove, disable, enable -----------------------------------------------------------------


@pytest.fixture
def two_local_feeds(tmp_path: Path) -> Path:
    return write(
        tmp_path / "feeds.yaml",
        f"""\
settings:
  database: test.db
feeds:
  - url: {DATA / "rss2-fr.xml"}   # French
    name: Essai
  - url: {DATA / "atom-en.xml"}
    name: Notes
""",
    )


def test_remove_keeps_or_purges_the_stored_entries(two_local_feeds: Path) -> None:
    config = str(two_local_feeds)
    assert invoke("fetch", "--config", config).exit_code == 0
    database = two_local_feeds.parent / "test.db"

    kept = invoke("remove", "Notes", "--config", config)
    assert kept.exit_code == 0
    assert kept.stdout == (
        f"Removed Notes from {two_local_feeds}; its stored entries are kept but hidden "
        "(--purge deletes them).\n"
    )
    with Store(database) as store:
        assert count_entries(store) == 5

    purged = invoke("remove", str(DATA / "rss2-fr.xml"), "--purge", "--config", config)
    assert purged.exit_code == 0
    assert purged.stdout == f"Removed Essai from {two_local_feeds}; 3 stored entries deleted.\n"
    with Store(database) as store:
        assert count_entries(store) == 2  # Notes' entries, removed without --purge
        assert count_entries(store, str(DATA / "rss2-fr.xml")) == 0
    assert two_local_feeds.read_text() == "settings:\n  database: test.db\nfeeds: []\n"


def test_remove_of_an_unknown_feed(two_local_feeds: Path) -> None:
    result = invoke("remove", "Nope", "--config", str(two_local_feeds))
    assert result.exit_code == 2
    assert one_line_error(result) == (
        f"aggregator: {two_local_feeds}: no feed named 'Nope' (give its name or URL)\n"
    )


def test_disable_then_enable_also_clears_retired(two_local_feeds: Path) -> None:
    config = str(two_local_feeds)
    before = two_local_feeds.read_text()
    assert invoke("fetch", "--config", config).exit_code == 0
    disabled = invoke("disable", "Essai", "--config", config)
    assert disabled.exit_code == 0
    assert "    name: Essai\n    enabled: false\n" in two_local_feeds.read_text()
    listed = invoke("-v", "fetch", "--config", config)
    assert listed.stdout == "Notes: ok, 0 new, 0 updated\n"  # Essai is skipped

    essai = load_config(two_local_feeds).feeds[0]
    with Store(two_local_feeds.parent / "test.db") as store:
        store.set_retired(essai.url, True)  # as a 410 Gone leaves it
    enabled = invoke("enable", "Essai", "--config", config)
    assert enabled.exit_code == 0
    assert enabled.stdout == "Enabled Essai; no longer retired, the next run tries it.\n"
    assert two_local_feeds.read_text() == before
    with Store(two_local_feeds.parent / "test.db") as store:
        assert store.feed_state(essai).retired is False


# --- import-opml -----------------------------------------------------------------------------


def test_import_opml(tmp_path: Path) -> None:
    config = write(
        tmp_path / "feeds.yaml",
        """\
feeds:
  - url: https://alpha.example/feed   # the first partner
    name: Alpha
""",
    )
    opml = write(
        tmp_path / "subscriptions.opml",
        """<?xml version="1.0"?>
<opml version="2.0"><head><title>Mes abonnements</title></head><body>
  <outline text="Blogs">
    <outline type="rss" text="Alpha again" xmlUrl="http://alpha.example/feed/"/>
    <outline type="rss" text="Beta" xmlUrl="https://beta.example/feed"
             htmlUrl="https://beta.example/"/>
    <outline type="rss" text="Alpha" xmlUrl="https://other-alpha.example/atom.xml"/>
  </outline>
</body></opml>""",
    )
    result = invoke("import-opml", str(opml), "--config", str(config))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Skipped Alpha again: already there (Alpha)",
        f"Imported 2 feeds into {config} (1 skipped, listed above); "
        "check them with `aggregator doctor`.",
    ]
    assert (
        config.read_text()
        == """\
feeds:
  - url: https://alpha.example/feed   # the first partner
    name: Alpha
  - url: https://beta.example/feed
    name: Beta
    site: https://beta.example/
  - url: https://other-alpha.example/atom.xml
"""
    )  # the name "Alpha" is taken: that feed's own title will be shown


def test_import_opml_of_something_else(tmp_path: Path, two_local_feeds: Path) -> None:
    not_opml = write(tmp_path / "feed.xml", (DATA / "rss2-fr.xml").read_text())
    result = invoke("import-opml", str(not_opml), "--config", str(two_local_feeds))
    assert result.exit_code == 2
    assert one_line_error(result).startswith(f"aggregator: {not_opml}: ")


def test_import_opml_of_a_missing_file(tmp_path: Path, two_local_feeds: Path) -> None:
    result = invoke("import-opml", str(tmp_path / "none.opml"), "--config", str(two_local_feeds))
    assert result.exit_code == 2
    assert "none.opml: cannot read: No such file or directory" in one_line_error(result)


# --- doctor ----------------------------------------------------------------------------------


def serve_good_moved_dead(httpserver: HTTPServer) -> None:
    serve_site(httpserver)
    httpserver.expect_request("/old-atom").respond_with_data(
        "", status=301, headers={"Location": "/atom.xml"}
    )
    httpserver.expect_request("/atom.xml").respond_with_data(
        (DATA / "atom-en.xml").read_bytes(), content_type="application/atom+xml"
    )
    httpserver.expect_request("/gone").respond_with_data("not here", status=404)


def doctor_config(
    tmp_path: Path, httpserver: HTTPServer, *feeds: str, output: str = "public/digest.html"
) -> Path:
    items = "".join(
        f"  - {{url: '{httpserver.url_for(path)}', name: {name}, allow_private: true}}\n"
        for name, path in (f.split("=") for f in feeds)
    )
    return write(
        tmp_path / "feeds.yaml",
        f"""\
settings:
  database: data/test.db
  outputs:
    - {{format: fragment, path: {output}}}
feeds:
{items}""",
    )


def rows(stdout: str) -> dict[str, str]:
    """The table's rows by the feed's name (its first cell)."""
    found = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        if len(cells) == 5 and cells[0] not in ("", "Feed"):
            found[cells[0]] = "|".join(cells[1:])
    return found


def test_doctor_with_a_good_a_moved_and_a_dead_feed(tmp_path: Path, httpserver: HTTPServer) -> None:
    serve_good_moved_dead(httpserver)
    path = doctor_config(tmp_path, httpserver, "Good=/", "Moved=/old-atom", "Dead=/gone")
    result = invoke("doctor", "--config", str(path), env=WIDE)
    assert result.exit_code == 1
    table = rows(result.stdout)
    assert table["Good"].startswith("ok|RSS 2.0|2026-11-24 (")
    assert table["Good"].endswith(
        f"|site URL; its feed is {httpserver.url_for('/flux/rss.xml')}; private address (allowed)"
    )
    assert table["Moved"].startswith("warning|Atom 1.0|")
    assert (
        f"moved permanently to {httpserver.url_for('/atom.xml')}; update its url in feeds.yaml"
    ) in table["Moved"]
    assert table["Dead"] == "error|||HTTP 404 Not Found"
    lines = result.stdout.splitlines()
    assert f"database: {tmp_path}/data/test.db: writable" in lines
    assert f"output (fragment): {tmp_path}/public/digest.html: writable" in lines
    assert lines[-1] == "3 feeds: 1 ok, 1 warning, 1 error; all paths writable: needs attention."
    assert not (tmp_path / "data").exists()  # doctor writes nothing


def test_doctor_all_good(tmp_path: Path, httpserver: HTTPServer) -> None:
    serve_good_moved_dead(httpserver)
    path = doctor_config(tmp_path, httpserver, "Good=/flux/rss.xml", "Atom=/atom.xml")
    result = invoke("doctor", "--config", str(path), env=WIDE)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "2 feeds: 2 ok; all paths writable: all good."


def test_doctor_finds_duplicates_disabled_feeds_and_unwritable_paths(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    serve_good_moved_dead(httpserver)
    write(tmp_path / "blocker", "a file, not a folder")
    path = doctor_config(
        tmp_path,
        httpserver,
        "Site=/",
        "Direct=/flux/rss.xml",
        "Gone=/gone",
        output="blocker/digest.html",
    )
    path.write_text(path.read_text().replace("name: Gone,", "name: Gone, enabled: false,"))
    result = invoke("doctor", "--config", str(path), env=WIDE)
    assert result.exit_code == 1
    table = rows(result.stdout)
    assert table["Direct"].startswith("warning|RSS 2.0|")
    assert "same feed as Site" in table["Direct"]
    assert table["Gone"] == "disabled|||enabled: false"
    assert f"output (fragment): {tmp_path}/blocker/digest.html: not writable" in result.stdout
    assert "blocker is not a folder" in one_line_error(result)
    assert result.stdout.splitlines()[-1] == (
        "3 feeds: 1 ok, 1 warning, 1 disabled; 1 path not writable: needs attention."
    )


def test_doctor_on_an_invalid_config(tmp_path: Path) -> None:
    path = write(tmp_path / "feeds.yaml", "feeds:\n  - url: https://a.example/\n    nom: A\n")
    result = invoke("doctor", "--config", str(path))
    assert result.exit_code == 2
    assert "feeds.yaml:3: feeds[0].nom: unknown key" in one_line_error(result)


# --- run --report, list ------------------------------------------------------------------------


def run_config(tmp_path: Path, httpserver: HTTPServer, output_folder: str = "public") -> Path:
    httpserver.expect_request("/broken").respond_with_data("no", status=500)
    return write(
        tmp_path / "feeds.yaml",
        f"""\
settings:
  database: test.db
  outputs:
    - {{format: html, path: {output_folder}/page.html}}
    - {{format: fragment, path: {output_folder}/fragment.html}}
feeds:
  - {{url: '{DATA / "rss2-fr.xml"}', name: Essai}}
  - {{url: '{httpserver.url_for("/broken")}', name: Broken, allow_private: true}}
""",
    )


def test_run_report(tmp_path: Path, httpserver: HTTPServer) -> None:
    path = run_config(tmp_path, httpserver)
    report_path = tmp_path / "reports" / "last-run.json"
    result = invoke("run", "--report", str(report_path), "--config", str(path))
    assert result.exit_code == 1
    assert one_line_error(result) == "aggregator: Broken: HTTP 500 Internal Server Error\n"
    report = json.loads(report_path.read_text())
    assert set(report) == {
        "version",
        "started",
        "finished",
        "duration_seconds",
        "exit_code",
        "totals",
        "feeds",
        "outputs",
    }
    assert report["version"] == 1 and report["exit_code"] == 1
    started = datetime.fromisoformat(report["started"])
    assert started <= datetime.fromisoformat(report["finished"])
    assert 0 <= report["duration_seconds"] < 60
    assert report["totals"] == {
        "feeds": 2,
        "ok": 1,
        "not_modified": 0,
        "skipped": 0,
        "failed": 1,
        "retrying": 0,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "duplicates": 0,
    }
    essai, broken = report["feeds"]
    assert essai == {
        "name": "Essai",
        "url": str(DATA / "rss2-fr.xml"),
        "feed_url": None,
        "status": "ok",
        "http_status": 200,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "duplicates": 0,
        "error": None,
        "notice": None,
        "warning": None,
        "next_due": None,
        "failures": 0,
    }
    assert broken["status"] == "error" and broken["http_status"] == 500
    assert broken["error"] == "HTTP 500 Internal Server Error"
    assert report["outputs"] == [
        {"path": str(tmp_path / "public/page.html"), "changed": True, "error": None},
        {"path": str(tmp_path / "public/fragment.html"), "changed": True, "error": None},
    ]

    again = invoke("run", "--report", str(report_path), "--config", str(path))
    assert again.exit_code == 1
    report = json.loads(report_path.read_text())
    assert report["feeds"][0]["duplicates"] == 3 and report["feeds"][0]["new"] == 0
    assert report["totals"]["duplicates"] == 3
    assert [o["changed"] for o in report["outputs"]] == [False, False]


def test_run_report_that_cannot_be_written(tmp_path: Path, httpserver: HTTPServer) -> None:
    path = run_config(tmp_path, httpserver)
    write(tmp_path / "blocker", "a file")
    result = invoke("run", "--report", str(tmp_path / "blocker" / "r.json"), "--config", str(path))
    assert result.exit_code == 1
    assert "blocker/r.json: cannot " in result.stderr
    assert (tmp_path / "public/page.html").exists()


def test_run_exits_4_when_nothing_could_be_written(tmp_path: Path, httpserver: HTTPServer) -> None:
    write(tmp_path / "blocker", "a file")
    path = run_config(tmp_path, httpserver, output_folder="blocker")
    report_path = tmp_path / "report.json"
    result = invoke("run", "--report", str(report_path), "--config", str(path))
    assert result.exit_code == 4
    assert [line.split(": ")[1] for line in result.stderr.splitlines()] == [
        "Broken",
        f"{tmp_path}/blocker/page.html",
        f"{tmp_path}/blocker/fragment.html",
    ]
    assert json.loads(report_path.read_text())["exit_code"] == 4
    with Store(tmp_path / "test.db") as store:
        assert count_entries(store) == 3  # what was fetched is kept


ENTRY_SCHEMA = {
    "feed": str,
    "feed_url": str,
    "site": (str, type(None)),
    "id": str,
    "title": str,
    "link": (str, type(None)),
    "excerpt": str,
    "date": str,
    "first_seen": str,
    "author": (str, type(None)),
    "thumbnail": (str, type(None)),
}


def test_list_json_schema_feed_and_since(two_local_feeds: Path) -> None:
    config = str(two_local_feeds)
    assert invoke("fetch", "--config", config).exit_code == 0
    every = json.loads(invoke("list", "--json", "--config", config).stdout)
    assert len(every) == 5
    for row in every:
        assert set(row) == set(ENTRY_SCHEMA)
        for key, kind in ENTRY_SCHEMA.items():
            assert isinstance(row[key], kind), (key, row[key])
        datetime.fromisoformat(row["date"])
    dates = [row["date"] for row in every]
    assert dates == sorted(dates, reverse=True)

    notes = json.loads(invoke("list", "--json", "--feed", "Notes", "--config", config).stdout)
    assert {row["feed"] for row in notes} == {"Notes"} and len(notes) == 2

    since = json.loads(invoke("list", "--json", "--since", "2026-11-24", "--config", config).stdout)
    assert all(row["date"] >= "2026-11-24" for row in since)
    assert 0 < len(since) < 5

    bad = invoke("list", "--since", "yesterday", "--config", config)
    assert bad.exit_code == 2


def test_list_is_a_table_on_a_terminal_and_lines_when_piped(two_local_feeds: Path) -> None:
    config = str(two_local_feeds)
    assert invoke("fetch", "--config", config).exit_code == 0
    piped = invoke("list", "--limit", "1", "--config", config).stdout.splitlines()
    assert len(piped) == 3 and piped[1].startswith("    ")

    terminal = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "160"}
    coloured = invoke("list", "--config", config, env={**terminal, "NO_COLOR": None})
    assert "\x1b[" in coloured.stdout
    plain = invoke("list", "--config", config, env={**terminal, "NO_COLOR": "1"})
    assert "\x1b" not in plain.stdout
    header = plain.stdout.splitlines()[0].split()
    assert header == ["Source", "Date", "Title", "Excerpt"]
    assert "L’été & la mode" in plain.stdout


def test_shell_completion_is_typers() -> None:
    result = invoke("--show-completion", "bash")
    assert result.exit_code == 0
    assert "_aggregator_completion" in result.stdout
