"""The daily digest through the command layer's settings: 'no news' or skipped, once per slot."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.chat.commands import Commands, parse_command_line
from bot.chat.digests import DigestPoster, last_scheduled
from bot.tracker.ports import FixedClock
from bot.tracker.service import Tracker
from storage.async_store import AsyncProxy, db_executor
from storage.outbox import OutboxStore
from storage.repository import Repository
from tests.chat.test_delivery import FakeNotifier, three_events


def build(engine, when: datetime):
    executor = db_executor()
    clock = FixedClock(when)
    outbox = AsyncProxy(OutboxStore(engine), executor)
    tracker = Tracker(AsyncProxy(Repository(engine), executor), outbox, clock)
    notifier = FakeNotifier()
    return (
        Commands(tracker, outbox),
        DigestPoster(tracker, outbox, {"console": notifier}, clock),
        notifier,
        clock,
    )


async def test_quiet_day_posts_one_line_no_news_unless_configured_to_skip(engine) -> None:
    commands, poster, notifier, clock = build(engine, datetime(2026, 1, 27, 6, 0, tzinfo=UTC))
    reply = await commands.handle(
        parse_command_line("/config digest-channel #digest 07:00 Europe/Kyiv")
    )
    assert not reply.error and "07:00 Europe/Kyiv" in reply.text
    clock.advance(hours=24)  # 08:00 Kyiv next day: the 07:00 slot has passed
    assert await poster.post_due() == 1
    [(_, post, _, _)] = notifier.sent
    assert "no news" in post.text and post.text.count("\n") == 0
    quiet = await commands.handle(
        parse_command_line("/config digest-channel #digest 07:00 Europe/Kyiv quiet=yes")
    )
    assert "skipped on days with no news" in quiet.text
    clock.advance(hours=24)
    assert await poster.post_due() == 1  # the slot is recorded as done…
    assert len(notifier.sent) == 1  # …but nothing was posted
    assert await poster.post_due() == 0
    bad = await commands.handle(
        parse_command_line("/config digest-channel #digest 07:00 Europe/Kyiv quiet=maybe")
    )
    assert bad.error and "quiet must be yes or no" in bad.text


async def test_digest_lists_what_changed_since_the_last_one(engine) -> None:
    commands, poster, notifier, clock = build(engine, datetime(2026, 1, 26, 9, 0, tzinfo=UTC))
    await commands.handle(parse_command_line("/config digest-channel #digest 08:00 UTC"))
    three_events(Repository(engine))  # events stamped at tests.conftest.NOW (27 Jan 09:00)
    clock.advance(hours=24, minutes=1)  # 27 Jan 09:01
    assert await poster.post_due() == 1
    [(_, post, _, _)] = notifier.sent
    assert "Meetings:" in post.text and "Documents:" in post.text and "100% ready" in post.text


def test_last_scheduled_slot_respects_the_time_zone() -> None:
    now = datetime(2026, 3, 29, 6, 30, tzinfo=UTC)  # Kyiv moved to summer time (UTC+3) that night
    assert last_scheduled(now, "09:00", "Europe/Kyiv") == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    assert last_scheduled(now, "10:00", "Europe/Kyiv") == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
