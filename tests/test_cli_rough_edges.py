"""Issue 12 (points 2 to 13) and issue 13 (points 9, 10): the CLI a person and cron use."""

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from rich.console import Console
from typer.testing import CliRunner

from aggregator._lock import run_lock
from aggregator.cli._app import app
from aggregator.cli._progress import feed_progress
from aggregator.cli._views import entries_table
from aggregator.config import load_config
from aggregator.models import FeedOutcome, FeedSource
from aggregator.store import Store

from .conftest import DATA
from .test_inspect import serve_site

runner = CliRunner()
TERMINAL_80 = {"TTY_COMPATIBLE": "1", "COLUMNS": "80", "NO_COLOR": "1"}


def invoke(*args: str, env: dict[str, Any] | None = None) -> Any:
    result = runner.invoke(app, list(args), env=env)
    assert "Traceback" not in result.output
    return result


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture
def feeds(tmp_path: Path) -> Path:
    return write(
        tmp_path / "feeds.yaml",
        f"""\
settings:
  database: test.db
  outputs:
    - {{format: html, path: public/page.html}}
feeds:
  - url: {DATA / "rss2-fr.xml"}
    name: Essai
  - url: {DATA / "atom-en.xml"}
    name: Notes
    enabled: false
""",
    )


# --- 2. exit 3 changes nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["enable", "Notes"],
        ["disable", "Essai"],
        ["remove", "Essai", "--purge"],
        ["prune"],
        ["fetch"],
        ["run"],
    ],
)
def test_a_locked_command_changes_nothing(feeds: Path, command: list[str]) -> None:
    before = feeds.read_text()
    database = feeds.parent / "test.db"
    with Store(database):
        pass
    stored = database.read_bytes()
    with run_lock(load_config(feeds)):
        result = invoke(*command, "--config", str(feeds))
    assert result.exit_code == 3, result.output
    assert feeds.read_text() == before
    assert database.read_bytes() == stored
    assert not (feeds.parent / "public").exists()


# --- 3. no outputs, no feeds -------------------------------------------------------------------


def test_run_without_outputs_says_it_wrote_nothing(tmp_path: Path) -> None:
    config = write(tmp_path / "feeds.yaml", f"feeds:\n  - url: {DATA / 'rss2-fr.xml'}\n")
    result = invoke("run", "--config", str(config))
    assert result.exit_code == 0
    assert (
        result.stderr == f"aggregator: {config}: settings.outputs is empty: nothing was written\n"
    )
    assert invoke("run", "-q", "--config", str(config)).stderr == ""


def test_doctor_without_outputs_or_feeds_needs_attention(tmp_path: Path) -> None:
    config = write(tmp_path / "feeds.yaml", "feeds: []\n")
    result = invoke("doctor", "--config", str(config))
    assert result.exit_code == 1
    assert "add one with `aggregator add URL`" in result.stderr
    assert "settings.outputs is empty" in result.stderr
    assert result.stdout.rstrip().endswith("needs attention.")


# --- 4. -v and -q after every command ----------------------------------------------------------


def command_names() -> list[str]:
    import typer.main

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", command_names())
def test_every_command_takes_v_and_q(command: str) -> None:
    for flag in ("-v", "-q", "--verbose", "--quiet"):
        assert f" {flag}" in invoke(command, "--help").stdout.replace(",", " ")


def test_v_and_q_together_is_a_usage_error(feeds: Path) -> None:
    for args in (["list", "-v", "-q"], ["-v", "list", "-q"]):
        result = invoke(*args, "--config", str(feeds))
        assert result.exit_code == 2
        assert result.stderr == "aggregator: -v and -q contradict each other: give one of them\n"


def test_list_q_is_accepted(feeds: Path) -> None:
    assert invoke("fetch", "--config", str(feeds)).exit_code == 0
    assert invoke("list", "-q", "--config", str(feeds)).exit_code == 0


# --- 5. unknown feed, no match -----------------------------------------------------------------


