"""next_check_at / backoff / should_disable: pure scheduling rules."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.feeds.schedule import backoff, next_check_at, should_disable

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
M = timedelta(minutes=1)
BASE = {"interval": 15 * M, "min_interval": 5 * M, "max_interval": 240 * M, "jitter_fraction": 0.0}


def test_backoff_doubles_from_five_minutes_up_to_the_cap() -> None:
    assert [backoff(n) for n in range(5)] == [timedelta(0), 5 * M, 10 * M, 20 * M, 40 * M]
    assert backoff(30) == timedelta(hours=12)
    assert backoff(3, cap=15 * M) == 15 * M
    assert backoff(10_000) == timedelta(hours=12)  # no overflow


def test_should_disable_after_limit() -> None:
    assert not should_disable(9) and should_disable(10) and should_disable(3, limit=3)


def test_plain_interval() -> None:
    assert next_check_at(NOW, **BASE) == NOW + 15 * M


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        ({"ttl_minutes": 60}, 60 * M),
        ({"max_age": 1800}, 30 * M),
        ({"expires": NOW + 45 * M}, 45 * M),
        ({"max_age": 60}, 15 * M),  # a shorter server hint does not make us poll faster
        ({"ttl_minutes": 10_000}, 240 * M),  # clamped to the feed's maximum
        ({"expires": NOW - 30 * M}, 15 * M),  # an Expires in the past is ignored
    ],
)
def test_server_hints_raise_the_interval_within_bounds(hints: dict, expected: timedelta) -> None:
    assert next_check_at(NOW, **BASE, **hints) == NOW + expected


def test_min_interval_is_a_floor() -> None:
    assert next_check_at(NOW, **{**BASE, "interval": M}) == NOW + 5 * M


def test_failures_back_off_past_the_maximum_interval() -> None:
    assert next_check_at(NOW, **BASE, consecutive_failures=1) == NOW + 15 * M
    assert next_check_at(NOW, **BASE, consecutive_failures=4) == NOW + 40 * M
    assert next_check_at(NOW, **BASE, consecutive_failures=8) == NOW + 640 * M


def test_retry_after_is_a_floor_with_a_cap() -> None:
    assert next_check_at(NOW, **BASE, retry_after=3600, consecutive_failures=1) == NOW + 60 * M
    assert next_check_at(NOW, **BASE, retry_after=10 * 86400) == NOW + timedelta(days=1)


def test_jitter_only_adds_and_is_bounded() -> None:
    rng = random.Random(7)
    results = {next_check_at(NOW, **{**BASE, "jitter_fraction": 0.1}, rng=rng) for _ in range(50)}
    assert len(results) > 10
    assert all(NOW + 15 * M <= r <= NOW + 16.5 * M for r in results)


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError):
        next_check_at(datetime(2025, 1, 1), **BASE)
