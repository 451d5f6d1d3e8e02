"""Cache-Control, Expires and Retry-After parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.feeds.headers import parse_http_date, parse_max_age, parse_retry_after

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Mon, 02 Jun 2025 12:05:00 GMT", 300.0),
        ("Monday, 02-Jun-25 12:01:00 GMT", 60.0),  # obsolete RFC 850 form
        ("Mon, 02 Jun 2025 11:00:00 GMT", 0.0),  # in the past: retry now
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("max-age=600", 600.0),
        ("public, max-age=60, must-revalidate", 60.0),
        ('private, max-age="30"', 30.0),
        ("s-maxage=100", None),
        ("no-cache", 0.0),
        ("no-store, max-age=0", 0.0),
        (None, None),
    ],
)
def test_max_age(value: str | None, expected: float | None) -> None:
    assert parse_max_age(value) == expected


def test_http_date_is_utc_aware() -> None:
    assert parse_http_date("Tue, 03 Jun 2025 12:00:00 GMT") == datetime(2025, 6, 3, 12, tzinfo=UTC)
    assert parse_http_date("Tue, 03 Jun 2025 14:00:00 +0200") == datetime(
        2025, 6, 3, 12, tzinfo=UTC
    )
    assert parse_http_date("0") is None and parse_http_date("garbage") is None