@pytest.mark.parametrize("command", [["list"], ["search", "mode"]])
def test_an_unknown_feed_is_exit_2(feeds: Path, command: list[str]) -> None:
    result = invoke(*command, "--feed", "Nope", "--config", str(feeds))
    assert result.exit_code == 2
    assert result.stderr == f"aggregator: {feeds}: no feed named 'Nope' (give its name or URL)\n"


def test_a_search_without_match_says_so(feeds: Path) -> None:
    assert invoke("fetch", "--config", str(feeds)).exit_code == 0
    for env in (None, TERMINAL_80):
        result = invoke("search", "introuvable", "--config", str(feeds), env=env)
        assert result.exit_code == 0
        assert result.stderr == "aggregator: no entry matches 'introuvable'\n"
    assert invoke("search", "introuvable", "--json", "--config", str(feeds)).stdout == "[]\n"
    found = invoke("search", "mode", "--feed", "Essai", "--json", "--config", str(feeds))
    assert [e["feed"] for e in json.loads(found.stdout)] == ["Essai"]


# --- 6. 80 columns, disabled feeds -------------------------------------------------------------


def words_whole(output: str, words: list[str]) -> None:
    for word in words:
        assert word in output, f"{word!r} split or missing in:\n{output}"


def test_feeds_at_80_columns_is_a_block_per_feed_and_shows_disabled(feeds: Path) -> None:
    assert invoke("fetch", "--config", str(feeds)).exit_code == 0
    result = invoke("feeds", "--config", str(feeds), env=TERMINAL_80)
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "Notes (disabled)" in result.stdout
    words_whole(result.stdout, ["Essai", "last success", "entries", "failures"])
    piped = invoke("feeds", "--config", str(feeds)).stdout.splitlines()
    assert [row.split("\t")[-2] for row in piped] == ["enabled", "yes", "no"]


def test_doctor_at_80_columns_splits_no_word(tmp_path: Path, httpserver: HTTPServer) -> None:
    serve_site(httpserver)
    config = write(
        tmp_path / "feeds.yaml",
        f"""\
settings:
  outputs: [{{format: html, path: out.html}}]
feeds:
  - {{url: '{httpserver.url_for("/")}', name: Atelier, allow_private: true}}
""",
    )
    result = invoke("doctor", "--config", str(config), env=TERMINAL_80)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    words_whole(result.stdout, ["Atelier", "site URL; its feed is", "private address (allowed)"])


def test_doctor_q_prints_only_problems(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    config = write(
        tmp_path / "feeds.yaml",
        f"""\
settings:
  outputs: [{{format: html, path: out.html}}]
feeds:
  - {{url: '{httpserver.url_for("/gone")}', name: Gone, allow_private: true}}
""",
    )
    result = invoke("doctor", "-q", "--config", str(config))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("aggregator: Gone: ") and result.stderr.count("\n") == 1


# --- 7. --allow-private ------------------------------------------------------------------------


def test_add_of_a_private_address_says_how(httpserver: HTTPServer, feeds: Path) -> None:
    serve_site(httpserver)
    result = invoke("add", httpserver.url_for("/"), "--config", str(feeds))
    assert result.exit_code == 1
    assert result.stderr.rstrip().endswith("add it again with --allow-private")


def test_import_opml_allow_private(tmp_path: Path, feeds: Path) -> None:
    opml = write(
        tmp_path / "lan.opml",
        '<opml version="2.0"><body><outline text="NAS" xmlUrl="http://192.168.1.5/feed"/>'
        "</body></opml>",
    )
    result = invoke("import-opml", str(opml), "--allow-private", "--config", str(feeds))
    assert result.exit_code == 0
    assert load_config(feeds).feeds[-1].allow_private is True


# --- 9. import-opml says what it skipped -------------------------------------------------------


def test_import_opml_lists_every_skipped_outline(tmp_path: Path, feeds: Path) -> None:
    opml = write(
        tmp_path / "junk.opml",
        """<opml version="2.0"><body>
  <outline text="Script" xmlUrl="javascript:alert(1)"/>
  <outline text="Local" xmlUrl="file:///etc/passwd"/>
  <outline text="Folder"><outline text="Same" xmlUrl="%s"/></outline>
</body></opml>"""
        % (DATA / "rss2-fr.xml"),
    )
    before = feeds.read_text()
    result = invoke("import-opml", str(opml), "--config", str(feeds))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Skipped Script: not an http(s) URL",
        "Skipped Local: not an http(s) URL",
        "Skipped Same: not an http(s) URL",
        f"Nothing imported: {feeds} is unchanged (3 skipped, listed above).",
    ]
    assert feeds.read_text() == before


