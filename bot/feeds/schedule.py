"""When to check a feed next: pure functions of the clock and what the server told us.

Order of precedence: the feed's own interval, raised to any server hint (``<ttl>``,
Cache-Control max-age, Expires), clamped to the per-feed [min, max]; then failure
backoff and Retry-After as floors; then positive jitter, so failing feeds spread out
and no floor is ever undercut.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=12)
RETRY_AFTER_CAP = timedelta(days=1)  # a hostile Retry-After must not park a feed forever
DISABLE_AFTER = 10


def backoff(
    consecutive_failures: int, *, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP
) -> timedelta:
    """Delay after the n-th failure in a row: base × 2^(n-1), at most ``cap``; zero for n=0."""
    if consecutive_failures <= 0:
        return timedelta(0)
    # Work in seconds and stop doubling once past the cap: timedelta overflows early.
    exponent = min(consecutive_failures - 1, 60)
    seconds = base.total_seconds() * 2.0**exponent
    return cap if seconds >= cap.total_seconds() else timedelta(seconds=seconds)


def should_disable(consecutive_failures: int, limit: int = DISABLE_AFTER) -> bool:
    """Say whether a feed that failed this many times in a row is to be disabled."""
    return consecutive_failures >= limit


def _server_hint(
    now: datetime,
    ttl_minutes: int | None,
    max_age: float | None,
    expires: datetime | None,
) -> timedelta:
    hints = [timedelta(0)]
    if ttl_minutes:
        hints.append(timedelta(minutes=ttl_minutes))
    if max_age:
        hints.append(timedelta(seconds=max_age))
    if expires is not None:
        hints.append(expires - now)
    return max(hints)


def next_check_at(
    now: datetime,
    *,
    interval: timedelta,
    min_interval: timedelta,
    max_interval: timedelta,
    ttl_minutes: int | None = None,
    max_age: float | None = None,
    expires: datetime | None = None,
    retry_after: float | None = None,
    consecutive_failures: int = 0,
    jitter_fraction: float = 0.1,
    rng: random.Random | None = None,
) -> datetime:
    """Return when to check the feed next (``now`` must be timezone-aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    delay = max(interval, _server_hint(now, ttl_minutes, max_age, expires))
    delay = min(max(delay, min_interval), max_interval)
    delay = max(delay, backoff(consecutive_failures))
    if retry_after:
        delay = max(delay, min(timedelta(seconds=retry_after), RETRY_AFTER_CAP))
    if jitter_fraction > 0:
        delay = delay * (1 + (rng or random).uniform(0, jitter_fraction))
    return now + delay
