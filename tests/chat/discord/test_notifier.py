"""Posting change events: no pings, escaped text, retries without loss or duplicates."""

from __future__ import annotations

import asyncio

import pytest

from bot.chat.discord.notifier import DiscordNotifier, nonce_for
from bot.chat.ports import DeliveryError
from bot.chat.replies import Reply
from tests.chat.discord.fake_handler import card, huge_reply
from tests.fakes import discord_payloads as p

CHANNEL = str(p.UPDATES_CHANNEL_ID)
POST = Reply(text="Meeting held in Geneva", cards=(card("Meeting held"),))


class Sleeps:
    """Records backoff delays instead of waiting them out."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def stored(fake) -> list[dict]:
    return fake.messages.get(p.UPDATES_CHANNEL_ID, [])


async def test_update_post_disables_mentions_and_escapes_article_text(fake, bot):
    message_id = await DiscordNotifier(bot).send(CHANNEL, POST, dedupe_key="outbox:1:discord")

    [request] = fake.posts(p.UPDATES_CHANNEL_ID)
    assert request.json["allowed_mentions"] == {"parse": []}
    assert request.json["nonce"] == nonce_for("outbox:1:discord")
    assert request.json["enforce_nonce"] is True
    [message] = stored(fake)
    assert message["id"] == message_id
    [embed] = message["embeds"]
    assert "@\u200beveryone" in embed["title"] and "\\*\\*held\\*\\*" in embed["title"]
    assert "message_reference" not in request.json


async def test_a_later_post_replies_to_the_earlier_one_about_the_same_meeting(fake, bot):
    notifier = DiscordNotifier(bot)
    first = await notifier.send(CHANNEL, POST, dedupe_key="outbox:1")

    await notifier.send(CHANNEL, POST, dedupe_key="outbox:2", reply_to=first)

    reference = fake.posts()[-1].json["message_reference"]
    assert reference["message_id"] == int(first)
    assert reference["channel_id"] == p.UPDATES_CHANNEL_ID
    assert reference["fail_if_not_exists"] is False
    assert [m["type"] for m in stored(fake)] == [0, 19]


async def test_429s_are_waited_out_and_the_post_is_made_once(fake, bot):
    fake.fail_next_posts(429, times=2, retry_after=0.01)

    message_id = await DiscordNotifier(bot).send(CHANNEL, POST, dedupe_key="outbox:3")

    assert len(fake.posts()) == 3
    assert [m["id"] for m in stored(fake)] == [message_id]


async def test_a_429_longer_than_the_client_waits_is_handed_back_to_the_outbox(fake, bot):
    fake.fail_next_posts(429, retry_after=120.0)

    with pytest.raises(DeliveryError) as caught:
        await DiscordNotifier(bot).send(CHANNEL, POST, dedupe_key="outbox:4")

    assert caught.value.retryable is True
    assert caught.value.retry_after == pytest.approx(120.0)
    assert stored(fake) == []


async def test_a_429_without_via_header_is_retryable_later(fake, bot):
    fake.fail_next_posts(429, via=False, retry_after=5.0)

    with pytest.raises(DeliveryError) as caught:
        await DiscordNotifier(bot).send(CHANNEL, POST, dedupe_key="outbox:5")

    assert (caught.value.retryable, caught.value.retry_after) == (True, 5.0)


async def test_5xx_is_retried_with_backoff_and_posted_once(fake, bot):
    fake.fail_next_posts(503, times=2)
    sleeps = Sleeps()

    message_id = await DiscordNotifier(bot, backoff=0.5, sleep=sleeps).send(
        CHANNEL, POST, dedupe_key="outbox:6"
    )

    assert sleeps.delays == [0.5, 1.0]
    assert len(fake.posts()) == 3
    assert [m["id"] for m in stored(fake)] == [message_id]


async def test_a_500_is_retried_by_discord_py_itself(fake, bot):
    fake.fail_next_posts(500)

    message_id = await DiscordNotifier(bot, sleep=Sleeps()).send(CHANNEL, POST, dedupe_key="o:7")

    assert [m["id"] for m in stored(fake)] == [message_id]


async def test_a_lost_response_is_retried_with_the_same_nonce_without_a_duplicate(fake, bot):
    # Discord created the message but the answer was a 503: the retry must not repost.
    fake.fail_next_posts(503, create_first=True)

    message_id = await DiscordNotifier(bot, sleep=Sleeps()).send(CHANNEL, POST, dedupe_key="o:8")

    first, second = fake.posts()
    assert first.json["nonce"] == second.json["nonce"]
    assert [m["id"] for m in stored(fake)] == [message_id]


async def test_when_discord_stays_down_the_post_is_handed_back_not_dropped(fake, bot):
    fake.fail_next_posts(503, times=4)

    with pytest.raises(DeliveryError) as caught:
        await DiscordNotifier(bot, attempts=4, sleep=Sleeps()).send(CHANNEL, POST, dedupe_key="o:9")

    assert caught.value.retryable is True
    assert len(fake.posts()) == 4 and stored(fake) == []
    # The outbox tries again later; Discord is back by then.
    await DiscordNotifier(bot, sleep=Sleeps()).send(CHANNEL, POST, dedupe_key="o:9")
    assert len(stored(fake)) == 1


@pytest.mark.parametrize("status", [403, 404])
async def test_a_refused_post_is_not_retried(fake, bot, status):
    fake.fail_next_posts(status)
    sleeps = Sleeps()

    with pytest.raises(DeliveryError) as caught:
        await DiscordNotifier(bot, sleep=sleeps).send(CHANNEL, POST, dedupe_key="o:10")

    assert caught.value.retryable is False
    assert sleeps.delays == [] and len(fake.posts()) == 1


async def test_a_restart_mid_delivery_does_not_post_twice(fake, clients):
    first_run = await clients.start()
    fake.fail_next_posts(503, hang=True)  # Discord stores the post, the answer never comes
    sending = asyncio.create_task(
        DiscordNotifier(first_run).send(CHANNEL, POST, dedupe_key="outbox:42:discord")
    )
    await fake.wait_for(lambda: len(stored(fake)) == 1)
    # Crash: the process dies before the outbox records the message id.
    sending.cancel()
    await clients.stop(clients.tasks[0])
    assert first_run.is_closed()

    second_run = await clients.start()
    message_id = await DiscordNotifier(second_run).send(
        CHANNEL, POST, dedupe_key="outbox:42:discord"
    )

    assert len(fake.posts()) == 2
    assert [m["id"] for m in stored(fake)] == [message_id]


async def test_a_post_too_big_for_one_message_is_split_with_distinct_nonces(fake, bot):
    message_id = await DiscordNotifier(bot).send(CHANNEL, huge_reply(), dedupe_key="o:11")

    nonces = [r.json["nonce"] for r in fake.posts()]
    assert len(nonces) == 12 and len(set(nonces)) == 12
    assert stored(fake)[0]["id"] == message_id
    assert all(p.message_errors(m) == [] for m in stored(fake))
