"""QR codes as inline SVG (e-member card, tickets, station posters)."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str, *, title: str, scale: int = 6) -> str:
    """A square that scales with its box: a `viewBox` and no fixed width or height, so the page's
    CSS sizes it and it stays centred (a fixed-size SVG in a wider box sits in its corner)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(
        out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=title, omitsize=True
    )
    return out.getvalue().decode().replace("<svg ", '<svg role="img" ', 1)
