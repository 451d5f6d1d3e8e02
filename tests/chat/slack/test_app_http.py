"""The real slack-bolt app over HTTP: signed requests in, response_url answers out."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.parse

import aiohttp
import pytest

from bot.chat.replies import Actor, CommandRequest, Reply
from bot.chat.slack.app import FAILURE, REFUSAL, build_slack_app, start_slack_http
from bot.chat.slack.render import reply_to_blocks
from tests.chat.slack.conftest import ADMIN, ADMIN_GROUP, GROUPIE, MEMBER, Bolt
from tests.chat.slack.fake_core import reply_for
from tests.chat.slack.test_commands import CASES
from tests.fakes.slack_fake import FakeSlack


@pytest.mark.parametrize(("text", "name", "options"), CASES, ids=[c[0] or "empty" for c in CASES])
async def test_every_subcommand_is_answered_through_response_url(
    slack: FakeSlack, bolt: Bolt, text: str, name: str, options: dict[str, object]
) -> None:
    status, body, response_url = await slack.post_command(bolt.server.url, text, user_id=ADMIN)
    assert (status, body) == (200, "")  # the ack: empty, so Slack shows only our answer

    answer = await slack.wait_response(response_url)
    expected_request = CommandRequest(
        name=name,
        options=options,
        actor=Actor(user_id=ADMIN, display_name="u0admin", is_admin=True),
        platform="slack",
        workspace_id=slack.team_id,
        channel_id="C0GENERAL",
    )
    assert bolt.core.requests == [expected_request]
    reply = reply_for(expected_request)
    assert answer["blocks"] == reply_to_blocks(reply)
    assert answer["response_type"] == ("ephemeral" if reply.ephemeral else "in_channel")
    assert answer["unfurl_links"] is False and answer["unfurl_media"] is False


async def test_ack_is_sent_before_the_core_answers(slack: FakeSlack, bolt: Bolt) -> None:
    bolt.core.gate = gate = asyncio.Event()
    status, _, response_url = await slack.post_command(bolt.server.url, "meetings", user_id=MEMBER)
    # Slack got its 200 while the core is still working on the answer.
    assert status == 200
    assert len(bolt.core.requests) == 1 and slack.response_for(response_url) is None
    gate.set()
    answer = await slack.wait_response(response_url)
    assert answer["text"] == "Meetings (upcoming)"


@pytest.mark.parametrize(
    "how",
    ["wrong secret", "stale timestamp", "future timestamp", "no signature", "tampered body"],
)
async def test_badly_signed_requests_are_rejected_with_401(
    slack: FakeSlack, bolt: Bolt, how: str
) -> None:
    body = urllib.parse.urlencode(slack.command_payload("meetings", user_id=ADMIN))
    headers = {
        "wrong secret": slack.sign(body, secret="not-the-secret"),
        "stale timestamp": slack.sign(body, timestamp=int(time.time()) - 600),
        "future timestamp": slack.sign(body, timestamp=int(time.time()) + 600),
        "no signature": {"Content-Type": "application/x-www-form-urlencoded"},
        "tampered body": slack.sign(body.replace("meetings", "digest")),
    }[how]
    async with (
        aiohttp.ClientSession() as session,
        session.post(bolt.server.url, data=body, headers=headers) as response,
    ):
        assert response.status == 401
    assert bolt.core.requests == []
    assert slack.responses == []


@pytest.mark.parametrize("text", ["feeds add https://example.com/rss", "config show", "feeds list"])
async def test_non_admin_is_refused_admin_commands_and_it_is_logged(
    slack: FakeSlack, bolt: Bolt, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.chat.slack.app")
    _, _, response_url = await slack.post_command(bolt.server.url, text, user_id=MEMBER)
    answer = await slack.wait_response(response_url)
    assert answer["response_type"] == "ephemeral"
    assert answer["blocks"] == reply_to_blocks(Reply(text=REFUSAL, ephemeral=True, error=True))
    assert bolt.core.requests == []  # refused before the core sees it
    assert any(
        MEMBER in r.getMessage() and text.split()[0] in r.getMessage() for r in caplog.records
    )


async def test_member_of_configured_admin_group_may_run_admin_commands(
    slack: FakeSlack, bolt: Bolt
) -> None:
    _, _, refused_url = await slack.post_command(bolt.server.url, "config show", user_id=GROUPIE)
    assert "Only workspace admins" in (await slack.wait_response(refused_url))["text"]

    bolt.admin_groups[slack.team_id] = ADMIN_GROUP
    _, _, response_url = await slack.post_command(bolt.server.url, "config show", user_id=GROUPIE)
    answer = await slack.wait_response(response_url)
    assert answer["text"] == "config show: ok"
    assert [r.actor for r in bolt.core.requests] == [Actor(GROUPIE, "u0groupie", is_admin=True)]
    assert slack.calls("usergroups.users.list")[-1].params["usergroup"] == ADMIN_GROUP


async def test_workspace_owner_is_an_admin(slack: FakeSlack, bolt: Bolt) -> None:
    slack.add_user("U0OWNER", owner=True)
    _, _, response_url = await slack.post_command(bolt.server.url, "feeds list", user_id="U0OWNER")
    assert (await slack.wait_response(response_url))["text"] == "feeds list: ok"


async def test_member_runs_read_commands_as_non_admin(slack: FakeSlack, bolt: Bolt) -> None:
    _, _, response_url = await slack.post_command(bolt.server.url, "next", user_id=MEMBER)
    await slack.wait_response(response_url)
    assert bolt.core.requests[0].actor == Actor(MEMBER, "u0member", is_admin=False)


async def test_usage_error_is_ephemeral_and_never_reaches_the_core(
    slack: FakeSlack, bolt: Bolt
) -> None:
    _, _, response_url = await slack.post_command(
        bolt.server.url, "meetings sideways", user_id=ADMIN
    )
    answer = await slack.wait_response(response_url)
    assert answer["response_type"] == "ephemeral"
    assert "Did not understand `sideways`" in answer["text"]
    assert bolt.core.requests == []


async def test_article_text_cannot_mention_anyone_in_a_reply(slack: FakeSlack, bolt: Bolt) -> None:
    _, _, response_url = await slack.post_command(bolt.server.url, "digest", user_id=MEMBER)
    answer = await slack.wait_response(response_url)
    raw = json.dumps(answer)
    assert "<!channel>" not in raw and "<!here>" not in raw and "<@U123ATTACK>" not in raw
    assert "&lt;!channel&gt;" in answer["text"]


async def test_big_answers_stay_within_50_blocks(slack: FakeSlack, bolt: Bolt) -> None:
    _, _, response_url = await slack.post_command(
        bolt.server.url, "search everything", user_id=MEMBER
    )
    blocks = (await slack.wait_response(response_url))["blocks"]
    assert len(blocks) <= 50 and blocks[-1]["type"] == "context"


class ExplodingCore:
    async def handle(self, request: CommandRequest) -> Reply:
        raise RuntimeError("database is on fire")

    async def complete(self, command: str, option: str, prefix: str, workspace_id: str) -> list:
        return []


async def test_core_crash_becomes_a_clear_ephemeral_error_and_a_logged_traceback(
    slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    async def no_group(team_id: str) -> str | None:
        return None

    app = build_slack_app(
        ExplodingCore(),
        bot_token=slack.bot_token,
        signing_secret=slack.signing_secret,
        api_url=slack.api_url.rstrip("/"),  # a missing trailing slash is fixed up
        admin_group_lookup=no_group,
    )
    server = await start_slack_http(app, "127.0.0.1", 0)
    try:
        _, _, response_url = await slack.post_command(server.url, "next", user_id=MEMBER)
        answer = await slack.wait_response(response_url)
    finally:
        await server.close()
    assert answer["response_type"] == "ephemeral" and answer["text"] == FAILURE
    crash = [r for r in caplog.records if r.name == "bot.chat.slack.app" and r.exc_info]
    assert crash and "database is on fire" in str(crash[0].exc_info[1])


async def test_without_signing_secret_http_mode_rejects_everything(slack: FakeSlack) -> None:
    async def no_group(team_id: str) -> str | None:
        return None

    app = build_slack_app(
        ExplodingCore(),
        bot_token=slack.bot_token,
        signing_secret="",
        api_url=slack.api_url,
        admin_group_lookup=no_group,
    )
    server = await start_slack_http(app, "127.0.0.1", 0)
    try:
        # Signed with the empty secret anyone could use: still refused.
        status, _, _ = await slack.post_command(server.url, "next", user_id=MEMBER, secret="")
    finally:
        await server.close()
    assert status == 401
