"""Date spans: a day, a range of days or a month, and year inference by tense."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.tracker.models import DatePrecision
from bot.tracker.timecues import Tense

ROLE_EVENT = "event"  # may be the date of what the sentence reports
ROLE_STATEMENT = "statement"  # when something was said, or a non-meeting event
ROLE_DATELINE = "dateline"  # publication metadata


@dataclass(frozen=True)
class DateSpan:
    """A resolved date: one day, a range of days, or a month (start = first of the month)."""

    start: date
    end: date | None = None
    precision: DatePrecision = "day"
    text: str = field(default="", compare=False)
    pos: int = field(default=0, compare=False)
    end_pos: int = field(default=0, compare=False)
    role: str = field(default=ROLE_EVENT, compare=False)

    @property
    def first(self) -> date:
        """Return the first day covered."""
        return self.start

    @property
    def last(self) -> date:
        """Return the last day covered."""
        if self.precision == "month":
            return self.start.replace(day=calendar.monthrange(self.start.year, self.start.month)[1])
        return self.end or self.start

    def overlaps(self, other: DateSpan) -> bool:
        """Return whether the two spans share at least one day."""
        return self.first <= other.last and other.first <= self.last


@dataclass(frozen=True)
class DateContext:
    """What earlier sentences established: the last resolved date, for "that day" and kin."""

    previous: DateSpan | None = None


def day(d: date) -> DateSpan:
    """Return a one-day span."""
    return DateSpan(d)


def month(year: int, month_no: int) -> DateSpan:
    """Return a month-precision span."""
    return DateSpan(date(year, month_no, 1), None, "month")


def span(start: date, end: date) -> DateSpan:
    """Return a range span (a single day if start == end)."""
    return DateSpan(start) if start == end else DateSpan(start, end, "range")


def safe_date(year: int, month_no: int, day_no: int) -> date | None:
    """Return the date, or None if the day does not exist (February 30)."""
    try:
        return date(year, month_no, day_no)
    except ValueError:
        return None


def pick_year(month_no: int, day_no: int, published: date, tense: Tense) -> date | None:
    """Choose the year of a month-day without one: past → latest not after publication, etc."""
    candidates = [
        d
        for y in (published.year - 1, published.year, published.year + 1)
        if (d := safe_date(y, month_no, day_no))
    ]
    if not candidates:
        return None
    slack = timedelta(days=2)
    if tense == "past":
        past = [d for d in candidates if d <= published + slack]
        return past[-1] if past else candidates[0]
    if tense == "future":
        future = [d for d in candidates if d >= published - slack]
        return future[0] if future else candidates[-1]
    return min(candidates, key=lambda d: abs((d - published).days))


def pick_month_year(month_no: int, published: date, tense: Tense) -> int:
    """Choose the year of a bare month name by tense, relative to the publication month."""
    delta = month_no - published.month
    if tense == "past":
        return published.year if delta <= 0 else published.year - 1
    if tense == "future":
        return published.year if delta >= 0 else published.year + 1
    if delta > 6:
        return published.year - 1
    return published.year + 1 if delta < -6 else published.year
