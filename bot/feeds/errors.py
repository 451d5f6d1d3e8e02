"""One exception hierarchy for fetching and parsing feeds.

Each error carries a short ``reason`` code; the service layer stores it when it
disables a feed and shows it to admins ("why did this feed stop?").
"""

from __future__ import annotations


class FeedError(Exception):
    """Base class: anything that went wrong fetching, validating or parsing a feed."""

    reason: str = "error"
    # Whether trying again later can help (a 404 or an entity bomb will not change).
    retryable: bool = True

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class FeedBlocked(FeedError):
    """The URL (or a redirect hop) points at a non-public address, or uses a bad scheme."""

    reason = "blocked_address"
    retryable = False


class FeedTooLarge(FeedError):
    """The body (after decompression) is larger than the configured cap."""

    reason = "too_large"


class FeedHTTPError(FeedError):
    """The server answered with an HTTP status we cannot use."""

    def __init__(
        self,
        status: int,
        message: str = "",
        *,
        url: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message or f"HTTP {status}", url=url)
        self.status = status
        self.retry_after = retry_after  # seconds, from a 429/503 Retry-After header
        self.reason = f"http_{status}"
        self.retryable = status in (408, 425, 429) or status >= 500


class FeedUnreachable(FeedError):
    """The host could not be resolved or connected to, or the connection broke."""

    reason = "unreachable"


class FeedTimeout(FeedError):
    """The server did not answer (or finish answering) within the timeout."""

    reason = "timeout"


class NotAFeed(FeedError):
    """The body is not something feedparser recognises as a feed (or is hostile XML)."""

    reason = "not_a_feed"


class TooManyRedirects(FeedError):
    """More redirect hops than allowed, or a redirect without a usable Location."""

    reason = "too_many_redirects"


class InvalidFeedURL(FeedError):
    """The URL is not an absolute http(s) URL with a host."""

    reason = "invalid_url"
    retryable = False


class CorruptBody(FeedError):
    """The body's Content-Encoding (gzip/deflate) is corrupt or unsupported."""

    reason = "corrupt_body"
