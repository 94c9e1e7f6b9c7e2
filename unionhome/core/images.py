"""What an uploaded picture really shows, read with Pillow within bounds.

A signature drawn on a volunteer's phone is the member's consent, so the picture must hold a
signature: a blank canvas, a picture of one colour, or a filled block is not one. `ink_error`
tells why a picture is not a drawn mark, or None."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# A signature pad is a few hundred pixels a side; anything over this is not one (and a picture of
# huge dimensions in a small file is how a decompression bomb starts).
MAX_PIXELS = 4_000_000
# How far from the background a pixel must be to count as ink (0–255 grey levels).
INK_CONTRAST = 48
# Ink must cover at least this share of the picture, and this many pixels, but not most of it.
MIN_INK_SHARE = 0.002
MIN_INK_PIXELS = 60
MAX_INK_SHARE = 0.6
# The pad, and paper, are light: a picture whose commonest grey is darker than this is no signature.
LIGHT = 160


def _greys(data: bytes) -> Image.Image | None:
    """The picture in grey levels, a transparent background laid on white; None if unreadable."""
    try:
        picture = Image.open(io.BytesIO(data))
        if picture.width * picture.height > MAX_PIXELS:
            return None
        picture.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
        white = Image.new("RGBA", picture.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(white, picture.convert("RGBA"))
    return picture.convert("L")


def ink_share(data: bytes) -> float | None:
    """The share of pixels that differ from the picture's commonest grey by INK_CONTRAST or more;
    None if the data is not a picture we read."""
    greys = _greys(data)
    if greys is None:
        return None
    histogram = greys.histogram()
    background = max(range(256), key=histogram.__getitem__)
    if background < LIGHT:
        return 1.0  # mostly dark: a filled block or a photograph, not ink on a pad
    ink = sum(n for level, n in enumerate(histogram) if abs(level - background) >= INK_CONTRAST)
    total = greys.width * greys.height
    if ink < MIN_INK_PIXELS:
        return 0.0
    return ink / total


def ink_error(data: bytes) -> str | None:
    """Why `data` is not a drawn signature, or None."""
    share = ink_share(data)
    if share is None:
        return _("签名图片无法读取，请重新签名")
    if share < MIN_INK_SHARE:
        return _("没有看到签名：请让会员在框内写下名字")
    if share > MAX_INK_SHARE:
        return _("签名不清楚：请清除后让会员重新签名")
    return None
