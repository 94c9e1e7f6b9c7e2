"""QR codes as inline SVG (e-member card, tickets, station posters)."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str, *, title: str, scale: int = 6) -> str:
    out = io.BytesIO()
    segno.make(text, error="m").save(
        out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=title
    )
    return out.getvalue().decode()
