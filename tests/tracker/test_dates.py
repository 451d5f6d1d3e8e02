"""The date resolver: every supported form, tense-aware years, anaphora and the negatives."""

from __future__ import annotations

from datetime import date

import pytest

from bot.tracker.dates import (
    ROLE_DATELINE,
    ROLE_EVENT,
    ROLE_STATEMENT,
    DateContext,
    DateSpan,
    day,
    pick_month_year,
    pick_year,
    resolve_dates,
)

MON_26_JAN = date(2026, 1, 26)  # a Monday
THU_22_JAN = date(2026, 1, 22)


def spans(text: str, published: date | None = MON_26_JAN, **kw: object) -> list[tuple]:
    return [
        (s.start.isoformat(), s.end.isoformat() if s.end else None, s.precision)
        for s in resolve_dates(text, published, **kw)  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("talks on 2026-01-23 in Abu Dhabi", ("2026-01-23", None, "day")),
        ("met on Jan. 23", ("2026-01-23", None, "day")),
        ("met on Jan 23, 2026", ("2026-01-23", None, "day")),
        ("met on 23 January", ("2026-01-23", None, "day")),
        ("met on January 23rd", ("2026-01-23", None, "day")),
        ("held talks on January 23-24", ("2026-01-23", "2026-01-24", "range")),
        ("held talks on Jan. 23–24", ("2026-01-23", "2026-01-24", "range")),
        ("held talks on 23-24 January 2026", ("2026-01-23", "2026-01-24", "range")),
        ("held talks on January 23 and 24", ("2026-01-23", "2026-01-24", "range")),
        ("will hold talks from January 30 to February 2", ("2026-01-30", "2026-02-02", "range")),
        ("met on Thursday, January 22", ("2026-01-22", None, "day")),
    ],
)
def test_explicit_day_and_range_forms(text: str, expected: tuple) -> None:
    assert spans(text) == [expected]


def test_past_tense_month_day_goes_to_the_latest_past_year() -> None:
    assert spans("Trump met Zelensky on December 28 at Mar-a-Lago") == [("2025-12-28", None, "day")]


def test_future_tense_month_day_goes_to_the_next_occurrence() -> None:
    # The seed pitfall: "February 1" of a *next* round is 2026, not 2025.
    assert spans("negotiators would reconvene in the UAE on February 1", MON_26_JAN) == [
        ("2026-02-01", None, "day")
    ]
    assert spans("the next round will be held on January 5", date(2025, 12, 20)) == [
        ("2026-01-05", None, "day")
    ]


def test_pick_year_by_tense() -> None:
    assert pick_year(1, 5, date(2025, 12, 20), "future") == date(2026, 1, 5)
    assert pick_year(12, 28, date(2026, 1, 10), "past") == date(2025, 12, 28)
    assert pick_year(12, 28, date(2026, 1, 10), "present") == date(2025, 12, 28)
    assert pick_year(2, 30, date(2026, 1, 10), "past") is None


def test_pick_month_year_by_tense() -> None:
    assert pick_month_year(12, date(2026, 1, 10), "past") == 2025
    assert pick_month_year(2, date(2026, 1, 10), "future") == 2026
    assert pick_month_year(11, date(2026, 1, 10), "future") == 2026
    assert pick_month_year(11, date(2026, 1, 10), "present") == 2025


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putin engaged in talks with Witkoff late Thursday.", "2026-01-22"),
        ("Zelensky announced on Sunday that the text is ready.", "2026-01-25"),
        ("They met on Monday.", "2026-01-26"),
        ("They met last Monday.", "2026-01-19"),
        ("The delegations will meet on Wednesday.", "2026-01-28"),
        ("The delegations will meet next Monday.", "2026-02-02"),
        ("Witkoff will travel to Moscow tomorrow.", "2026-01-27"),
        ("They spoke yesterday.", "2026-01-25"),
        ("Umerov said today that talks went well.", "2026-01-26"),
        ("They met two days ago.", "2026-01-24"),
    ],
)
def test_weekdays_and_relative_days_follow_the_publication_date(text: str, expected: str) -> None:
    assert spans(text) == [(expected, None, "day")]


def test_future_weekday_on_its_own_day_is_today() -> None:
    assert spans("Witkoff was due to fly to Moscow later on Thursday", THU_22_JAN) == [
        ("2026-01-22", None, "day")
    ]


