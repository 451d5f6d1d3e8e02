"""SlackNotifier against the fake Web API: pacing, 429s, and no duplicates after doubt."""

from __future__ import annotations

import asyncio

import pytest

from bot.chat.ports import DeliveryError
from bot.chat.replies import Card, Field, Reply
from bot.chat.slack.app import make_web_client
from bot.chat.slack.notifier import EVENT_TYPE, ChannelRateLimiter, SlackNotifier
from bot.chat.slack.render import reply_to_blocks
from tests.chat.slack.fake_core import HOSTILE, _meeting_card
from tests.fakes.slack_fake import Failure, FakeSlack

UPDATES = "C0UPDATES"


class FakeClock:
    """Monotonic time that only moves when something sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _notifier(slack: FakeSlack, clock: FakeClock, **kwargs: object) -> SlackNotifier:
    limiter = ChannelRateLimiter(clock=clock, sleep=clock.sleep)
    client = make_web_client(slack.bot_token, slack.api_url)
    return SlackNotifier(client, limiter=limiter, sleep=clock.sleep, **kwargs)  # type: ignore[arg-type]


EVENT = Reply(text="Meeting held: trilateral talks in Abu Dhabi", cards=(_meeting_card(1),))


async def test_post_carries_blocks_dedupe_metadata_and_no_unfurls(
    slack: FakeSlack, clock: FakeClock
) -> None:
    ts = await _notifier(slack, clock).send(UPDATES, EVENT, dedupe_key="event-7:C0UPDATES")
    [message] = slack.messages[UPDATES]
    assert ts == message["ts"]
    params = message["params"]
    assert params["metadata"] == {
        "event_type": EVENT_TYPE,
        "event_payload": {"dedupe_key": "event-7:C0UPDATES"},
    }
    assert params["blocks"] == reply_to_blocks(EVENT)
    assert params["text"] == "Meeting held: trilateral talks in Abu Dhabi"
    assert params["unfurl_links"] is False and params["unfurl_media"] is False
    assert params["link_names"] is False and "thread_ts" not in params


async def test_article_text_in_a_post_cannot_mention_anyone(
    slack: FakeSlack, clock: FakeClock
) -> None:
    post = Reply(
        text=f"New source {HOSTILE}",
        cards=(Card(title=HOSTILE, fields=(Field("Quote", HOSTILE),)),),
    )
    await _notifier(slack, clock).send(UPDATES, post, dedupe_key="k")
    params = slack.messages[UPDATES][0]["params"]
    for fragment in ("<!channel>", "<!here>", "<@U123ATTACK>", "<#C999", "<https://evil"):
        assert fragment not in str(params["text"]) and fragment not in str(params["blocks"])


async def test_429_is_waited_out_and_retried_without_loss_or_duplicates(
    slack: FakeSlack, clock: FakeClock
) -> None:
    slack.fail("chat.postMessage", Failure(status=429, error="ratelimited", retry_after=7, times=2))
    ts = await _notifier(slack, clock).send(UPDATES, EVENT, dedupe_key="event-8")
    assert len(slack.calls("chat.postMessage")) == 3
    assert [m["ts"] for m in slack.messages[UPDATES]] == [ts]
    assert clock.sleeps == [7.0, 7.0]  # Retry-After honoured, nothing shorter


async def test_rate_limit_that_outlasts_the_retries_is_a_retryable_delivery_error(
    slack: FakeSlack, clock: FakeClock
) -> None:
    slack.fail(
        "chat.postMessage", Failure(status=429, error="ratelimited", retry_after=3, times=10)
    )
    with pytest.raises(DeliveryError) as raised:
        await _notifier(slack, clock, max_attempts=3).send(UPDATES, EVENT, dedupe_key="event-9")
    assert raised.value.retryable and raised.value.retry_after == 3.0
    assert len(slack.calls("chat.postMessage")) == 3 and slack.messages[UPDATES] == []


async def test_very_long_retry_after_is_handed_back_to_the_outbox(
    slack: FakeSlack, clock: FakeClock
) -> None:
    slack.fail("chat.postMessage", Failure(status=429, error="ratelimited", retry_after=600))
    with pytest.raises(DeliveryError) as raised:
        await _notifier(slack, clock).send(UPDATES, EVENT, dedupe_key="event-10")
    assert raised.value.retryable and raised.value.retry_after == 600.0
    assert clock.sleeps == []


async def test_server_error_after_posting_does_not_post_twice(
    slack: FakeSlack, clock: FakeClock
) -> None:
    # Slack stored the message but answered 500: a blind retry would duplicate it.
    slack.fail("chat.postMessage", Failure(status=500, error="internal_error", after_storing=True))
    ts = await _notifier(slack, clock).send(UPDATES, EVENT, dedupe_key="event-11")
    assert [m["ts"] for m in slack.messages[UPDATES]] == [ts]
    assert len(slack.calls("chat.postMessage")) == 1
    history = slack.calls("conversations.history")
    assert len(history) == 2 and history[-1].params["include_all_metadata"] in ("1", "true")


async def test_dropped_connection_after_posting_does_not_post_twice(
    slack: FakeSlack, clock: FakeClock
) -> None:
    slack.fail("chat.postMessage", Failure(status=0, error="", after_storing=True))
    ts = await _notifier(slack, clock).send(UPDATES, EVENT, dedupe_key="event-20")
    assert [m["ts"] for m in slack.messages[UPDATES]] == [ts]
    assert len(slack.calls("chat.postMessage")) == 1


async def test_dropped_connection_before_posting_is_retried_once_history_is_checked(
    slack: FakeSlack, clock: FakeClock
) -> None:
    slack.fail("chat.postMessage", Failure(status=0, error=""))
    slack.fail("chat.postMessage", Failure(status=429, error="ratelimited", retry_after=1))
    ts = await _notifier(slack, clock).send(UPDATES, EVENT, dedupe_key="event-21")
    assert [m["ts"] for m in slack.messages[UPDATES]] == [ts]
    assert len(slack.calls("chat.postMessage")) == 3
    # Looked before the first post, and before each resend once a post was in doubt.
    assert len(slack.calls("conversations.history")) == 3


async def test_server_error_before_posting_is_retried(slack: FakeSlack, clock: FakeClock) -> None:
    slack.fail("chat.postMessage", Failure(status=503, error="service_unavailable"))
    ts = await _notifier(slack, clock).send(UPDATES, EVENT, dedupe_key="event-12")
    assert [m["ts"] for m in slack.messages[UPDATES]] == [ts]
    assert len(slack.calls("chat.postMessage")) == 2


async def test_resend_after_a_crash_finds_the_earlier_post(
    slack: FakeSlack, clock: FakeClock
) -> None:
    first = await _notifier(slack, clock).send(UPDATES, EVENT, dedupe_key="event-13")
    # A new process (fresh notifier, no memory) is asked to deliver the same event again.
    again = await _notifier(slack, FakeClock()).send(UPDATES, EVENT, dedupe_key="event-13")
    assert again == first
    assert len(slack.messages[UPDATES]) == 1
    other = await _notifier(slack, FakeClock()).send(UPDATES, EVENT, dedupe_key="event-14")
    assert other != first and len(slack.messages[UPDATES]) == 2


async def test_reply_goes_to_the_thread_and_is_deduplicated_there(
    slack: FakeSlack, clock: FakeClock
) -> None:
    notifier = _notifier(slack, clock)
    parent = await notifier.send(UPDATES, EVENT, dedupe_key="event-15")
    reply = await notifier.send(UPDATES, EVENT, dedupe_key="event-16", reply_to=parent)
    assert slack.messages[UPDATES][-1]["params"]["thread_ts"] == parent
    assert await notifier.send(UPDATES, EVENT, dedupe_key="event-16", reply_to=parent) == reply
    assert len(slack.messages[UPDATES]) == 2
    assert slack.calls("conversations.replies")


async def test_channel_it_has_not_joined_is_joined_to_read_history(
    slack: FakeSlack, clock: FakeClock
) -> None:
    slack.add_channel("C0PUBLIC", "news", member=False)
    notifier = _notifier(slack, clock)
    first = await notifier.send("C0PUBLIC", EVENT, dedupe_key="event-17")
    assert [c.params["channel"] for c in slack.calls("conversations.join")] == ["C0PUBLIC"]
    assert await notifier.send("C0PUBLIC", EVENT, dedupe_key="event-17") == first
    assert len(slack.messages["C0PUBLIC"]) == 1


async def test_unknown_channel_is_a_permanent_delivery_error(
    slack: FakeSlack, clock: FakeClock
) -> None:
    with pytest.raises(DeliveryError) as raised:
        await _notifier(slack, clock).send("C0GONE", EVENT, dedupe_key="event-18")
    assert raised.value.retryable is False and "channel_not_found" in str(raised.value)


async def test_posts_to_one_channel_are_spaced_a_second_apart(
    slack: FakeSlack, clock: FakeClock
) -> None:
    notifier = _notifier(slack, clock)
    for n in range(3):
        await notifier.send(UPDATES, EVENT, dedupe_key=f"burst-{n}")
    await notifier.send("C0GENERAL", EVENT, dedupe_key="other-channel")
    assert clock.sleeps == [1.0, 1.0]  # the second and third post waited; the other channel did not
    assert len(slack.messages[UPDATES]) == 3


async def test_limiter_serialises_concurrent_senders_per_channel(clock: FakeClock) -> None:
    limiter = ChannelRateLimiter(clock=clock, sleep=clock.sleep)
    slots: list[tuple[str, float]] = []

    async def take(channel: str) -> None:
        await limiter.wait(channel)
        slots.append((channel, clock.now))

    await asyncio.gather(*(take("A") for _ in range(3)), take("B"))
    times_a = [t for c, t in slots if c == "A"]
    assert [b - a for a, b in zip(times_a, times_a[1:], strict=False)] == [1.0, 1.0]
    limiter.push_back("B", 30)
    await take("B")
    assert slots[-1] == ("B", clock.now) and clock.sleeps[-1] == 30.0


async def test_digest_reply_is_posted_through_the_notifier(
    slack: FakeSlack, clock: FakeClock
) -> None:
    digest = Reply(
        text="Daily digest — 2 changes since yesterday 08:00",
        cards=(
            Card(
                title="Meeting held: Abu Dhabi trilateral",
                description="Sources: Reuters, AP",
                tone="success",
            ),
            Card(
                title="Document: 20-point framework → under discussion",
                fields=(Field("Was", "drafting", True),),
            ),
        ),
    )
    ts = await _notifier(slack, clock).send(
        UPDATES, digest, dedupe_key="digest:T0PARLEY:2026-02-05"
    )
    [message] = slack.messages[UPDATES]
    assert message["ts"] == ts and message["text"] == digest.text
    assert message["blocks"] == reply_to_blocks(digest)
    assert message["metadata"]["event_payload"]["dedupe_key"] == "digest:T0PARLEY:2026-02-05"
