"""Local thumbnails: real images made by Pillow here, served by a loopback server; hostile
ones (a decompression bomb, a non-image, 50 MB, a redirect to a private address) refused
without writing anything."""

from __future__ import annotations

import asyncio
import io
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import ExifTags, Image

from aggregator.config import parse_config
from aggregator.digest._thumbnails import thumbnail_folder
from aggregator.errors import ConfigError
from aggregator.thumbnails import (
    MANIFEST,
    ThumbnailFolder,
    ThumbnailReport,
    make_thumbnails,
    update_thumbnails,
)
from aggregator.thumbnails._images import MAX_PIXELS

from .hostile.servers import RecordingServer, recording_server  # noqa: F401 (fixture)

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
PUBLIC = "93.184.215.14"  # a global address: the proxy answers in its place
RED, BLUE = (220, 20, 20), (20, 20, 220)
SECRET = "Secret Cabin, 48.8566 N"


def halves(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue."""
    image = Image.new(mode, size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    return image


def jpeg_with_gps_turned_on_its_side() -> bytes:
    """A camera's JPEG: stored sideways with Orientation 6, GPS and an artist in EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned 90° clockwise: left half on top
    exif[ExifTags.Base.Artist] = SECRET
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 23.76)
    buffer = io.BytesIO()
    halves((1200, 900)).save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def encoded(image: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def see_through(size: tuple[int, int]) -> Image.Image:
    image = halves(size, "RGBA")
    image.putalpha(128)
    return image


def animated_gif() -> bytes:
    """A red first frame, then a blue one."""
    frames = [Image.new("RGB", (200, 120), RED), Image.new("RGB", (200, 120), BLUE)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def png_claiming(width: int, height: int) -> bytes:
    """A real PNG whose header is changed to claim `width` x `height` pixels: a few bytes
    that would decode to gigabytes."""
    data = bytearray(encoded(Image.new("L", (1, 1)), "PNG"))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def colour_at(image: Image.Image, x: int, y: int) -> str:
    r, _g, b = image.convert("RGB").getpixel((x, y))  # type: ignore[misc]
    return "red" if r > 2 * b else "blue" if b > 2 * r else "mixed"


@pytest.fixture
def folder(tmp_path: Path) -> ThumbnailFolder:
    return ThumbnailFolder.open(tmp_path / "thumbs")


def fetch(folder: ThumbnailFolder, urls: list[str], private: bool = True) -> ThumbnailReport:
    return update_thumbnails(folder, dict.fromkeys(urls, private), NOW)


def written(folder: ThumbnailFolder) -> list[str]:
    return sorted(p.name for p in folder.path.glob("*.webp"))


def test_a_camera_jpeg_is_upright_resized_and_without_metadata(
    recording_server: RecordingServer, folder: ThumbnailFolder
) -> None:
    original = jpeg_with_gps_turned_on_its_side()
    assert SECRET.encode() in original
    url = recording_server.route("/photo.jpg", original, content_type="image/jpeg")
    report = fetch(folder, [url])

    assert not report.failed
    thumbnail = folder.get(url)
    assert thumbnail is not None and thumbnail.large is not None
    for name, size in ((thumbnail.small, (160, 90)), (thumbnail.large, (320, 180))):
        data = (folder.path / name).read_bytes()
        assert SECRET.encode() not in data and b"Exif" not in data and b"XMP" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.size) == ("WEBP", size)
            assert not image.getexif() and not image.info.get("icc_profile")
            assert "exif" not in image.info and "xmp" not in image.info
            # turned upright: the stored left half is now on top
            assert colour_at(image, size[0] // 2, 2) == "red"
            assert colour_at(image, size[0] // 2, size[1] - 3) == "blue"
    assert written(folder) == sorted([thumbnail.small, thumbnail.large])


@pytest.mark.parametrize(
    ("kind", "data", "alpha", "sizes"),
    [
        ("png", encoded(see_through((400, 400)), "PNG"), True, 2),
        ("webp", encoded(halves((640, 360)), "WEBP"), False, 2),
        ("gif", animated_gif(), False, 1),
        ("small-png", encoded(halves((120, 60)), "PNG"), False, 1),
    ],
)
def test_each_web_format(
    recording_server: RecordingServer,
    folder: ThumbnailFolder,
    kind: str,
    data: bytes,
    alpha: bool,
    sizes: int,
) -> None:
    url = recording_server.route(f"/{kind}", data, content_type=f"image/{kind}")
    fetch(folder, [url])
    thumbnail = folder.get(url)
    assert thumbnail is not None
    assert (thumbnail.large is not None) == (sizes == 2)
    with Image.open(folder.path / thumbnail.small) as image:
        assert (image.format, image.size) == ("WEBP", (160, 90))
        assert (image.mode == "RGBA") == alpha
        if kind == "gif":  # the first frame
            assert colour_at(image, 80, 45) == "red"


HOSTILE = {
    "bomb": (png_claiming(60_000, 60_000), "image/png", "too many pixels"),
    "under-pillows-limit": (png_claiming(8_000, 8_000), "image/png", f"more than {MAX_PIXELS}"),
    "html": (b"<!DOCTYPE html><title>Oops</title>", "image/jpeg", "not an image"),
    "eps": (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "image/jpeg", "not an image"),
    "truncated": (jpeg_with_gps_turned_on_its_side()[:3000], "image/jpeg", "cannot decode"),
    "huge": (b"", "image/jpeg", "body larger than 5242880 bytes"),  # 50 MB, made when served
    "missing": (b"gone", "text/plain", "HTTP 404"),
}


def test_hostile_images_are_refused_and_nothing_is_written(
    recording_server: RecordingServer, folder: ThumbnailFolder
) -> None:
    urls = {}
    for name, (body, content_type, _reason) in HOSTILE.items():
        body = bytes(50 * 1024 * 1024) if name == "huge" else body
        status = 404 if name == "missing" else 200
        urls[name] = recording_server.route(f"/{name}", body, status, content_type)
    urls["file"] = "file:///etc/passwd"
    report = fetch(folder, list(urls.values()))

    for name, url in urls.items():
        expected = "not an http(s) URL" if name == "file" else HOSTILE[name][2]
        assert expected in report.failed[url], (name, report.failed.get(url))
        assert "\n" not in report.failed[url]
        assert folder.get(url) is None
    assert written(folder) == []
    assert not any(p.name.endswith(".tmp") for p in folder.path.iterdir())


@pytest.fixture
def proxied(recording_server: RecordingServer) -> Iterator[httpx.AsyncClient]:
    """A client that sends every request to the recording server (so nothing leaves
    127.0.0.1, whatever address a URL names)."""
    client = httpx.AsyncClient(
        proxy=recording_server.url,
        trust_env=False,
        follow_redirects=False,
        timeout=5,
        limits=httpx.Limits(max_keepalive_connections=0),
    )
    yield client
    asyncio.run(client.aclose())


def test_a_redirect_to_a_private_address_is_refused(
    recording_server: RecordingServer, proxied: httpx.AsyncClient, folder: ThumbnailFolder
) -> None:
    good = encoded(halves((320, 180)), "PNG")
    recording_server.route("/metadata.png", b"", 302, Location="http://169.254.169.254/x.png")
    recording_server.route("/loopback.png", b"", 302, Location="http://127.0.0.1/x.png")
    recording_server.route("/x.png", good, content_type="image/png")
    wanted = {f"http://{PUBLIC}/metadata.png": False, f"http://{PUBLIC}/loopback.png": False}
    report = update_thumbnails(folder, wanted, NOW, client=proxied)

    for url in wanted:
        assert "non-public address" in report.failed[url]
        assert folder.get(url) is None
    assert written(folder) == []
    assert all(r.target.startswith(f"http://{PUBLIC}/") for r in recording_server.requests)


def test_each_image_is_fetched_once_and_unused_ones_are_removed(
    recording_server: RecordingServer, folder: ThumbnailFolder
) -> None:
    first = recording_server.route("/1.png", encoded(halves((160, 90)), "PNG"), content_type="")
    second = recording_server.route("/2.png", encoded(halves((90, 90)), "PNG"), content_type="")
    (folder.path).mkdir(parents=True)
    (folder.path / "owners-logo.webp").write_bytes(b"not ours")
    fetch(folder, [first, second])
    fetch(ThumbnailFolder.open(folder.path), [first, second])
    assert sorted(recording_server.paths()) == ["/1.png", "/2.png"]  # once each, across runs

    again = ThumbnailFolder.open(folder.path)
    report = fetch(again, [second])
    kept = again.get(second)
    assert kept is not None and report.removed and kept.small not in report.removed
    assert written(again) == sorted([kept.small, "owners-logo.webp"])
    assert again.get(first) is None


def test_a_failed_image_is_tried_again_a_day_later(
    recording_server: RecordingServer, folder: ThumbnailFolder
) -> None:
    url = recording_server.route("/late.png", b"", 503)
    assert url in fetch(folder, [url]).failed
    recording_server.route("/late.png", encoded(halves((160, 90)), "PNG"), content_type="")
    assert update_thumbnails(folder, {url: True}, NOW + timedelta(hours=1)).fetched == {}
    assert folder.get(url) is None
    update_thumbnails(folder, {url: True}, NOW + timedelta(days=1, minutes=1))
    assert folder.get(url) is not None
    assert recording_server.paths() == ["/late.png", "/late.png"]


def test_an_unreadable_record_starts_again(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_text("{not json")
    assert ThumbnailFolder.open(tmp_path).records == {}
    (tmp_path / MANIFEST).write_text('{"images": {"https://a.example/i.png": {"files": "x"}}}')
    assert ThumbnailFolder.open(tmp_path).get("https://a.example/i.png") is None


def test_the_same_pixels_give_the_same_file_name() -> None:
    data = encoded(halves((400, 300)), "PNG")
    assert make_thumbnails(data) == make_thumbnails(data)


@pytest.mark.parametrize(
    ("written_value", "mode"),
    [("true", "remote"), ("false", "none"), ("local", "local"), ("remote", "remote")],
)
def test_the_setting_keeps_its_old_meaning(tmp_path: Path, written_value: str, mode: str) -> None:
    text = f"settings:\n  thumbnails: {written_value}\n  outputs:\n"
    text += "    - {format: html, path: public/digest.html}\nfeeds: []\n"
    settings = parse_config(text, tmp_path / "feeds.yaml").settings
    assert settings.thumbnails == mode
    assert thumbnail_folder(settings, tmp_path) == tmp_path / "public" / "thumbs"


def test_the_folder_can_be_chosen(tmp_path: Path) -> None:
    text = "settings:\n  thumbnails: local\n  thumbnails_dir: static/t\nfeeds: []\n"
    settings = parse_config(text, tmp_path / "f.yaml").settings
    assert thumbnail_folder(settings, tmp_path) == tmp_path / "static" / "t"
    alone = parse_config("settings:\n  thumbnails: local\nfeeds: []\n", tmp_path / "f.yaml")
    assert thumbnail_folder(alone.settings, tmp_path) == tmp_path / "thumbs"  # no output
    with pytest.raises(ConfigError, match="expected one of local, remote, none, got 'yes please'"):
        parse_config("settings:\n  thumbnails: yes please\nfeeds: []\n", tmp_path / "f.yaml")
    with pytest.raises(ConfigError, match="expected one of local, remote, none, got \\[1\\]"):
        parse_config("settings:\n  thumbnails: [1]\nfeeds: []\n", tmp_path / "f.yaml")
