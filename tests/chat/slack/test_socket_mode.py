"""Socket Mode: the real bolt handler against a fake Socket Mode websocket on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import aiohttp
import pytest

from bot.chat.replies import Actor
from bot.chat.slack.app import build_slack_app, run_slack, start_slack_socket
from tests.chat.slack.conftest import ADMIN, MEMBER
from tests.chat.slack.fake_core import FakeCore
from tests.fakes.slack_fake import FakeSlack


async def _no_group(team_id: str) -> str | None:
    return None


async def test_slash_command_over_socket_mode_is_acked_and_answered(slack: FakeSlack) -> None:
    core = FakeCore()
    # No signing secret: Socket Mode needs none (HTTP mode would then refuse everything).
    app = build_slack_app(
        core,
        bot_token=slack.bot_token,
        signing_secret=None,
        api_url=slack.api_url,
        admin_group_lookup=_no_group,
    )
    handler = await start_slack_socket(app, slack.app_token)
    try:
        opened = slack.calls("apps.connections.open")
        assert len(opened) == 1 and opened[0].token == slack.app_token
        payload = slack.command_payload("meetings past", user_id=MEMBER)
        await slack.send_envelope(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": payload,
            }
        )
        await slack.wait_for(
            lambda: any(a.get("envelope_id") == "env-1" for a in slack.socket_acks)
        )
        answer = await slack.wait_response(payload["response_url"])
    finally:
        await handler.close_async()
    assert answer["text"] == "Meetings (past)" and answer["response_type"] == "in_channel"
    assert [(r.name, r.options, r.actor) for r in core.requests] == [
        ("meetings", {"when": "past"}, Actor(MEMBER, "u0member", is_admin=False))
    ]


async def test_admin_refusal_works_the_same_over_socket_mode(slack: FakeSlack) -> None:
    core = FakeCore()
    app = build_slack_app(
        core,
        bot_token=slack.bot_token,
        signing_secret=None,
        api_url=slack.api_url,
        admin_group_lookup=_no_group,
    )
    handler = await start_slack_socket(app, slack.app_token)
    try:
        refused = slack.command_payload("feeds list", user_id=MEMBER)
        allowed = slack.command_payload("feeds list", user_id=ADMIN)
        for n, payload in enumerate((refused, allowed)):
            await slack.send_envelope(
                {"envelope_id": f"env-{n}", "type": "slash_commands", "payload": payload}
            )
        refusal = await slack.wait_response(refused["response_url"])
        answer = await slack.wait_response(allowed["response_url"])
    finally:
        await handler.close_async()
    assert refusal["response_type"] == "ephemeral" and "Only workspace admins" in refusal["text"]
    assert answer["text"] == "feeds list: ok"
    assert [r.actor.user_id for r in core.requests] == [ADMIN]


async def test_run_slack_uses_socket_mode_when_an_app_token_is_given(slack: FakeSlack) -> None:
    app = build_slack_app(
        FakeCore(),
        bot_token=slack.bot_token,
        signing_secret=None,
        api_url=slack.api_url,
        admin_group_lookup=_no_group,
    )
    task = asyncio.create_task(run_slack(app, app_token=slack.app_token, host="127.0.0.1", port=0))
    await slack.wait_for(lambda: slack.connected_sockets == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await slack.wait_for(lambda: slack.connected_sockets == 0)  # closed on the way out


async def test_run_slack_serves_http_mode_without_an_app_token(slack: FakeSlack) -> None:
    core = FakeCore()
    app = build_slack_app(
        core,
        bot_token=slack.bot_token,
        signing_secret=slack.signing_secret,
        api_url=slack.api_url,
        admin_group_lookup=_no_group,
    )
    with socket.socket() as probe:  # pick a free port for the server to take
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    task = asyncio.create_task(run_slack(app, app_token=None, host="127.0.0.1", port=port))
    try:
        url = f"http://127.0.0.1:{port}/slack/events"
        status = 0
        for _ in range(200):  # until the server is listening
            try:
                status, _, response_url = await slack.post_command(url, "about", user_id=MEMBER)
                break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.01)
        assert status == 200
        assert (await slack.wait_response(response_url))["text"] == "about: ok"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert slack.calls("apps.connections.open") == []