# --- 10. option errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["list", "--since", "yesterday"],
            "aggregator: list --since: expected a date such as 2026-11-01 or 2026-11-01T08:00, "
            "got 'yesterday' (see `aggregator list --help`)\n",
        ),
        (
            ["list", "--limit", "0"],
            "aggregator: list --limit: expected a whole number of at least 1, got '0' "
            "(see `aggregator list --help`)\n",
        ),
        (
            ["search", "x", "-n", "many"],
            "aggregator: search --limit: expected a whole number of at least 1, got 'many' "
            "(see `aggregator search --help`)\n",
        ),
        (
            ["export", "--heading-level", "9"],
            "aggregator: export --heading-level: expected a heading level from 1 to 6, got '9' "
            "(see `aggregator export --help`)\n",
        ),
        (["add"], "aggregator: add: Missing argument 'url'. (see `aggregator add --help`)\n"),
        (
            ["list", "--nope"],
            "aggregator: list: No such option: --nope (see `aggregator list --help`)\n",
        ),
    ],
)
def test_option_errors_are_one_line(feeds: Path, args: list[str], message: str) -> None:
    result = invoke(*args, "--config", str(feeds))
    assert (result.exit_code, result.stderr) == (2, message)


# --- 11. init ----------------------------------------------------------------------------------


def test_init_of_a_yaml_file_creates_that_file(tmp_path: Path) -> None:
    target = tmp_path / "myfeeds.yaml"
    result = invoke("init", str(target))
    assert result.exit_code == 0
    assert target.is_file()
    assert result.stdout.splitlines()[-1] == (
        f"Next: aggregator add https://example.org/ --config {target}"
    )
    again = invoke("init", str(target))
    assert (again.exit_code, again.stderr) == (
        2,
        f"aggregator: {target}: already exists; not overwritten\n",
    )


def test_init_hint_omits_the_default_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("init")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "Next: aggregator add https://example.org/"


# --- 12. --report on a folder ------------------------------------------------------------------


def test_report_on_a_folder_is_a_usage_error(feeds: Path) -> None:
    folder = feeds.parent / "reports"
    folder.mkdir()
    for path in (str(folder), f"{feeds.parent}/new-folder/"):
        result = invoke("run", "--report", path, "--config", str(feeds))
        assert result.exit_code == 2
        assert "is a folder; give a file path, such as" in result.stderr
        assert "last-run.json" in result.stderr
    assert not (feeds.parent / "public").exists()  # refused before running


# --- 13. small things --------------------------------------------------------------------------


def test_list_and_search_hide_a_removed_feeds_entries(tmp_path: Path, feeds: Path) -> None:
    text = feeds.read_text().replace("    enabled: false\n", "")
    write(feeds, text)
    assert invoke("fetch", "--config", str(feeds)).exit_code == 0
    assert invoke("remove", "Essai", "--config", str(feeds)).exit_code == 0
    listed = json.loads(invoke("list", "--json", "--config", str(feeds)).stdout)
    assert {e["feed"] for e in listed} == {"Notes"}
    assert invoke("search", "mode", "--json", "--config", str(feeds)).stdout == "[]\n"


def test_prune_without_retention_says_so(feeds: Path) -> None:
    write(
        feeds,
        feeds.read_text().replace(
            "  database: test.db\n", "  database: test.db\n  retention: none\n"
        ),
    )
    result = invoke("prune", "--config", str(feeds))
    assert result.stdout == f"Nothing deleted: retention is off (`retention: none` in {feeds}).\n"


