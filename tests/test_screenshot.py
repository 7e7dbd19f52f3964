"""scripts/screenshot: a real browser when Debian's chromium is here, a clear line when not."""

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent.parent / "scripts" / "screenshot"


def run(outdir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(outdir)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
        check=False,
    )


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_a_missing_browser_is_one_line_and_nothing_is_made(tmp_path: Path) -> None:
    result = run(tmp_path / "shots", CHROMIUM=str(tmp_path / "no-chromium"))
    assert result.returncode == 1
    assert result.stderr == (
        f"screenshot: CHROMIUM={tmp_path}/no-chromium is not an executable file\n"
    )
    assert not (tmp_path / "shots").exists()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_pages_and_host_page_at_desktop_and_phone_widths(tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.returncode == 0, result.stderr
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    assert shots == ["digest-desktop.png", "digest-phone.png", "host-desktop.png", "host-phone.png"]
    assert png_size(tmp_path / "digest-desktop.png")[0] == 1280
    assert png_size(tmp_path / "host-phone.png")[0] == 390
    # a page with text is not one flat colour: the PNG compresses far less than a blank one
    assert (tmp_path / "host-desktop.png").stat().st_size > 20_000
