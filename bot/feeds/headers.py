"""Parse the HTTP caching headers a feed server sends: Cache-Control, Expires, Retry-After."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\s*(?:,|$)", re.IGNORECASE)


def parse_http_date(value: str | None) -> datetime | None:
    """Parse an HTTP date (RFC 9110, and its obsolete forms) into an aware UTC datetime."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:  # "-0000" means UTC with unknown local zone
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_max_age(cache_control: str | None) -> float | None:
    """Return Cache-Control max-age in seconds; 0 for no-cache/no-store; None if absent."""
    if not cache_control:
        return None
    match = _MAX_AGE.search(cache_control)
    if match:
        return float(match.group(1))
    if _NO_CACHE.search(cache_control):
        return 0.0
    return None


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Return Retry-After as seconds from ``now`` (delta-seconds or HTTP-date form)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text[:10]))
    when = parse_http_date(text)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())
