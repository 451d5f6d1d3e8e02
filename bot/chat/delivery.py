"""Deliver outbox events to chat channels: exactly-once in effect, nothing lost.

Each event becomes one delivery per subscribed channel; the events one article
produced for a channel are posted together, one card each. A delivery is marked with
the platform message id once the platform accepts it; the notifier's dedupe key
(Discord nonce, Slack metadata) covers a crash between sending and marking.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.chat.ports import DeliveryError, Notifier
from bot.chat.replies import Reply
from bot.chat.views import change_post
from bot.tracker.ports import Clock

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
MAX_GROUP = 10  # Discord allows 10 embeds per message


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
            due = await self.outbox.due_deliveries(platform, self.clock.now())
            for group in group_deliveries(due):
                await self._deliver(notifier, group, stats)
        return stats

    async def _deliver(self, notifier: Notifier, group: list[Any], stats: DeliveryStats) -> None:
        first = group[0]
        reply_to = await self.outbox.earlier_post(
            first.platform, first.channel_id, first.change.subject, first.delivery_id
        )
        # the group is fixed when the events are fanned out, so a retry sends the same post
        dedupe_key = f"parley-{first.delivery_id}"
        try:
            message_id = await notifier.send(
                first.channel_id, combined_post(group), dedupe_key=dedupe_key, reply_to=reply_to
            )
        except DeliveryError as exc:
            retry = exc.retryable and first.attempts + 1 < MAX_ATTEMPTS
            when = (
                self.clock.now() + retry_delay(first.attempts, exc.retry_after) if retry else None
            )
            for item in group:
                await self.outbox.mark_failed(
                    item.delivery_id, str(exc), self.clock.now(), retry_at=when
                )
            log.warning(
                "delivery %s of events %s to %s:%s failed (%s); %s",
                [i.delivery_id for i in group], [i.change.id for i in group], first.platform,
                first.channel_id, exc, f"retry at {when:%H:%M:%S}" if when else "giving up",
            )  # fmt: skip
            if retry:
                stats.retried += len(group)
            else:
                stats.failed += len(group)
            return
        for item in group:
            await self.outbox.mark_delivered(item.delivery_id, message_id, self.clock.now())
        stats.delivered += len(group)
        if self.metrics is not None:
            self.metrics.posts_delivered += 1


def group_deliveries(due: list[Any]) -> list[list[Any]]:
    """Group the events one article produced for one channel (at most MAX_GROUP per post)."""
    groups: dict[tuple[str, Any], list[Any]] = {}
    for item in due:
        article = item.change.data.get("article_id") or f"event-{item.change.id}"
        key = (item.channel_id, article)
        bucket = groups.setdefault(key, [])
        if len(bucket) == MAX_GROUP:
            key = (item.channel_id, f"{article}-{item.delivery_id}")
            bucket = groups.setdefault(key, [])
        bucket.append(item)
    return sorted(groups.values(), key=lambda g: g[0].delivery_id)


def combined_post(group: list[Any]) -> Reply:
    """One post for the events that arrived together: a card per event."""
    posts = [change_post(item.change) for item in group]
    if len(posts) == 1:
        return posts[0]
    return Reply(
        text="\n\n".join(p.text for p in posts),
        cards=tuple(card for p in posts for card in p.cards),
    )
