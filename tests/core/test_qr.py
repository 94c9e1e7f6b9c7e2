"""QR codes scale with their box and stay centred: a viewBox, no fixed size."""

from __future__ import annotations

import re

from unionhome.core.qr import qr_svg

from ..conftest import login_client


def test_a_qr_code_has_a_view_box_and_no_fixed_size():
    svg = qr_svg("https://example.cn/t/1", title="入场券")
    opening = svg[: svg.index(">")]
    assert re.search(r'viewBox="0 0 (\d+) \1"', opening)
    assert " width=" not in opening and " height=" not in opening
    assert 'role="img"' in opening and "<title>入场券</title>" in svg


def test_the_e_card_shows_the_scalable_code(personas):
    page = login_client(personas.member_user).get("/card/").content.decode()
    opening = page[page.index("<svg") :]
    opening = opening[: opening.index(">")]
    assert "viewBox=" in opening and " width=" not in opening
