"""Post the daily digest to each digest channel at its time and time zone, once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from bot.chat.ports import DeliveryError, Notifier
from bot.chat.views import digest_reply
from bot.tracker.ports import Clock
from bot.tracker.service import Tracker

log = logging.getLogger(__name__)


def last_scheduled(now: datetime, at: str, tz: str) -> datetime:
    """The most recent moment ≤ now at local time ``at`` in ``tz`` (UTC-aware)."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    slot = datetime.combine(local.date(), dtime.fromisoformat(at), tzinfo=zone)
    if slot > local:
        slot -= timedelta(days=1)
    return slot.astimezone(now.tzinfo)


class DigestPoster:
    """Posts digests; a digest missed while the bot was down is posted once (coalesced)."""

    def __init__(self, tracker: Tracker, outbox: Any, notifiers: dict[str, Notifier], clock: Clock):
        self.tracker = tracker
        self.outbox = outbox
        self.notifiers = notifiers
        self.clock = clock

    async def post_due(self) -> int:
        """Post every digest whose time has come since the last one; return how many."""
        posted = 0
        for sub in await self.outbox.subscriptions(kind="digest"):
            if sub.platform in self.notifiers and await self._post_if_due(sub):
                posted += 1
        return posted

    async def _post_if_due(self, sub: Any) -> bool:
        now = self.clock.now()
        slot = last_scheduled(now, sub.digest_time or "08:00", sub.timezone or "UTC")
        last = await self.outbox.last_digest(sub.platform, sub.channel_id)
        if last is not None and last.period_end >= slot:
            return False
        if last is None and sub.created_at and sub.created_at > slot:
            return False  # subscribed after today's slot: first digest at the next one
        since = last.period_end if last else slot - timedelta(days=1)
        digest = await self.tracker.digest(since, now)
        ws = await self.outbox.workspace(sub.platform, sub.workspace_id)
        if digest.empty and ws.digest_skip_empty:
            message_id = None
        else:
            try:
                message_id = await self.notifiers[sub.platform].send(
                    sub.channel_id,
                    digest_reply(digest),
                    dedupe_key=f"parley-digest-{sub.id}-{slot:%Y%m%d%H%M}",
                )
            except DeliveryError as exc:
                log.warning(
                    "digest for %s:%s failed (%s); will retry", sub.platform, sub.channel_id, exc
                )
                return False
        await self.outbox.record_digest(
            platform=sub.platform, workspace_id=sub.workspace_id, channel_id=sub.channel_id,
            period_start=since, period_end=now, posted_at=now, message_id=message_id,
            changes=sum(len(items) for _, items in digest.sections),
        )  # fmt: skip
        return True
