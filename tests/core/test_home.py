"""The member home: the three most used services one tap from the top, each tile listing what
is inside it, and no tile that opens onto nothing."""

from __future__ import annotations

from unionhome.core.areas import AREAS, areas_in_use

from ..conftest import login_client


def test_the_shortcuts_come_first(personas):
    page = login_client(personas.member_user).get("/").content.decode()
    shortcuts = [
        page.index(f'href="{url}">{name}')
        for url, name in (
            ("/appeals/new/", "我要反映诉求"),
            ("/benefits/", "福利申领"),
            ("/card/", "电子会员卡"),
        )
    ]
    assert max(shortcuts) < page.index('class="tiles"')


def test_each_tile_lists_what_works_inside_it(personas):
    page = login_client(personas.member_user).get("/").content.decode()
    assert "证书申报" in page  # the skills tile opens onto the certificate claim
    for area in areas_in_use():
        for item in area.open_items:
            assert str(item.name) in page
        assert all(str(i.name) not in page for i in area.items if not i.url and str(i.name) != "申请入会")


def test_no_tile_opens_onto_nothing():
    assert all(a.open_items for a in areas_in_use())
    assert {a.slug for a in AREAS} == {a.slug for a in areas_in_use()}  # every area has something today


def test_the_elder_mode_keeps_the_tile_contents():
    from pathlib import Path

    css = Path("unionhome/static/unionhome/app.css").read_text()
    assert ".elder .tile-desc { display: none" not in css
