"""The workbench menu: six groups, the current page marked, the admin-only entry for the
system's administrator alone."""

from __future__ import annotations

from unionhome.core.staffmenu import GROUPS

from ..conftest import login_client


def test_the_menu_has_six_groups_and_every_entry_opens(personas):
    client = login_client(personas.staff)
    page = client.get("/staff/").content.decode()
    assert [str(label) for label, _ in GROUPS] == ["会员", "诉求", "活动", "福利", "内容", "系统"]
    for label, entries in GROUPS:
        assert f">{label}</p>" in page
        for entry in entries:
            if entry.superuser:
                assert entry.path not in page
                continue
            assert f">{entry.label}</a>" in page, entry.label


def test_the_current_page_is_marked_and_its_group_named(personas):
    page = login_client(personas.staff).get("/staff/benefits/").content.decode()
    assert 'aria-current="page">福利审批</a>' in page
    assert '<span class="muted"> · 福利</span>' in page


def test_the_calendar_entry_shows_to_the_administrator_only(personas):
    personas.admin.is_superuser = True
    personas.admin.save(update_fields=["is_superuser"])
    page = login_client(personas.admin).get("/staff/").content.decode()
    assert "/admin/core/workdayoverride/" in page and "工作日调整" in page
