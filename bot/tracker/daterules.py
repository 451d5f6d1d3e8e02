"""One resolver per temporal expression form; each returns a DateSpan or None."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.tracker import timecues as tc
from bot.tracker.datespan import (
    DateSpan,
    day,
    month,
    pick_month_year,
    pick_year,
    safe_date,
    span,
)
from bot.tracker.timecues import Tense, clause_tense


@dataclass(frozen=True)
class Ctx:
    text: str
    published: date | None
    tense: Tense | None
    previous: DateSpan | None

    def tense_of(self, m: re.Match[str]) -> Tense:
        return self.tense or clause_tense(self.text, m.start())


def _month_day(m: re.Match[str], c: Ctx) -> DateSpan | None:
    m1 = tc.month_number(m.group("m1"))
    d1 = int(m.group("d1"))
    m2 = tc.month_number(m.group("m2")) if m.groupdict().get("m2") else m1
    d2 = int(m.group("d2")) if m.group("d2") else None
    if m.group("y"):
        start = safe_date(int(m.group("y")), m1, d1)
    elif c.published:
        start = pick_year(m1, d1, c.published, c.tense_of(m))
    else:
        return None
    if start is None:
        return None
    if d2 is None:
        return day(start)
    end = safe_date(start.year + (1 if m2 < m1 else 0), m2, d2)
    if end is None or end <= start or (end - start).days > 14:
        return day(start)
    return span(start, end)


def _numeric(m: re.Match[str], c: Ctx) -> DateSpan | None:
    d = safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return day(d) if d else None


def _month_only(m: re.Match[str], c: Ctx) -> DateSpan | None:
    month_no = tc.month_number(m.group("m1"))
    before = c.text[max(0, m.start() - 12) : m.start()]
    if m.group("m1") == "May" and not m.group("mod") and not tc.MAY_PREFIX.search(before):
        return None  # "May" is more often the verb
    if m.group("y"):
        return month(int(m.group("y")), month_no)
    if not c.published:
        return None
    return month(pick_month_year(month_no, c.published, c.tense_of(m)), month_no)


def _relative_month(m: re.Match[str], c: Ctx) -> DateSpan | None:
    if not c.published:
        return None
    which = m.group("which").lower()
    offset = {"next": 1, "the following": 1, "the coming": 1, "last": -1, "the previous": -1}
    shift = offset.get(which, 0)
    if which == "the" and not m.group("mod"):
        return None  # "the month" alone names no month
    first = c.published.replace(day=1)
    index = first.year * 12 + first.month - 1 + shift
    return month(index // 12, index % 12 + 1)


def _weekday(m: re.Match[str], c: Ctx) -> DateSpan | None:
    if not c.published:
        return None
    target = tc.WEEKDAYS.index(m.group("wd").lower())
    mod = (m.group("mod") or "").lower()
    if mod in ("next", "coming", "this coming"):
        tense: Tense = "future"
    elif mod in ("last", "past", "this past"):
        tense = "past"
    else:
        tense = c.tense_of(m)
    if tense == "future":
        ahead = (target - c.published.weekday()) % 7
        if mod in ("next", "coming", "this coming") and ahead == 0:
            ahead = 7
        first = c.published + timedelta(days=ahead)
    else:
        back = (c.published.weekday() - target) % 7
        if mod in ("last", "past") and back == 0:
            back = 7
        first = c.published - timedelta(days=back)
    if m.group("wd2"):
        length = (tc.WEEKDAYS.index(m.group("wd2").lower()) - target) % 7
        if tense != "future" and first + timedelta(days=length) > c.published:
            first -= timedelta(days=7)  # a past "Friday and Saturday" ends by publication
        return span(first, first + timedelta(days=length))
    return day(first)


def _relative_day(m: re.Match[str], c: Ctx) -> DateSpan | None:
    if not c.published:
        return None
    word = m.group("w").lower()
    offsets = {
        "yesterday": -1,
        "tomorrow": 1,
        "the day before yesterday": -2,
        "the day after tomorrow": 2,
    }
    return day(c.published + timedelta(days=offsets.get(word, 0)))


def _tomorrow_and_after(m: re.Match[str], c: Ctx) -> DateSpan | None:
    if not c.published:
        return None
    return span(c.published + timedelta(days=1), c.published + timedelta(days=2))


def _ago(m: re.Match[str], c: Ctx) -> DateSpan | None:
    if not c.published:
        return None
    n = tc.count(m.group("n"))
    unit = m.group("unit").lower()
    if unit.startswith("month"):
        index = c.published.year * 12 + c.published.month - 1 - n
        return month(index // 12, index % 12 + 1)
    return day(c.published - timedelta(days=n * (7 if unit.startswith("week") else 1)))


def _week(m: re.Match[str], c: Ctx) -> DateSpan | None:
    if not c.published:
        return None
    mod = m.group("mod").lower()
    monday = c.published - timedelta(days=c.published.weekday())
    if mod in ("last", "the previous"):
        return span(monday - timedelta(days=7), monday - timedelta(days=1))
    if mod in ("next", "the following", "the coming"):
        return span(monday + timedelta(days=7), monday + timedelta(days=13))
    if mod == "the past":
        return span(c.published - timedelta(days=7), c.published)
    if mod.startswith("earlier"):
        return span(monday, c.published)
    if mod.startswith("later"):
        return span(
            min(c.published + timedelta(days=1), monday + timedelta(days=6)),
            monday + timedelta(days=6),
        )
    return span(monday, monday + timedelta(days=6))


def _weekend(m: re.Match[str], c: Ctx) -> DateSpan | None:
    if not c.published:
        return None
    mod = m.group("mod").lower()
    saturday = c.published + timedelta(days=(5 - c.published.weekday()) % 7)
    previous = saturday - timedelta(days=7)
    if c.published.weekday() == 6:  # on a Sunday "this weekend" is the one ending today
        saturday = previous = c.published - timedelta(days=1)
    if mod in ("last", "this past") or (
        mod not in ("next", "this coming") and c.tense_of(m) == "past"
    ):
        start = previous
    elif mod == "next" and saturday - c.published < timedelta(days=2):
        start = saturday + timedelta(days=7)
    else:
        start = saturday
    return span(start, start + timedelta(days=1))


def _coming_days(m: re.Match[str], c: Ctx) -> DateSpan | None:
    if not c.published:
        return None
    if m.group("recent") or (m.group("dir") or "").lower() in ("past", "last", "recent"):
        return span(c.published - timedelta(days=7), c.published)
    return span(c.published, c.published + timedelta(days=7))


def _anaphora(m: re.Match[str], c: Ctx) -> DateSpan | None:
    phrase = m.group("a").lower()
    anchor = c.previous
    if anchor is None or anchor.precision != "day":
        if "same" in phrase or phrase.startswith(("that", "later that", "earlier that")):
            # Unanchored "the same day" in a report means the day being reported on.
            return day(c.published) if c.published else None
        return None
    if any(w in phrase for w in ("next", "following", "day after", "a day later")):
        return day(anchor.start + timedelta(days=1))
    if "before" in phrase or "previous" in phrase:
        return day(anchor.start - timedelta(days=1))
    return day(anchor.start)


_Rule = Callable[[re.Match[str], "Ctx"], "DateSpan | None"]
# Each rule with the cue class that must be present for it to match (cheap pre-check).
RULES: tuple[tuple[re.Pattern[str], _Rule, str], ...] = (
    (tc.ISO, _numeric, "digit"),
    (tc.DOTTED, _numeric, "digit"),
    (tc.MONTH_DAY, _month_day, "month"),
    (tc.DAY_MONTH, _month_day, "month"),
    (tc.TOMORROW_AND_AFTER, _tomorrow_and_after, "relative"),
    (tc.ANAPHORA, _anaphora, "relative"),
    (tc.RELATIVE_DAY, _relative_day, "relative"),
    (tc.AGO, _ago, "relative"),
    (tc.WEEKEND, _weekend, "relative"),
    (tc.WEEK, _week, "relative"),
    (tc.COMING_DAYS, _coming_days, "relative"),
    (tc.RELATIVE_MONTH, _relative_month, "relative"),
    (tc.MONTH_ONLY, _month_only, "month"),
    (tc.WEEKDAY, _weekday, "weekday"),
)
