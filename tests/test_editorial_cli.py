"""hide, unhide, list --all, list --hidden and doctor through CliRunner, on a feed file in the
shape of a WordPress feed (categories in CDATA)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from aggregator.cli._app import app
from aggregator.config import load_config
from aggregator.doctor import diagnose

from .conftest import DATA
from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)
from .test_thumbnails import png_claiming

runner = CliRunner()
FEED = DATA / "categories" / "wordpress.xml"
OFF_TOPIC = "https://claire.example/2026/11/rien/"


def png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        f"""\
settings:
  database: test.db
  filters:
    exclude: [sponsorisé]
  outputs:
    - {{format: html, path: public/page.html}}
feeds:
  - url: {FEED}
    name: Claire
"""
    )
    assert invoke("fetch", "--config", str(path)).exit_code == 0
    return str(path)


def test_list_shows_what_the_digest_shows_and_all_says_why_not(config: str) -> None:
    shown = invoke("list", "--config", config)
    assert "Des formulaires accessibles" in shown.stdout
    assert "Notre partenaire du mois" not in shown.stdout

    everything = invoke("list", "--all", "--config", config)
    assert everything.exit_code == 0
    assert (
        "Notre partenaire du mois\n    Un billet écrit avec notre partenaire.\n"
        in everything.stdout
    )
    assert '    left out: excluded: "sponsorisé"\n' in everything.stdout
    assert everything.stdout.count("left out:") == 1

    rows = json.loads(invoke("list", "--all", "--json", "--config", config).stdout)
    assert [r["left_out"] for r in rows] == [None, 'excluded: "sponsorisé"', None]


def test_hide_list_hidden_and_unhide(config: str, tmp_path: Path) -> None:
    hidden = invoke("hide", OFF_TOPIC, "--reason", "hors sujet", "--config", config)
    assert (hidden.exit_code, hidden.stdout) == (0, "hidden: « Sans catégorie » (Claire)\n")

    listed = invoke("list", "--hidden", "--config", config).stdout
    assert "Claire  Sans catégorie\n    reason: hors sujet\n" in listed
    [row] = json.loads(invoke("list", "--hidden", "--json", "--config", config).stdout)
    assert (row["title"], row["reason"], row["link"]) == ("Sans catégorie", "hors sujet", OFF_TOPIC)
    assert "left out: hidden: hors sujet" in invoke("list", "--all", "--config", config).stdout

    assert invoke("run", "--config", config).exit_code == 0
    page = (tmp_path / "public/page.html").read_text()
    assert "Des formulaires accessibles" in page
    assert "Sans catégorie" not in page and "partenaire du mois" not in page

    shown_again = invoke("unhide", OFF_TOPIC, "--config", config)
    assert (shown_again.exit_code, shown_again.stdout) == (0, "shown again: 1 post\n")
    assert invoke("run", "--config", config).exit_code == 0
    assert "Sans catégorie" in (tmp_path / "public/page.html").read_text()


@pytest.mark.parametrize("command", ["hide", "unhide"])
def test_an_unknown_post_is_one_line_and_exit_1(config: str, command: str) -> None:
    result = invoke(command, "https://claire.example/nope", "--config", config)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "no " in result.stderr and "'https://claire.example/nope'" in result.stderr


def test_doctor_says_when_filters_leave_nothing(config: str) -> None:
    text = Path(config).read_text().replace("exclude: [sponsorisé]", "include: [cuisine]")
    Path(config).write_text(text)
    [check] = diagnose(load_config(config)).feeds
    assert check.verdict == "warning"
    assert check.problems == (
        "its filters leave none of its 3 stored posts in the digest (see `aggregator list --all`)",
    )
    result = runner.invoke(app, ["doctor", "--config", config], env={"COLUMNS": "400"})
    assert result.exit_code == 1 and "its filters leave none of its 3 stored posts" in result.output


def test_run_with_local_thumbnails_survives_hostile_images(  # 50 MB: see test_editorial
    recording_server: RecordingServer, tmp_path: Path
) -> None:
    images = {
        "good": recording_server.route("/good.png", png((640, 360)), content_type="image/png"),
        "html": recording_server.route("/x.jpg", b"<html></html>", content_type="image/jpeg"),
        "bomb": recording_server.route("/bomb.png", png_claiming(60_000, 60_000), content_type=""),
        "gone": recording_server.route("/gone.jpg", b"", 404, "image/jpeg"),
    }
    items = "".join(
        f"<item><title>Post {name}</title><link>https://p.example/{name}</link>"
        f"<guid>https://p.example/{name}</guid><pubDate>Tue, 24 Nov 2026 0{n}:00:00 GMT</pubDate>"
        f'<description>&lt;p&gt;&lt;img src="{url}"&gt;Texte {name}.&lt;/p&gt;</description></item>'
        for n, (name, url) in enumerate(images.items())
    )
    feed = tmp_path / "partner.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>P</title>'
        f"<link>https://p.example/</link>{items}</channel></rss>"
    )
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "settings:\n  database: test.db\n  thumbnails: local\n  entries_per_feed: 10\n"
        "  outputs:\n    - {format: html, path: public/page.html}\n"
        f"feeds:\n  - url: {feed}\n    allow_private: true\n"
    )
    result = invoke("run", "--config", str(path))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "public/page.html").read_text()
    assert all(f"Post {name}" in page for name in images)
    sources = re.findall(r'<img[^>]* src="([^"]+)"', page)
    assert len(sources) == 1 and sources[0].startswith("thumbs/") and sources[0].endswith(".webp")
    assert len(list((tmp_path / "public/thumbs").glob("*.webp"))) == 2