def test_add_of_a_local_file(tmp_path: Path, feeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "local.xml").write_bytes((DATA / "atom-en.xml").read_bytes())
    monkeypatch.chdir(tmp_path)
    result = invoke("add", "./local.xml", "--name", "Local", "--config", str(feeds))
    assert result.exit_code == 0, result.output
    assert load_config(feeds).feeds[-1].url == str(tmp_path / "local.xml")


def test_v_names_a_feed_by_its_title(tmp_path: Path) -> None:
    config = write(
        tmp_path / "feeds.yaml",
        f"settings:\n  database: test.db\nfeeds:\n  - url: {DATA / 'atom-en.xml'}\n",
    )
    result = invoke("fetch", "-v", "--config", str(config))
    with Store(tmp_path / "test.db") as store:
        [title] = [f.title for f in store.stored_feeds().values()]
    assert title and result.stdout.startswith(f"{title}: ok, ")


def test_completion_offers_feed_names_and_formats(feeds: Path) -> None:
    env = {"_AGGREGATOR_COMPLETE": "complete_bash", "AGGREGATOR_CONFIG": str(feeds)}
    names = invoke(env={**env, "COMP_WORDS": "aggregator disable E", "COMP_CWORD": "2"})
    assert "Essai" in names.stdout
    formats = invoke(env={**env, "COMP_WORDS": "aggregator export --format a", "COMP_CWORD": "3"})
    assert "atom" in formats.stdout and "html" not in formats.stdout


# --- issue 13, points 9 and 10: feed text is never rich markup or a style ------------------------


def test_a_feed_name_with_markup_does_not_break_the_progress_bar() -> None:
    evil = "[/]Evil [link=https://evil.example/]click[/link]"
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with feed_progress(6, console) as advance:
        assert advance is not None
        for _ in range(6):
            advance(FeedOutcome(FeedSource("https://a.example/", name=evil), "ok"))
    assert "evil.example" not in out.getvalue().replace(evil, "")  # never a hyperlink


def test_a_link_with_a_no_break_space_stays_one_link(feeds: Path) -> None:
    from dataclasses import replace

    assert invoke("fetch", "--config", str(feeds)).exit_code == 0
    with Store(feeds.parent / "test.db") as store:
        [entry] = store.latest(limit=1)
    link = "https://ok.example/a\u00a0blink https://evil.example/"
    out = io.StringIO()
    Console(file=out, force_terminal=True, width=200).print(
        entries_table([replace(entry, link=link)], "UTC")
    )
    text = out.getvalue()
    assert "\x1b[5m" not in text  # no blink
    assert "\x1b]8;id=" in text and "evil.example/\x1b\\" not in text.split(link)[0]


# --- 8. discovery messages that are true ---------------------------------------------------------


def test_add_says_advertised_only_when_the_page_advertised(
    httpserver: HTTPServer, feeds: Path
) -> None:
    serve_site(httpserver)  # a page with <link rel="alternate">
    advertised = invoke("add", httpserver.url_for("/"), "--allow-private", "--config", str(feeds))
    assert "(advertised by the page)" in advertised.stdout
    httpserver.expect_request("/plain/").respond_with_data(
        "<html><head><title>No link</title></head><body>Hi</body></html>",
        content_type="text/html",
    )
    httpserver.expect_request("/plain/feed").respond_with_data(
        (DATA / "atom-en.xml").read_bytes(), content_type="application/atom+xml"
    )
    guessed = invoke(
        "add", httpserver.url_for("/plain/"), "--allow-private", "--config", str(feeds)
    )
    assert guessed.exit_code == 0, guessed.output
    assert "(at a usual path)" in guessed.stdout and "advertised by" not in guessed.stdout


def test_no_feed_found_lists_every_path_tried(httpserver: HTTPServer, feeds: Path) -> None:
    httpserver.expect_request("/blog/").respond_with_data(
        "<html><head><title>No feed</title></head><body>Hi</body></html>",
        content_type="text/html",
    )
    result = invoke("add", httpserver.url_for("/blog/"), "--allow-private", "--config", str(feeds))
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert "no feed link, and no feed at the usual paths; tried: /blog/feed, /blog/rss," in message
    tried = message.split("tried: ", 1)[1].split(", ")
    usual = ["/feed", "/rss", "/atom.xml", "/index.xml", "/feed.json", "/rss.xml", "/feed.xml"]
    assert tried == [f"/blog{path}" for path in usual] + usual  # the folder's, then the root's


