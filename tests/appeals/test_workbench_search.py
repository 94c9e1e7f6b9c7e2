"""The workbench never stops silently: every appeal is reachable by paging, and staff find one
by its number or the member (name, phone's last four digits, employee number), narrowed by
status, category, site and overdue."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from unionhome.appeals.models import Appeal, Category, Status
from unionhome.core.guard import system

from ..conftest import login_client
from ..factories import SiteFactory


def _many(personas, n: int, **fields):
    now = timezone.now()
    with system():
        Appeal.objects.bulk_create(
            [
                Appeal(
                    number=f"S{i:05d}",
                    org=personas.tree.union,
                    member=personas.other,
                    text="宿舍热水器坏了",
                    received_at=now - dt.timedelta(minutes=i),
                    **fields,
                )
                for i in range(n)
            ]
        )


def test_all_appeals_are_reachable_page_by_page(personas):
    _many(personas, 130)
    client = login_client(personas.staff)
    first = client.get("/staff/appeals/?tab=all").content.decode()
    assert "共 130 件" in first and "第 1 / 5 页" in first
    last = client.get("/staff/appeals/?tab=all&page=5").content.decode()
    assert "S00129" in last
    absurd = client.get(f"/staff/appeals/?tab=all&page={2**63}")
    assert absurd.status_code == 200 and "S00129" in absurd.content.decode()
    assert client.get("/staff/appeals/?tab=all&page=abc").status_code == 200


def test_staff_find_an_appeal_by_number_or_member(personas):
    _many(personas, 3)
    with system():
        Appeal.objects.create(
            number="M00001",
            org=personas.tree.union,
            member=personas.member,
            text="工资少发",
            received_at=timezone.now(),
        )
    client = login_client(personas.staff)
    by_number = client.get("/staff/appeals/?tab=all&q=M00001").content.decode()
    assert "M00001" in by_number and "S00001" not in by_number
    by_phone = client.get(f"/staff/appeals/?tab=all&q={personas.member.phone[-4:]}").content.decode()
    assert "M00001" in by_phone and "共 1 件" in by_phone
    by_name = client.get("/staff/appeals/?tab=all&q=王建国").content.decode()
    assert "M00001" in by_name and "S00000" not in by_name


def test_filters_narrow_by_status_category_site_and_overdue(personas):
    far = SiteFactory(org=personas.tree.union, name="远郊仓库")
    _many(personas, 2, category=Category.LIVING)
    with system():
        Appeal.objects.create(
            number="F00001",
            org=personas.tree.union,
            site=far,
            text="工资少发",
            category=Category.WAGES,
            status=Status.ROUTED,
            due_on=timezone.localdate() - dt.timedelta(days=3),
            received_at=timezone.now(),
        )
    client = login_client(personas.staff)
    for query in ("category=wages", f"site={far.pk}", "overdue=on", "status=routed"):
        page = client.get(f"/staff/appeals/?tab=all&{query}").content.decode()
        assert "F00001" in page and "共 1 件" in page, query
    # A site of another union is not a choice: the filter is dropped, the rest kept.
    page = client.get(f"/staff/appeals/?tab=all&site={personas.tree.other_site.pk}&category=wages")
    assert "共 1 件" in page.content.decode()


def test_the_search_keeps_its_values_across_pages(personas):
    _many(personas, 40, category=Category.LIVING)
    page = login_client(personas.staff).get("/staff/appeals/?tab=all&category=living").content.decode()
    assert "?tab=all&amp;category=living&amp;page=2" in page


def test_routing_from_the_list_asks_first(personas):
    from .test_loop import submit

    submit(personas)
    page = login_client(personas.staff).get("/staff/appeals/?tab=new").content.decode()
    assert 'class="routes" data-confirm="确定按所选路径受理' in page


def test_each_figure_opens_onto_the_records_it_counts(personas):
    """The figures page's counts and the workbench's lists agree, record for record."""
    from unionhome.appeals.insights import appeal_figures
    from unionhome.appeals.selectors import appeals_filtered, staff_appeals

    today = timezone.localdate()
    now = timezone.now()
    with system():
        late_closed = dict(status=Status.CLOSED, closed_at=now, due_on=today - dt.timedelta(days=2), rating=5)
        Appeal.objects.create(number="G1", org=personas.tree.union, text="a", received_at=now, **late_closed)
        Appeal.objects.create(
            number="G2",
            org=personas.tree.union,
            text="b",
            received_at=now,
            status=Status.CLOSED,
            closed_at=now,
            due_on=today + dt.timedelta(days=2),
            rating=2,
        )
        Appeal.objects.create(
            number="G3",
            org=personas.tree.union,
            text="c",
            received_at=now,
            status=Status.ROUTED,
            due_on=today - dt.timedelta(days=1),
        )
        Appeal.objects.create(number="G4", org=personas.tree.union, text="d", received_at=now)
    figures = appeal_figures(staff_appeals(personas.staff), start=today, end=today)["overall"]
    assert (figures["count"], figures["closed"], figures["rated"], figures["satisfied"]) == (4, 2, 2, 1)
    assert (figures["routed"], figures["overdue"]) == (3, 2)

    def listed(measure):
        qs = appeals_filtered(staff_appeals(personas.staff), start=today, end=today, measure=measure)
        return set(qs.values_list("number", flat=True))

    assert listed("closed") == {"G1", "G2"} and listed("late") == {"G1", "G3"}
    assert listed("rated") == {"G1", "G2"} and listed("satisfied") == {"G1"}
    page = (
        login_client(personas.staff)
        .get(f"/staff/appeals/figures/?start={today}&end={today}")
        .content.decode()
    )
    assert "2 / 4" in page and "2 / 3" in page and "measure=late" in page
    workbench = login_client(personas.staff).get(
        f"/staff/appeals/?tab=all&start={today}&end={today}&measure=late"
    )
    assert "共 2 件" in workbench.content.decode()


def test_absurd_filters_are_dropped_not_a_500(personas):
    _many(personas, 2)
    client = login_client(personas.staff)
    for query in (
        "start=9999-01-01",
        "end=0001-01-01",
        "site=99999999999999999999",
        "measure=evil",
        "status=x",
    ):
        response = client.get(f"/staff/appeals/?tab=all&{query}")
        assert response.status_code == 200 and "共 2 件" in response.content.decode(), query
