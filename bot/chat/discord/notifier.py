"""Post change events and digests to Discord channels, at most once per outbox event.

Exactly-once in effect: every message carries a nonce derived from the outbox
``dedupe_key`` and is sent with ``enforce_nonce``. Discord then answers a repeated
nonce (within a few minutes) with the message it already created instead of a new
one, so a retry after a crash or a lost response does not post twice. Beyond that
window a crash between sending and recording could repost once; the outbox retries
pending events at start-up, well inside it.

Rate limits (429) are waited out by discord.py itself; 5xx, connection errors and
timeouts are retried here with bounded backoff, then reported as a retryable
``DeliveryError`` so the outbox tries again later. Nothing is dropped.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from bot.chat.discord.render import OutgoingMessage, reply_to_messages
from bot.chat.ports import DeliveryError
from bot.chat.replies import Reply

log = logging.getLogger(__name__)

NONCE_LENGTH = 25  # Discord's maximum


def nonce_for(dedupe_key: str, part: int = 0) -> str:
    """Return the stable message nonce for part ``part`` of the post for ``dedupe_key``."""
    key = dedupe_key if part == 0 else f"{dedupe_key}#{part}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:NONCE_LENGTH]


class DiscordNotifier:
    """The ``Notifier`` for Discord."""

    platform = "discord"

    def __init__(
        self,
        client: discord.Client,
        *,
        attempts: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.client = client
        self.attempts = max(attempts, 1)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep

    async def send(
        self,
        channel_id: str,
        post: Reply,
        *,
        dedupe_key: str,
        reply_to: str | None = None,
    ) -> str:
        """Post ``post`` to ``channel_id``; return the id of its first message."""
        channel = self.client.get_partial_messageable(int(channel_id))
        reference = None
        if reply_to and reply_to.isdigit():
            reference = discord.MessageReference(
                message_id=int(reply_to), channel_id=int(channel_id), fail_if_not_exists=False
            )
        ids = []
        for part, message in enumerate(reply_to_messages(post)):
            nonce = nonce_for(dedupe_key, part)
            first_reference = reference if part == 0 else None
            sent = await self._send_with_retries(channel, message, nonce, first_reference)
            ids.append(str(sent.id))
        return ids[0]

    async def _send_with_retries(
        self,
        channel: discord.PartialMessageable,
        message: OutgoingMessage,
        nonce: str,
        reference: discord.MessageReference | None,
    ) -> discord.Message:
        for attempt in range(1, self.attempts + 1):
            try:
                return await channel.send(
                    content=message.content,
                    embeds=message.embeds,
                    allowed_mentions=discord.AllowedMentions.none(),
                    nonce=nonce,
                    reference=reference,  # type: ignore[arg-type]
                )
            except discord.RateLimited as exc:
                # Longer than the client will wait: let the outbox come back later.
                raise DeliveryError(str(exc), retryable=True, retry_after=exc.retry_after) from exc
            except (discord.DiscordServerError, aiohttp.ClientError, OSError, TimeoutError) as exc:
                if attempt == self.attempts:
                    raise DeliveryError(f"Discord unavailable: {exc}", retryable=True) from exc
                delay = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
                log.warning(
                    "posting to channel %s failed (%s); retry %d/%d in %.1fs",
                    channel.id,
                    exc,
                    attempt,
                    self.attempts - 1,
                    delay,
                )
                await self._sleep(delay)
            except discord.HTTPException as exc:
                raise _client_error(exc) from exc
        raise AssertionError("unreachable: the loop returns or raises")


def _client_error(exc: discord.HTTPException) -> DeliveryError:
    """Translate a 4xx into a ``DeliveryError`` (a bare 429 is worth retrying later)."""
    if exc.status == 429:
        retry_after = None
        header = exc.response.headers.get("Retry-After")
        if header is not None:
            try:
                retry_after = float(header)
            except ValueError:
                retry_after = None
        return DeliveryError(f"rate limited: {exc}", retryable=True, retry_after=retry_after)
    return DeliveryError(f"Discord refused the post ({exc.status}): {exc.text}", retryable=False)
