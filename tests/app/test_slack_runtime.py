"""Parley on Slack through the real runtime: outbox posts, commands, digest at its time."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta

import pytest

from bot.__main__ import build_core
from bot.chat.digests import DigestPoster
from bot.chat.slack.app import make_web_client
from bot.chat.slack.notifier import SlackNotifier
from bot.runtime import run_bot
from bot.tracker.ports import FixedClock
from config.settings import Settings
from tests.fakes.slack_fake import FakeSlack

ADMIN = "U0ADMIN"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def slack():
    fake = FakeSlack()
    fake.add_user(ADMIN, admin=True)
    fake.add_user("U0MEMBER")
    fake.add_channel("C0GENERAL", "general")
    fake.add_channel("C0UPDATES", "peace-talks")
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def core(monkeypatch, sqlite_url, slack):
    port = free_port()
    env = {
        "DATABASE_URL": sqlite_url, "PARLEY_NOW": "2026-01-27T09:00:00+00:00",
        "SLACK_BOT_TOKEN": slack.bot_token, "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack.api_url, "SLACK_PORT": str(port), "SLACK_HOST": "127.0.0.1",
    }  # fmt: skip
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    core = build_core(Settings(_env_file=None))
    core.events_url = f"http://127.0.0.1:{port}/slack/events"
    yield core
    core.close()


async def test_slack_mode_posts_events_and_answers_commands(core, slack) -> None:
    now = core.clock.now()
    await core.outbox.subscribe("slack", slack.team_id, "updates", "C0UPDATES", now=now)
    stop = asyncio.Event()
    task = asyncio.create_task(run_bot(core, stop=stop))
    try:
        await slack.wait_for(lambda: len(slack.calls("chat.postMessage")) >= 5, timeout=60)
        for _ in range(100):  # the HTTP endpoint starts with the runtime
            try:
                status, _, url = await slack.post_command(
                    core.events_url, "meetings past", user_id="U0MEMBER"
                )
                break
            except OSError:
                await asyncio.sleep(0.05)
        assert status == 200
        reply = await slack.wait_response(url)
        assert "Abu Dhabi" in str(reply["blocks"])
        status, _, url = await slack.post_command(core.events_url, "feeds list", user_id="U0MEMBER")
        refusal = await slack.wait_response(url)
        assert refusal["response_type"] == "ephemeral" and "admin" in refusal["text"].lower()
    finally:
        stop.set()
        await task
    posts = slack.calls("chat.postMessage")
    assert all(p.params["channel"] == "C0UPDATES" for p in posts)
    keys = [p.params["metadata"] for p in posts]
    assert len(keys) == len({str(k) for k in keys})  # each event once


async def test_digest_is_posted_at_its_time_once_and_coalesced(core, slack) -> None:
    clock = FixedClock(datetime(2026, 1, 27, 5, 0, tzinfo=UTC))  # 07:00 in Kyiv
    core.tracker.clock = clock
    await core.outbox.subscribe(
        "slack", slack.team_id, "digest", "C0UPDATES", now=clock.now() - timedelta(days=1),
        digest_time="08:00", timezone="Europe/Kyiv",
    )  # fmt: skip
    notifier = SlackNotifier(make_web_client(slack.bot_token, slack.api_url), sleep=_no_sleep)
    poster = DigestPoster(core.tracker, core.outbox, {"slack": notifier}, clock)
    assert await poster.post_due() == 1  # yesterday's 08:00 slot was missed: posted once on start
    assert await poster.post_due() == 0
    clock.advance(minutes=59)  # 07:59 Kyiv
    assert await poster.post_due() == 0
    clock.advance(minutes=2)  # 08:01 Kyiv
    assert await poster.post_due() == 1
    clock.advance(days=3)  # down for three days: one coalesced digest, not three
    assert await poster.post_due() == 1 and await poster.post_due() == 0
    texts = [p.params["text"] for p in slack.calls("chat.postMessage")]
    assert len(texts) == 3 and all("digest" in t.lower() for t in texts)


async def _no_sleep(_: float) -> None:
    return None
