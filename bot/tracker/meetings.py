"""Small meeting helpers shared by reconciliation and replies: spans, labels, titles."""

from __future__ import annotations

import calendar
from datetime import date

_SURNAME_EXCEPTIONS = {"Kirill Dmitriev": "Dmitriev"}


def date_span(
    start: date | None, end: date | None, precision: str | None
) -> tuple[date, date] | None:
    """Return the inclusive day span a date covers (a month-precision date covers its month)."""
    if start is None:
        return None
    if precision == "month":
        last = calendar.monthrange(start.year, start.month)[1]
        return start.replace(day=1), start.replace(day=last)
    return start, end or start


def format_when(start: date | None, end: date | None, precision: str | None) -> str:
    """Human label: '7 Jan 2026', '23–24 Jan 2026', 'January 2026' or 'date not reported'."""
    if start is None:
        return "date not reported"
    if precision == "month":
        return start.strftime("%B %Y")
    if end and end != start:
        if (end.year, end.month) == (start.year, start.month):
            return f"{start.day}–{end.day} {end.strftime('%b %Y')}"
        return f"{start.day} {start.strftime('%b')} – {end.day} {end.strftime('%b %Y')}"
    return f"{start.day} {start.strftime('%b %Y')}"


def surname(name: str) -> str:
    return _SURNAME_EXCEPTIONS.get(name, name.split()[-1] if name else name)


def describe_meeting(
    participants: list[str] | tuple[str, ...],
    parties: list[str] | tuple[str, ...],
    place: str | None,
    country: str | None,
    fmt: str,
) -> str:
    """Title a meeting: 'Witkoff, Kushner, Dmitriev talks in Paris' / 'Umerov–Witkoff call'."""
    who = ", ".join(surname(p) for p in participants[:4])
    if not who:
        who = "–".join(parties) if parties else "Talks"
    if len(participants) > 4:
        who += f" +{len(participants) - 4}"
    kind = {"call": "call", "trilateral": "trilateral talks"}.get(fmt, "talks")
    where = place or country
    if fmt == "call" or not where:
        return f"{who} {kind}"
    return f"{who} {kind} in {where}"
