"""Every staff list is paged (core.paging): none stops silently at a fixed number of rows."""

from __future__ import annotations

import pytest
from django.core.paginator import Page

from ..conftest import login_client

LISTS = [
    ("/staff/members/", "page"),
    ("/staff/appeals/?tab=all", "page"),
    ("/staff/legal/", "cases"),
    ("/staff/appeals/stations/", "sites"),
    ("/staff/news/", "articles"),
    ("/staff/notices/", "notices"),
    ("/staff/activities/", "activities"),
    ("/staff/activities/", "offers"),
    ("/staff/venues/", "pending"),
    ("/staff/discounts/", "discounts"),
    ("/staff/kb/", "entries"),
    ("/staff/kb/unanswered/", "questions"),
    ("/staff/benefits/", "page"),
    ("/staff/hardship/", "page"),
    ("/staff/visits/", "planned"),
    ("/staff/visits/", "done"),
]


@pytest.mark.parametrize(("url", "name"), LISTS)
def test_the_list_is_a_page(personas, url, name):
    response = login_client(personas.staff).get(url)
    assert response.status_code == 200
    assert isinstance(response.context[name], Page)


def test_two_lists_on_one_screen_page_apart(personas):
    response = login_client(personas.staff).get("/staff/activities/?offers_page=2&page=1")
    assert response.context["activities"].param == "page"
    assert response.context["offers"].param == "offers_page"


def test_the_group_list_is_a_page(personas):
    response = login_client(personas.staff).get("/staff/groups/frontline_shift/")
    assert isinstance(response.context["members"], Page)