def test_weekday_ranges() -> None:
    assert spans("They met at the Chancellery on Sunday and Monday.", date(2025, 12, 16)) == [
        ("2025-12-14", "2025-12-15", "range")
    ]
    assert spans("They will hold talks on Friday and Saturday.", THU_22_JAN) == [
        ("2026-01-23", "2026-01-24", "range")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They met last week.", ("2026-01-19", "2026-01-25", "range")),
        ("They will meet next week.", ("2026-02-02", "2026-02-08", "range")),
        ("Talks were held earlier this week.", ("2026-01-26", None, "day")),
        ("They will meet this weekend.", ("2026-01-31", "2026-02-01", "range")),
        ("They met over the weekend.", ("2026-01-24", "2026-01-25", "range")),
        ("Talks may take place in the coming days.", ("2026-01-26", "2026-02-02", "range")),
        (
            "The leaders will meet tomorrow and the day after.",
            ("2026-01-27", "2026-01-28", "range"),
        ),
    ],
)
def test_week_level_expressions(text: str, expected: tuple) -> None:
    assert spans(text) == [expected]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("could happen as early as the end of January", date(2026, 1, 10), "2026-01-01"),
        ("as early as the end of this month", date(2026, 1, 10), "2026-01-01"),
        ("talks were held earlier this month", MON_26_JAN, "2026-01-01"),
        ("a summit is expected in mid-February", MON_26_JAN, "2026-02-01"),
        ("a visit planned for early March", MON_26_JAN, "2026-03-01"),
        ("they met in December in Miami", MON_26_JAN, "2025-12-01"),
        ("talks are planned next month", MON_26_JAN, "2026-02-01"),
        ("the leaders met last month", MON_26_JAN, "2025-12-01"),
        ("the end of January 2026", date(2025, 12, 1), "2026-01-01"),
        ("talks in the second half of May", MON_26_JAN, "2026-05-01"),
    ],
)
def test_month_level_expressions(text: str, published: date, expected: str) -> None:
    assert spans(text, published) == [(expected, None, "month")]


def test_bare_may_is_a_verb_unless_a_preposition_makes_it_a_month() -> None:
    assert spans("The two leaders may meet soon.") == []
    assert spans("The leaders could meet in May.") == [("2026-05-01", None, "month")]


def test_anaphora_uses_the_previous_sentence_date() -> None:
    ctx = DateContext(day(date(2026, 1, 9)))
    assert spans("Umerov had a call with Witkoff that day.", context=ctx) == [
        ("2026-01-09", None, "day")
    ]
    assert spans("They met again the next day.", context=ctx) == [("2026-01-10", None, "day")]
    assert spans("They had spoken the day before.", context=ctx) == [("2026-01-08", None, "day")]


def test_unanchored_same_day_is_the_reported_day() -> None:
    assert spans("He is heading to Moscow the same day.", THU_22_JAN) == [
        ("2026-01-22", None, "day")
    ]


def test_duration_after_a_statement_ends_the_day_before() -> None:
    ctx = DateContext(day(date(2026, 1, 25)))
    assert spans("This came after two days of negotiations in Abu Dhabi.", context=ctx) == [
        ("2026-01-23", "2026-01-24", "range")
    ]


def test_duration_that_ended_on_a_day_ends_on_it() -> None:
    text = "Negotiators wrapped up two days of talks in Abu Dhabi on Saturday."
    assert spans(text, date(2026, 1, 24)) == [("2026-01-23", "2026-01-24", "range")]


def test_duration_starting_on_a_day_starts_on_it() -> None:
    assert spans("Two-day talks in Geneva began on Monday.", date(2026, 2, 18)) == [
        ("2026-02-16", "2026-02-17", "range")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "26.01 5,60 B 5 Mins Read",
        "a 20-point plan and a 28-point draft",
        "$500 billion for reconstruction, 800bn in total",
        "Ukraine wants to join the EU by 2027",
        "the meeting started at 10:30 and ended at 14:00",
        "Russia launched 146 drones and 2 missiles",
        "Article 5 guarantees, Resolution 2202",
        "May God help us",
        "the talks, said the official",
    ],
)
def test_numbers_that_are_not_dates_give_nothing(text: str) -> None:
    assert spans(text) == []


def test_roles_separate_statements_datelines_and_events() -> None:
    text = "Zelensky said on Sunday that the teams met on Friday."
    roles = [s.role for s in resolve_dates(text, MON_26_JAN)]
    assert roles == [ROLE_STATEMENT, ROLE_EVENT]
    dateline = resolve_dates("KYIV, Jan 26 (Reuters) - Ukraine said", None)
    assert dateline == []  # no year and no publication date: nothing to resolve
    dateline = resolve_dates("KYIV, Jan 26 (Reuters) - Ukraine said", MON_26_JAN)
    assert [s.role for s in dateline] == [ROLE_DATELINE]
    assert [s.role for s in resolve_dates("26.01.2026 5,60 B", None)] == [ROLE_DATELINE]
    forum = resolve_dates("the Forum, which starts on January 19", date(2026, 1, 10))
    assert [s.role for s in forum] == [ROLE_STATEMENT]


def test_reported_clause_dates_are_events_not_statements() -> None:
    text = "A U.S. official said another round was expected next week in Abu Dhabi."
    assert [s.role for s in resolve_dates(text, date(2026, 1, 24))] == [ROLE_EVENT]


def test_without_a_publication_date_only_explicit_years_resolve() -> None:
    assert spans("met on Friday, January 23 or on 2026-01-24", None) == [
        ("2026-01-24", None, "day")
    ]
    assert spans("met on January 23, 2026", None) == [("2026-01-23", None, "day")]


def test_forced_tense_overrides_the_verbs() -> None:
    assert spans("on Thursday", tense="future") == [("2026-01-29", None, "day")]
    assert spans("on Thursday", tense="past") == [("2026-01-22", None, "day")]


def test_span_helpers() -> None:
    month = DateSpan(date(2026, 2, 1), None, "month")
    assert month.last == date(2026, 2, 28)
    assert month.overlaps(day(date(2026, 2, 14)))
    assert not month.overlaps(day(date(2026, 3, 1)))
