"""Post change events and digests to Slack channels, exactly once in effect.

Each post carries its outbox ``dedupe_key`` in Slack message metadata. Before posting,
and again before re-sending after a failure that may have posted anyway (timeout, 5xx),
the channel's recent history is searched for that key: a crash between "posted" and
"recorded" then costs one history read, not a duplicate. Slack allows about one message
per second per channel; 429 answers are waited out (Retry-After) and retried.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.ports import DeliveryError
from bot.chat.replies import Reply
from bot.chat.slack.render import reply_to_blocks, reply_to_text

logger = logging.getLogger(__name__)

EVENT_TYPE = "parley_event"
# Errors that will not go away by retrying the same request later.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "msg_too_long",
        "no_text",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "team_access_not_granted",
        "ekm_access_denied",
    }
)
# Errors after which the message may or may not have been posted.
UNCERTAIN_ERRORS = frozenset(
    {"internal_error", "fatal_error", "request_timeout", "service_unavailable"}
)

Sleep = Callable[[float], Awaitable[None]]


class ChannelRateLimiter:
    """Space sends to each channel at least ``interval`` seconds apart (Slack: ~1/s)."""

    def __init__(
        self,
        interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ):
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, channel_id: str) -> None:
        """Wait until ``channel_id`` may receive the next message, and claim that slot."""
        lock = self._locks.setdefault(channel_id, asyncio.Lock())
        async with lock:
            delay = self._next.get(channel_id, 0.0) - self._clock()
            if delay > 0:
                await self._sleep(delay)
            self._next[channel_id] = self._clock() + self._interval

    def push_back(self, channel_id: str, seconds: float) -> None:
        """Hold every sender to ``channel_id`` back for ``seconds`` (after a 429)."""
        self._next[channel_id] = max(self._next.get(channel_id, 0.0), self._clock() + seconds)


def without_automatic_retries(client: AsyncWebClient) -> AsyncWebClient:
    """Copy ``client`` without its retry handlers: a blind retry of a post could duplicate it."""
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        session=client.session,
        headers=client.headers,
        logger=client.logger,
        retry_handlers=[],
    )


class SlackNotifier:
    """The Slack ``Notifier``: ``chat.postMessage`` with dedupe metadata, pacing and retries."""

    platform = "slack"

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        limiter: ChannelRateLimiter | None = None,
        sleep: Sleep = asyncio.sleep,
        max_attempts: int = 5,
        max_wait: float = 60.0,
        history_window: timedelta = timedelta(days=2),
        history_limit: int = 200,
    ):
        self._client = without_automatic_retries(client)
        self._limiter = limiter or ChannelRateLimiter(sleep=sleep)
        self._max_attempts = max_attempts
        self._max_wait = max_wait
        self._history_window = history_window
        self._history_limit = history_limit

    async def send(
        self, channel_id: str, post: Reply, *, dedupe_key: str, reply_to: str | None = None
    ) -> str:
        """Post ``post`` once and return its ``ts``; raise ``DeliveryError`` when it cannot."""
        # The outbox may be re-sending after a crash: the message may already be there.
        found = await self.find_posted(channel_id, dedupe_key, reply_to)
        if found:
            logger.info("slack: %s already posted in %s as %s", dedupe_key, channel_id, found)
            return found
        wait, maybe_posted = 0.0, False
        for attempt in range(1, self._max_attempts + 1):
            await self._limiter.wait(channel_id)  # also waits out a 429's Retry-After
            if maybe_posted and (found := await self.find_posted(channel_id, dedupe_key, reply_to)):
                return found
            try:
                return await self._post(channel_id, post, dedupe_key, reply_to)
            except SlackApiError as exc:
                wait, uncertain = self._wait_after_error(exc, channel_id, dedupe_key)
            except (aiohttp.ClientError, TimeoutError) as exc:
                logger.warning("slack: posting %s to %s failed: %r", dedupe_key, channel_id, exc)
                wait, uncertain = min(2.0**attempt, self._max_wait), True
            maybe_posted = maybe_posted or uncertain  # once in doubt, always look first
            self._limiter.push_back(channel_id, wait)
        raise DeliveryError(
            f"Slack did not take {dedupe_key} for {channel_id} after {self._max_attempts} tries",
            retryable=True,
            retry_after=wait,
        )

    async def _post(
        self, channel_id: str, post: Reply, dedupe_key: str, reply_to: str | None
    ) -> str:
        response = await self._client.chat_postMessage(
            channel=channel_id,
            text=reply_to_text(post),
            blocks=reply_to_blocks(post),
            unfurl_links=False,
            unfurl_media=False,
            link_names=False,
            parse="none",
            metadata={"event_type": EVENT_TYPE, "event_payload": {"dedupe_key": dedupe_key}},
            thread_ts=reply_to,
        )
        return str(response["ts"])

    def _wait_after_error(
        self, exc: SlackApiError, channel_id: str, dedupe_key: str
    ) -> tuple[float, bool]:
        """Return (seconds to wait, whether it may have posted), or raise ``DeliveryError``."""
        code = _error_code(exc)
        status = exc.response.status_code
        if status == 429 or code == "ratelimited":
            wait = _retry_after(exc)
            logger.info("slack: rate limited in %s; retrying in %.0f s", channel_id, wait)
            if wait > self._max_wait:
                raise DeliveryError("Slack rate limit", retryable=True, retry_after=wait) from exc
            return wait, False
        if code in UNCERTAIN_ERRORS or status >= 500:
            logger.warning("slack: %s posting %s to %s", code or status, dedupe_key, channel_id)
            return 2.0, True
        retryable = code not in PERMANENT_ERRORS
        raise DeliveryError(
            f"Slack refused the post to {channel_id}: {code}", retryable=retryable
        ) from exc

    async def find_posted(
        self, channel_id: str, dedupe_key: str, reply_to: str | None = None
    ) -> str | None:
        """Return the ``ts`` of a recent message in the channel carrying ``dedupe_key``, if any."""
        try:
            messages = await self._recent_messages(channel_id, reply_to)
        except SlackApiError as exc:
            if _error_code(exc) != "not_in_channel" or reply_to is not None:
                return self._unchecked(channel_id, dedupe_key, exc)
            try:  # chat:write.public posts without joining, but reading history needs membership
                await self._client.conversations_join(channel=channel_id)
                messages = await self._recent_messages(channel_id, reply_to)
            except SlackApiError as join_exc:
                return self._unchecked(channel_id, dedupe_key, join_exc)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return self._unchecked(channel_id, dedupe_key, exc)
        for message in messages:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == EVENT_TYPE and payload.get("dedupe_key") == dedupe_key:
                return str(message["ts"])
        return None

    async def _recent_messages(self, channel_id: str, reply_to: str | None) -> list[dict[str, Any]]:
        oldest = f"{(datetime.now(UTC) - self._history_window).timestamp():.6f}"
        if reply_to:  # thread replies are not in conversations.history
            response = await self._client.conversations_replies(
                channel=channel_id,
                ts=reply_to,
                include_all_metadata=True,
                limit=self._history_limit,
            )
        else:
            response = await self._client.conversations_history(
                channel=channel_id,
                oldest=oldest,
                include_all_metadata=True,
                limit=self._history_limit,
            )
        return list(response.get("messages") or [])

    @staticmethod
    def _unchecked(channel_id: str, dedupe_key: str, exc: BaseException) -> None:
        # Losing a post is worse than a rare duplicate: post without the check, loudly.
        detail = _error_code(exc) if isinstance(exc, SlackApiError) else repr(exc)
        logger.warning(
            "slack: cannot check %s for %s before posting: %s", channel_id, dedupe_key, detail
        )
        return None


def _error_code(exc: SlackApiError | BaseException) -> str:
    response = getattr(exc, "response", None)
    data = getattr(response, "data", None)
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def _retry_after(exc: SlackApiError) -> float:
    try:
        return max(float(exc.response.headers.get("Retry-After", "1")), 0.0)
    except (TypeError, ValueError):
        return 1.0
