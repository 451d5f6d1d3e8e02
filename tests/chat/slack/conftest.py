"""Fixtures: a fake Slack on 127.0.0.1 and the real bolt app served over HTTP in front of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.chat.slack.app import SlackHttpServer, build_slack_app, start_slack_http
from tests.chat.slack.fake_core import FakeCore
from tests.fakes.slack_fake import FakeSlack

ADMIN = "U0ADMIN"
MEMBER = "U0MEMBER"
GROUPIE = "U0GROUPIE"
ADMIN_GROUP = "S0PARLEYADM"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    fake.add_user(ADMIN, admin=True)
    fake.add_user(MEMBER)
    fake.add_user(GROUPIE)
    fake.usergroups[ADMIN_GROUP] = [GROUPIE]
    fake.add_channel("C0GENERAL", "general")
    fake.add_channel("C0UPDATES", "peace-talks")
    await fake.start()
    yield fake
    await fake.close()


@dataclass
class Bolt:
    core: FakeCore
    server: SlackHttpServer
    admin_groups: dict[str, str]


@pytest.fixture
async def bolt(slack: FakeSlack) -> AsyncIterator[Bolt]:
    core = FakeCore()
    admin_groups: dict[str, str] = {}

    async def lookup(team_id: str) -> str | None:
        return admin_groups.get(team_id)

    app = build_slack_app(
        core,
        bot_token=slack.bot_token,
        signing_secret=slack.signing_secret,
        api_url=slack.api_url,
        admin_group_lookup=lookup,
    )
    server = await start_slack_http(app, "127.0.0.1", 0)
    yield Bolt(core, server, admin_groups)
    await server.close()
