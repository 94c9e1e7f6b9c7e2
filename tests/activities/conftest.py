from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from unionhome.activities import offers, services


def soon(hours: float = 0) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


@pytest.fixture
def make_activity(personas):
    def make(capacity=2, **extra):
        data = {
            "title": "职工趣味运动会",
            "starts_at": soon(48),
            "ends_at": soon(50),
            "place": "翠湖小区活动中心",
            "capacity": capacity,
            **extra,
        }
        return services.activity_save(actor=personas.staff, org=personas.tree.union, **data)

    return make


@pytest.fixture
def make_offer(personas):
    def make(quantity=2, **extra):
        data = {
            "title": "电影票",
            "quantity": quantity,
            "opens_at": soon(-1),
            "closes_at": soon(24),
            **extra,
        }
        return offers.offer_create(actor=personas.staff, org=personas.tree.union, **data)

    return make
