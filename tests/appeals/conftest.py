import datetime as dt

import pytest
from django.utils import timezone

from unionhome.core.models import Role

from ..factories import UserFactory, grant


@pytest.fixture
def chair(personas):
    return grant(UserFactory(username="chair"), personas.tree.union, Role.CHAIR)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
