"""Charts drawn on the server as SVG (no script, nothing fetched): a figure month by month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import figures as f

TREND = ("registration_rate", "closure_rate", "satisfaction", "participation")
MAX_MONTHS = 24
WIDTH, HEIGHT, PAD, LEFT = 320, 120, 8, 44  # LEFT: room for the 0–100% labels


@dataclass
class Point:
    label: str  # 2026-03
    value: float | None
    x: float
    y: float | None


@dataclass
class Trend:
    key: str
    points: list[Point]

    @property
    def line(self) -> str:
        """The polyline's points through the months that have a value."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points if p.y is not None)


def months_of(period: f.Period) -> list[f.Period]:
    """The calendar months the period touches, each cut to the period (at most MAX_MONTHS, the
    latest)."""
    out = []
    start = period.start
    while start <= period.end:
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        out.append(f.Period(start, min(following - dt.timedelta(days=1), period.end)))
        start = following
    return out[-MAX_MONTHS:]


def trends(org, period: f.Period, part: f.Part | None = None) -> list[Trend]:
    """Rates month by month (of the org, or of a part of it), placed on a 0–100% scale."""
    months = months_of(period)
    step = (WIDTH - LEFT - PAD) / max(len(months) - 1, 1)
    monthly = [f.figures(org, month, part) for month in months]
    out = []
    for key in TREND:
        points = []
        for i, (month, figures) in enumerate(zip(months, monthly, strict=True)):
            value = figures[key].value
            y = None if value is None else PAD + (1 - value) * (HEIGHT - 2 * PAD)
            points.append(Point(month.start.strftime("%Y-%m"), value, LEFT + i * step, y))
        out.append(Trend(key, points))
    return out
