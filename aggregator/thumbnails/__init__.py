"""Thumbnails served from the blog (`thumbnails: local`): the visitor's browser asks the
partner for nothing.

_images.py  Pillow: an image's bytes in, WebP thumbnails without metadata out (or refused)
_folder.py  the thumbnails folder: content-hash file names, what each image URL gave
_copy.py    fetching the images the digest shows (the feeds' rules), once each

Each image is fetched once, by the feeds' rules (deadline, address checked on every hop, a
size cap), decoded by Pillow from the web's formats only (never EPS or the like, which would
run a decoder nobody audits for this), refused past a pixel count before it is decoded,
cut to the digest's box at 1x and 2x, and written as WebP from fresh pixels: no EXIF, GPS,
XMP or colour profile of the original survives. File names are hashes of the content;
`.thumbnails.json` in the folder remembers which URL gave which files (or failed, and
when), so that a URL is fetched again only after a failure, a day later.
"""

from aggregator.thumbnails._copy import (
    ShownImages,
    ThumbnailReport,
    copy_shown_images,
    update_thumbnails,
)
from aggregator.thumbnails._folder import MANIFEST, Thumbnail, ThumbnailFolder
from aggregator.thumbnails._images import ImageRefused, make_thumbnails

__all__ = [
    "MANIFEST",
    "ImageRefused",
    "ShownImages",
    "Thumbnail",
    "ThumbnailFolder",
    "ThumbnailReport",
    "copy_shown_images",
    "make_thumbnails",
    "update_thumbnails",
]
