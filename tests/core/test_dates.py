"""Every date box round-trips: a browser's date input reads ISO dates only, so a page that
renders a date in the language's format ("2020/07/15") shows it empty, and saving the form
unchanged erases it."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import translation

import unionhome
from tests.conftest import login_client
from tests.pages import form_values
from unionhome.core.forms import DateInput, DateTimeInput, MonthInput
from unionhome.members.models import Member

HIRED = dt.date(2020, 7, 15)


def _project_forms():
    for info in pkgutil.walk_packages(unionhome.__path__, "unionhome."):
        if info.name.endswith(".forms"):
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == info.name:
                    yield cls


def test_every_date_box_in_the_project_is_the_iso_one():
    boxes = []
    for form_class in _project_forms():
        for name, field in form_class.base_fields.items():
            widget = field.widget
            if isinstance(widget, (forms.DateInput, forms.DateTimeInput)):
                boxes.append(f"{form_class.__name__}.{name}")
                assert isinstance(widget, (DateInput, DateTimeInput, MonthInput)), boxes[-1]
    assert "ProfileForm.hired_on" in boxes and "ActivityForm.starts_at" in boxes


@pytest.mark.parametrize(
    ("widget", "value", "shown"),
    [
        (DateInput(), HIRED, 'type="date" name="d" value="2020-07-15"'),
        (
            DateTimeInput(),
            dt.datetime(2030, 5, 1, 9, 30),
            'type="datetime-local" name="d" value="2030-05-01T09:30"',
        ),
        (MonthInput(), dt.date(2026, 7, 1), 'type="month" name="d" value="2026-07"'),
    ],
)
def test_the_boxes_show_what_the_browser_reads_in_chinese_too(widget, value, shown):
    with translation.override("zh-hans"):
        assert shown in widget.render("d", value)


def test_saving_my_profile_unchanged_keeps_my_hire_date(personas):
    Member.objects.filter(pk=personas.member.pk).update(hired_on=HIRED)
    client = login_client(personas.member_user)
    sent = form_values(client.get("/profile/").content, having="hired_on")
    assert sent["hired_on"] == ["2020-07-15"]

    client.post("/profile/", sent)
    personas.member.refresh_from_db()
    assert personas.member.hired_on == HIRED


def test_staff_saving_a_member_unchanged_loses_nothing(personas):
    Member.objects.filter(pk=personas.member.pk).update(hired_on=HIRED, post="security", skills="消防")
    before = Member.objects.values().get(pk=personas.member.pk)
    client = login_client(personas.staff)
    page = f"/staff/members/{personas.member.pk}/"
    sent = form_values(client.get(page).content, having="m-hired_on")

    assert client.post(page, sent).status_code == 302
    after = Member.objects.values().get(pk=personas.member.pk)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
