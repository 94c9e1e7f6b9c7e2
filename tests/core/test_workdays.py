import datetime as dt

import pytest

from unionhome.core.models import WorkdayOverride
from unionhome.core.workdays import WorkdayCalendar, is_workday, workdays_after, years_missing_data


@pytest.mark.parametrize(
    ("received", "n", "due"),
    [
        (dt.date(2026, 11, 20), 1, dt.date(2026, 11, 23)),  # Friday → Monday
        (dt.date(2026, 9, 30), 1, dt.date(2026, 10, 8)),  # National Day week skipped
        (dt.date(2026, 10, 9), 1, dt.date(2026, 10, 10)),  # Saturday adjusted working day (调休)
        (dt.date(2026, 11, 18), 0, dt.date(2026, 11, 18)),  # same-day route
        (dt.date(2026, 11, 20), 5, dt.date(2026, 11, 27)),
    ],
)
def test_due_on_nth_working_day_after_receipt(db, received, n, due):
    assert workdays_after(received, n) == due


def test_override_wins_over_official_calendar(db):
    assert is_workday(dt.date(2026, 11, 23))
    WorkdayOverride.objects.create(date=dt.date(2026, 11, 23), is_workday=False, note="本地停工")
    assert not is_workday(dt.date(2026, 11, 23))
    assert workdays_after(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 24)


def test_year_without_official_data_is_flagged_until_overrides_exist(db):
    assert 2027 in years_missing_data([2026, 2027])
    assert 2026 not in years_missing_data([2026, 2027])
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    assert years_missing_data([2026, 2027]) == []


def test_year_without_data_falls_back_to_weekdays_with_overrides(db):
    cal = WorkdayCalendar({dt.date(2027, 1, 1): False})
    assert not cal.is_workday(dt.date(2027, 1, 1))
    assert cal.workdays_after(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)


def test_workdays_between_counts_working_days(db):
    cal = WorkdayCalendar({})
    assert cal.workdays_between(dt.date(2026, 11, 20), dt.date(2026, 11, 27)) == 5
    assert cal.workdays_between(dt.date(2026, 11, 27), dt.date(2026, 11, 20)) == 0


def test_admin_sees_missing_year_warning(personas, client):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="x-very-long-pw-1")
    client.force_login(root)
    r = client.get("/admin/core/workdayoverride/")
    assert r.status_code == 200
    assert "尚无官方节假日数据" in r.content.decode()
    r = client.get("/staff/")
    assert "工作日历缺少数据" in r.content.decode()