def test_names_from_opml_are_cleaned(tmp_path: Path, feeds: Path) -> None:
    long = "x" * 300
    opml = write(
        tmp_path / "bidi.opml",
        '<opml version="2.0"><body>'
        '<outline text="&#x202E;Evil&#x2066;  [b]name[/b]&#x9;&#x200F;" xmlUrl="https://evil.example/feed"/>'
        f'<outline text="{long}" xmlUrl="https://long.example/feed"/>'
        "</body></opml>",
    )
    assert invoke("import-opml", str(opml), "--config", str(feeds)).exit_code == 0
    evil, very_long = load_config(feeds).feeds[-2:]
    assert evil.name == "Evil [b]name[/b]"  # controls and bidi gone; brackets are only text
    assert very_long.name is not None and len(very_long.name) == 120


def test_doctor_notes_a_fragment_without_its_stylesheet(tmp_path: Path) -> None:
    config = write(
        tmp_path / "feeds.yaml",
        f"settings:\n  outputs: [{{format: fragment, path: f.html}}]\n"
        f"feeds:\n  - url: {DATA / 'rss2-fr.xml'}\n",
    )
    result = invoke("doctor", "--config", str(config), env={"COLUMNS": "200"})
    assert result.exit_code == 0  # a note, not a problem
    assert "note: the fragment carries no style of its own: add an output" in result.stdout
    styled = config.read_text().replace("]", ", {format: css, path: f.css}]", 1)
    write(config, styled)
    assert "note:" not in invoke("doctor", "--config", str(config)).stdout


def test_feeds_chooses_blocks_whenever_a_word_would_be_split(feeds: Path) -> None:
    assert invoke("fetch", "--config", str(feeds)).exit_code == 0
    longest = max(len(str(DATA / name)) for name in ("rss2-fr.xml", "atom-en.xml"))
    for columns in (longest + 60, longest + 100):  # a table cannot hold the paths whole
        text = invoke("feeds", "--config", str(feeds), env={**TERMINAL_80, "COLUMNS": str(columns)})
        assert "┃" not in text.stdout and f"  {DATA / 'rss2-fr.xml'}\n" in text.stdout
    wide = invoke("feeds", "--config", str(feeds), env={**TERMINAL_80, "COLUMNS": "400"})
    assert "┃ name" in wide.stdout and str(DATA / "rss2-fr.xml") in wide.stdout


# --- 15, 16: through the command line ----------------------------------------------------------


def test_export_headings_and_link_names(feeds: Path) -> None:
    assert invoke("fetch", "--config", str(feeds)).exit_code == 0
    page = invoke("export", "-f", "html", "--config", str(feeds)).stdout
    levels = re.findall(r"<h([1-6])\b", page)
    assert levels[0] == "1" and set(levels[1:]) == {"2"}  # no level skipped
    sidebar = invoke("export", "-f", "fragment", "--heading-level", "3", "--config", str(feeds))
    assert set(re.findall(r"<h([1-6])\b", sidebar.stdout)) == {"3"}
    names = re.findall(
        r'class="aggregator-read-more"[^>]*>Lire la suite<span class="aggregator-visually-hidden"> : ([^<]+)</span>',
        page,
    )
    assert len(names) == page.count('class="aggregator-read-more"') > 0 and all(names)


def test_the_distribution_is_not_named_aggregator() -> None:
    """`aggregator` on PyPI is another project: ours is plus-d-articles, command aggregator."""
    from importlib.metadata import distribution

    dist = distribution("plus-d-articles")
    scripts = {e.name: e.value for e in dist.entry_points if e.group == "console_scripts"}
    assert set(scripts) == {"aggregator"} and scripts["aggregator"].startswith("aggregator.")
    assert "aggregator" in (dist.read_text("top_level.txt") or "aggregator").split()
