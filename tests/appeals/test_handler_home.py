"""A department handler's home is their queue, with a tab of what they answered; staff land on
the workbench; members on their home."""

from __future__ import annotations

import pytest

from unionhome.appeals import dispatch, services
from unionhome.appeals.models import Route

from ..conftest import login_client
from ..factories import PASSWORD
from .test_loop import submit


def _login(client, username):
    return client.post("/login/", {"username": username, "password": PASSWORD})


@pytest.mark.parametrize(("who", "lands"), [("handler", "/handler/"), ("staff", "/staff/"), ("member", "/")])
def test_each_role_lands_on_its_own_work(client, personas, who, lands):
    assert _login(client, who)["Location"] == lands


def test_a_next_link_still_wins(client, personas):
    response = client.post("/login/?next=/inbox/", {"username": "handler", "password": PASSWORD})
    assert response["Location"] == "/inbox/"


def test_answered_steps_stay_on_the_answered_tab(personas):
    appeal = submit(personas)
    services.appeal_route(appeal, actor=personas.staff, route=Route.COORDINATION)
    (step,) = dispatch.appeal_dispatch(appeal, actor=personas.staff, steps=[{"department": "人力资源部"}])
    client = login_client(personas.handler)
    home = client.get("/handler/").content.decode()
    assert appeal.number in home and "会办单" in home  # the tab bar names the queue too

    dispatch.dispatch_answer(step, actor=personas.handler, answer="已核实补发")
    assert appeal.number not in client.get("/handler/").content.decode()
    answered = client.get("/handler/?tab=answered").content.decode()
    assert appeal.number in answered and "已反馈" in answered


def test_the_tab_bar_links_a_handler_to_the_queue_and_a_member_to_neither(personas):
    page = login_client(personas.handler).get("/").content.decode()
    assert 'href="/handler/"' in page
    member_page = login_client(personas.member_user).get("/").content.decode()
    assert 'href="/handler/"' not in member_page and 'href="/staff/"' not in member_page
