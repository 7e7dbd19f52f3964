"""Pillow: an image's bytes in, WebP thumbnails without metadata out, or ImageRefused.

Only the web's formats are decoded (never EPS or the like, which would run a decoder
nobody audits for this); an image is refused past a pixel count before it is decoded.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

BOX = (160, 90)
"""The width and height the templates give a thumbnail (16:9)."""
MAX_PIXELS = 16_000_000
"""Refused past this many pixels, before decoding: a decompression bomb is a small file.
(4000×4000; decoding one takes ~64 MB and its copies as much again.)"""
_DECODING = threading.Lock()
"""One image decoded at a time, whatever the threads: memory stays that of one image."""
Image.init()  # registers the format plugins, so that WEB_FORMATS can ask which are there
WEB_FORMATS = tuple(f for f in ("JPEG", "PNG", "WEBP", "GIF", "AVIF") if f in Image.OPEN)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRefused(Exception):
    """Why an image is not used: one line, the entry keeps no image."""


def make_thumbnails(data: bytes, box: tuple[int, int] = BOX) -> list[bytes]:
    """WebP files of the image in `data`, cut to `box` and (when large enough) to twice
    `box`. Raises ImageRefused when `data` is not an image Pillow decodes within limits."""
    with _DECODING, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=WEB_FORMATS) as image:
                return _thumbnails_of(image, box)
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageRefused(f"too many pixels ({error})"[:200]) from None
        except UnidentifiedImageError:
            raise ImageRefused("not an image in a web format") from None
        except Exception as error:  # a decoder fed hostile bytes may raise anything
            raise ImageRefused(f"cannot decode the image: {error}"[:200]) from None


def _thumbnails_of(image: Image.Image, box: tuple[int, int]) -> list[bytes]:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageRefused(f"{width}×{height} pixels: more than {MAX_PIXELS} to decode")
    large = (box[0] * 2, box[1] * 2)
    # JPEG decodes at 1/2, 1/4 or 1/8 scale when that is still large enough: less memory.
    image.draft("RGB", (max(large), max(large)))
    image.seek(0)  # an animation shows its first frame
    image.load()
    upright = ImageOps.exif_transpose(image)  # before the EXIF orientation tag is dropped
    frame = _in_srgb(upright.convert("RGBA" if image.has_transparency_data else "RGB"), image)
    sizes = [box]
    if frame.width >= large[0] and frame.height >= large[1]:
        sizes.append(large)
    return [_webp(ImageOps.fit(frame, size, Image.Resampling.LANCZOS)) for size in sizes]


def _in_srgb(frame: Image.Image, original: Image.Image) -> Image.Image:
    """The pixels converted to sRGB when the original carries a colour profile (the copy
    carries none, and browsers take untagged pixels for sRGB)."""
    profile = original.info.get("icc_profile")
    if not profile or original.mode not in ("RGB", "RGBA"):
        return frame
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(frame, source, _SRGB, outputMode=frame.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return frame  # a broken profile: the pixels as they are
    return converted if converted is not None else frame


def _webp(image: Image.Image) -> bytes:
    """WebP from the pixels alone: a new image carries no metadata of the original."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    clean.save(buffer, "WEBP", quality=80, method=4)
    return buffer.getvalue()


def file_name(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20] + ".webp"
