import json
from pathlib import Path

from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from aggregator import __version__
from aggregator.cli._app import app

from .conftest import DATA, WriteConfig

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_version_and_help() -> None:
    assert invoke("--version").stdout.strip() == f"aggregator {__version__}"
    for command in ("fetch", "list", "export", "run"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "--config" in result.stdout


def test_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.yaml"
    bad.write_text("settings:\n  excerpt_length: -3\nfeeds: []\n")
    result = invoke("fetch", "--config", str(bad))
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "feeds.yaml:2: settings.excerpt_length" in result.stderr
    assert "Traceback" not in result.output


def test_missing_config_from_env(tmp_path: Path) -> None:
    result = runner.invoke(app, ["list"], env={"AGGREGATOR_CONFIG": str(tmp_path / "x.yaml")})
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_fetch_list_export_run(
    httpserver: HTTPServer, tmp_path: Path, write_config: WriteConfig
) -> None:
    httpserver.expect_request("/broken").respond_with_data("no", status=404)
    config = write_config(
        [
            {"url": str(DATA / "rss2-fr.xml"), "name": "Essai"},
            {"url": httpserver.url_for("/broken"), "name": "Cassé", "allow_private": True},
        ],
        outputs=[
            {"format": "html", "path": "out/page.html"},
            {"format": "fragment", "path": "out/fragment.html"},
        ],
    )
    path = str(config.path)

    fetched = invoke("fetch", "--config", path)
    assert fetched.exit_code == 1
    assert fetched.stdout == ""
    assert fetched.stderr.strip() == "aggregator: Cassé: HTTP 404 Not Found"

    only_good = invoke("fetch", "Essai", "--config", path, "-v")
    assert only_good.exit_code == 0
    assert "Essai: ok, 0 new, 0 updated" in only_good.stdout

    listed = invoke("list", "--config", path, "--json", "--limit", "2")
    rows = json.loads(listed.stdout)
    # an undated post is dated when first seen: now, so first
    assert [r["title"] for r in rows] == ["Sans date ni guid", "L’été & la mode"]
    assert set(rows[0]) >= {"feed", "title", "link", "excerpt", "date"}

    exported = invoke("export", "--config", path, "--format", "fragment")
    assert exported.exit_code == 0 and exported.stdout.lstrip().startswith("<section")
    assert invoke("export", "--config", path, "--format", "pdf").exit_code == 2

    ran = invoke("run", "--config", path)
    assert ran.exit_code == 1  # the 404 feed still fails
    assert (tmp_path / "out/page.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "out/fragment.html").exists()


def test_python_m_aggregator_works() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "aggregator", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"aggregator {__version__}"
