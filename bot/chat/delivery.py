"""Deliver outbox events to chat channels: exactly-once in effect, nothing lost.

Each event becomes one delivery per subscribed channel. A delivery is marked with
the platform message id once the platform accepts it; the notifier's dedupe key
(Discord nonce, Slack metadata) covers a crash between sending and marking.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.chat.ports import DeliveryError, Notifier
from bot.chat.views import change_post
from bot.tracker.ports import Clock

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)


@dataclass
class DeliveryStats:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


def retry_delay(attempts: int, retry_after: float | None = None) -> timedelta:
    """Exponential backoff (30 s × 2^n, capped at an hour), at least the platform's Retry-After."""
    delay = min(BASE_DELAY * (2**attempts), MAX_DELAY)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


class Dispatcher:
    """Moves events from the outbox to the notifiers, one delivery at a time."""

    def __init__(
        self, outbox: Any, notifiers: dict[str, Notifier], clock: Clock, metrics: Any = None
    ):
        self.outbox = outbox
        self.notifiers = notifiers
        self.clock = clock
        self.metrics = metrics

    async def run_once(self) -> DeliveryStats:
        """Fan out new events and attempt every due delivery once."""
        stats = DeliveryStats()
        await self.outbox.fan_out(self.clock.now())
        for platform, notifier in self.notifiers.items():
            for item in await self.outbox.due_deliveries(platform, self.clock.now()):
                await self._deliver(notifier, item, stats)
        return stats

    async def _deliver(self, notifier: Notifier, item: Any, stats: DeliveryStats) -> None:
        reply_to = await self.outbox.earlier_post(
            item.platform, item.channel_id, item.change.subject, item.delivery_id
        )
        dedupe_key = f"parley-{item.delivery_id}"
        try:
            message_id = await notifier.send(
                item.channel_id, change_post(item.change), dedupe_key=dedupe_key, reply_to=reply_to
            )
        except DeliveryError as exc:
            retry = exc.retryable and item.attempts + 1 < MAX_ATTEMPTS
            when = self.clock.now() + retry_delay(item.attempts, exc.retry_after) if retry else None
            await self.outbox.mark_failed(
                item.delivery_id, str(exc), self.clock.now(), retry_at=when
            )
            log.warning(
                "delivery %d of event %d to %s:%s failed (%s); %s",
                item.delivery_id, item.change.id, item.platform, item.channel_id, exc,
                f"retry at {when:%H:%M:%S}" if when else "giving up",
            )  # fmt: skip
            if retry:
                stats.retried += 1
            else:
                stats.failed += 1
            return
        await self.outbox.mark_delivered(item.delivery_id, message_id, self.clock.now())
        stats.delivered += 1
        if self.metrics is not None:
            self.metrics.posts_delivered += 1
