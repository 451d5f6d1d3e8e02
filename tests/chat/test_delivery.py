"""Outbox delivery: grouping, replies to earlier posts, retries and give-ups (both stores)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.chat.delivery import Dispatcher
from bot.chat.ports import DeliveryError
from bot.tracker.models import DocumentMention, Extraction
from bot.tracker.ports import FixedClock
from storage.async_store import AsyncProxy, db_executor
from storage.outbox import OutboxStore
from storage.repository import Repository
from tests.conftest import NOW
from tests.storage.test_repository import RELEVANT, art, meeting


class FakeNotifier:
    platform = "discord"

    def __init__(self, failures: list[DeliveryError] | None = None):
        self.sent: list[tuple[str, object, str, str | None]] = []
        self.failures = failures or []

    async def send(self, channel_id, post, *, dedupe_key, reply_to=None):
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((channel_id, post, dedupe_key, reply_to))
        return f"m{len(self.sent)}"


def setup(engine, notifier):
    executor = db_executor()
    outbox = OutboxStore(engine)
    outbox.subscribe("discord", "g", "updates", "c1", now=NOW)
    clock = FixedClock(NOW)
    return (
        Repository(engine),
        outbox,
        Dispatcher(AsyncProxy(outbox, executor), {"discord": notifier}, clock),
        clock,
    )


def three_events(repo, key="a", day=date(2026, 1, 26)):
    doc = DocumentMention(
        "security_guarantees", "Security guarantees", "agreed", "100% ready", "It is 100% ready."
    )
    ex = Extraction(
        RELEVANT,
        (
            meeting("planned", date(2026, 2, 1), "Abu Dhabi"),
            meeting(
                "held", date(2026, 1, 22), "Moscow", people=("Vladimir Putin", "Jared Kushner")
            ),
        ),
        (doc,),
    )
    return repo.ingest(art(key, day), ex, RELEVANT, now=NOW)


async def test_events_of_one_article_are_one_post_with_a_card_each(engine) -> None:
    notifier = FakeNotifier()
    repo, outbox, dispatcher, _ = setup(engine, notifier)
    result = three_events(repo)
    stats = await dispatcher.run_once()
    assert stats.delivered == len(result.changes) == 3
    [(channel, post, key, reply_to)] = notifier.sent
    assert channel == "c1" and len(post.cards) == 3 and reply_to is None
    assert outbox.due_deliveries("discord", NOW) == []


async def test_a_later_event_replies_to_the_earlier_post_about_the_same_subject(engine) -> None:
    notifier = FakeNotifier()
    repo, _, dispatcher, _ = setup(engine, notifier)
    repo.ingest(
        art("p", date(2026, 1, 22)),
        Extraction(RELEVANT, (meeting("planned", date(2026, 1, 22), "Moscow"),)),
        RELEVANT,
        now=NOW,
    )
    await dispatcher.run_once()
    repo.ingest(
        art("h", date(2026, 1, 23)),
        Extraction(RELEVANT, (meeting("held", date(2026, 1, 22), "Moscow"),)),
        RELEVANT,
        now=NOW,
    )
    await dispatcher.run_once()
    assert [s[3] for s in notifier.sent] == [None, "m1"]


async def test_retryable_failures_are_retried_later_and_nothing_is_lost(engine) -> None:
    notifier = FakeNotifier(
        [
            DeliveryError("503", retryable=True),
            DeliveryError("429", retryable=True, retry_after=600),
        ]
    )
    repo, outbox, dispatcher, clock = setup(engine, notifier)
    three_events(repo)
    assert (await dispatcher.run_once()).retried == 3
    assert (await dispatcher.run_once()).delivered == 0  # not due yet
    clock.advance(minutes=1)
    assert (await dispatcher.run_once()).retried == 3  # the 429: at least its Retry-After
    clock.advance(seconds=599)
    assert (await dispatcher.run_once()).delivered == 0
    clock.advance(seconds=2)
    assert (await dispatcher.run_once()).delivered == 3
    assert len(notifier.sent) == 1 and len({s[2] for s in notifier.sent}) == 1
    assert outbox.delivery_counts() == {"delivered": 3}


async def test_same_dedupe_key_on_every_attempt(engine) -> None:
    keys = []

    class Recording(FakeNotifier):
        async def send(self, channel_id, post, *, dedupe_key, reply_to=None):
            keys.append(dedupe_key)
            return await super().send(channel_id, post, dedupe_key=dedupe_key, reply_to=reply_to)

    notifier = Recording([DeliveryError("boom")])
    repo, _, dispatcher, clock = setup(engine, notifier)
    three_events(repo)
    await dispatcher.run_once()
    clock.advance(hours=1)
    await dispatcher.run_once()
    assert len(keys) == 2 and keys[0] == keys[1]


async def test_permanent_failure_gives_up_and_says_so(engine) -> None:
    notifier = FakeNotifier([DeliveryError("403 missing access", retryable=False)])
    repo, outbox, dispatcher, clock = setup(engine, notifier)
    three_events(repo)
    assert (await dispatcher.run_once()).failed == 3
    clock.advance(days=1)
    assert (await dispatcher.run_once()).delivered == 0
    assert outbox.delivery_counts() == {"failed": 3}


async def test_a_subscription_made_later_does_not_receive_old_events(engine) -> None:
    notifier = FakeNotifier()
    repo, outbox, dispatcher, _ = setup(engine, notifier)
    three_events(repo)
    await dispatcher.run_once()
    outbox.subscribe("discord", "g2", "updates", "c2", now=NOW + timedelta(minutes=1))
    await dispatcher.run_once()
    assert [s[0] for s in notifier.sent] == ["c1"]
