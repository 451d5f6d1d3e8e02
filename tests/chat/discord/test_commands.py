"""Every slash command, through the real discord.py client and the fake Discord."""

from __future__ import annotations

import logging

import pytest

from bot.chat.discord.errors import GENERIC_FAILURE, GUILD_ONLY, NOT_FOUND
from bot.chat.discord.permissions import REFUSAL
from bot.chat.discord.render import untrusted
from tests.chat.discord.fake_handler import FakeCommandHandler, card, huge_reply, meetings_page
from tests.fakes import discord_payloads as p

CHANNEL = p.ChannelOption(p.UPDATES_CHANNEL_ID)
# (slash command, options sent by Discord, options the core must receive, admin only)
COMMANDS = [
    ("meetings", {}, {}, False),
    (
        "meetings",
        {"when": "past", "party": "Ukraine", "place": "Geneva"},
        {"when": "past", "party": "Ukraine", "place": "Geneva"},
        False,
    ),
    ("meeting", {"meeting": "geneva-2025-11-30"}, {"meeting": "geneva-2025-11-30"}, False),
    ("documents", {}, {}, False),
    ("document", {"document": "28-point plan"}, {"document": "28-point plan"}, False),
    ("timeline", {"days": 7}, {"days": 7}, False),
    ("timeline", {}, {}, False),
    ("next", {}, {}, False),
    ("search", {"text": "Witkoff"}, {"text": "Witkoff"}, False),
    ("digest", {}, {}, False),
    ("about", {}, {}, False),
    ("help", {}, {}, False),
    (
        "feeds add",
        {"url": "https://news.example/rss", "name": "Example"},
        {"url": "https://news.example/rss", "name": "Example"},
        True,
    ),
    ("feeds list", {}, {}, True),
    ("feeds pause", {"feed": "3"}, {"feed": "3"}, True),
    ("feeds resume", {"feed": "3"}, {"feed": "3"}, True),
    ("feeds remove", {"feed": "3"}, {"feed": "3"}, True),
    ("feeds why", {"url": "https://news.example/a"}, {"url": "https://news.example/a"}, True),
    ("config updates-channel", {"channel": CHANNEL}, {"channel": str(p.UPDATES_CHANNEL_ID)}, True),
    (
        "config digest-channel",
        {"channel": CHANNEL, "time": "08:30", "timezone": "Europe/Kyiv"},
        {"channel": str(p.UPDATES_CHANNEL_ID), "time": "08:30", "timezone": "Europe/Kyiv"},
        True,
    ),
    ("config admin-channel", {"channel": CHANNEL}, {"channel": str(p.UPDATES_CHANNEL_ID)}, True),
    (
        "config admin-role",
        {"role": p.RoleOption(p.ADMIN_ROLE_ID)},
        {"role": str(p.ADMIN_ROLE_ID)},
        True,
    ),
    ("config show", {}, {}, True),
]


@pytest.mark.parametrize(("name", "sent", "expected", "admin_only"), COMMANDS)
async def test_every_command_is_deferred_then_answered_in_a_follow_up(
    fake, bot, handler, name, sent, expected, admin_only
):
    ix = await fake.dispatch_command(name, sent, admin=True)
    await fake.wait_for(lambda: ix.answered)

    assert [c["type"] for c in ix.callbacks] == [5]  # deferred: acknowledged at once
    assert bool(ix.callbacks[0].get("data", {}).get("flags", 0) & p.EPHEMERAL) is admin_only
    request = handler.requests[-1]
    assert (request.name, request.options) == (name, expected)
    assert request.platform == "discord"
    assert request.workspace_id == str(p.GUILD_ID)
    assert request.channel_id == str(p.GENERAL_CHANNEL_ID)
    assert (request.actor.user_id, request.actor.is_admin) == (str(p.USER_ID), True)
    [message] = ix.visible()
    cards = meetings_page(1).cards if name == "meetings" else (card(name),)
    assert [e["title"] for e in message["embeds"]] == [untrusted(c.title) for c in cards]
    followup = next(r for r in fake.requests if r.path.startswith("/webhooks/"))
    assert followup.json["allowed_mentions"] == {"parse": []}


async def test_article_text_is_escaped_in_answers(fake, bot):
    ix = await fake.dispatch_command("meeting", {"meeting": "geneva"})
    await fake.wait_for(lambda: ix.answered)

    [embed] = ix.visible()[0]["embeds"]
    assert embed["title"] == "meeting: Talks in Geneva @\u200beveryone \\*\\*held\\*\\*"
    assert "\\*\\*Breaking\\*\\* @\u200beveryone" in embed["description"]
    assert "\\[click here](https://evil.example/phish)" in embed["description"]
    assert embed["fields"][2]["value"].endswith("said @\u200bhere")
    assert embed["url"] == "https://news.example/2025/11/30/geneva-talks"


@pytest.mark.parametrize("name", ["feeds add", "feeds remove", "config show", "config admin-role"])
async def test_non_admin_gets_an_ephemeral_refusal_and_the_attempt_is_logged(
    fake, bot, handler, caplog, name
):
    options = {
        "feeds add": {"url": "https://x.example/rss"},
        "feeds remove": {"feed": "1"},
        "config show": {},
        "config admin-role": {"role": p.RoleOption(p.OTHER_ROLE_ID)},
    }[name]
    caplog.set_level(logging.WARNING, logger="bot.chat.discord.permissions")

    ix = await fake.dispatch_command(name, options, admin=False, roles=(p.OTHER_ROLE_ID,))
    await fake.wait_for(lambda: ix.answered)

    assert handler.requests == []
    assert ix.callbacks[0].get("data", {}).get("flags", 0) & p.EPHEMERAL
    [message] = ix.visible()
    assert message["content"] == REFUSAL
    assert message["flags"] & p.EPHEMERAL
    [record] = [r for r in caplog.records if "refused admin command" in r.getMessage()]
    assert str(p.USER_ID) in record.getMessage() and repr(name) in record.getMessage()


async def test_configured_admin_role_may_run_admin_commands(fake, bot, handler, admin_roles):
    admin_roles[str(p.GUILD_ID)] = str(p.ADMIN_ROLE_ID)

    ix = await fake.dispatch_command("feeds list", admin=False, roles=(p.ADMIN_ROLE_ID,))
    await fake.wait_for(lambda: ix.answered)

    assert handler.requests[-1].name == "feeds list"
    assert handler.requests[-1].actor.is_admin is True


async def test_a_different_role_is_not_the_admin_role(fake, bot, handler, admin_roles):
    admin_roles[str(p.GUILD_ID)] = str(p.ADMIN_ROLE_ID)

    ix = await fake.dispatch_command("feeds list", admin=False, roles=(p.OTHER_ROLE_ID,))
    await fake.wait_for(lambda: ix.answered)

    assert handler.requests == []
    assert ix.visible()[0]["content"] == REFUSAL


async def test_everyone_commands_tell_the_core_who_is_not_an_admin(fake, bot, handler):
    ix = await fake.dispatch_command("next", admin=False)
    await fake.wait_for(lambda: ix.answered)

    assert handler.requests[-1].actor.is_admin is False
    assert ix.callbacks[0].get("data", {}).get("flags", 0) == 0  # public answer


async def test_an_oversized_answer_is_cut_to_discord_limits(fake, bot, handler):
    handler.replies["documents"] = huge_reply()

    ix = await fake.dispatch_command("documents")
    await fake.wait_for(lambda: len(ix.visible()) == 12)

    # The fake answers 400/50035 past any limit, so arriving at all proves the limits.
    # Each embed is cut to 6,000 characters, so one fits per message.
    messages = ix.visible()
    assert [len(m["embeds"]) for m in messages] == [1] * 12
    for message in messages:
        assert p.message_errors(message) == []
        [embed] = message["embeds"]
        assert len(embed["title"]) == 256 and embed["title"].endswith("…")
        assert embed["fields"][-1]["name"] == "…"
        assert p.embed_size(embed) <= 6000


async def test_a_private_error_reply_replaces_the_public_placeholder(fake, bot):
    ix = await fake.dispatch_command("search", {"text": "fail"})
    await fake.wait_for(lambda: ix.answered and ix.original_deleted)

    [message] = ix.visible()
    assert message["content"] == "Nothing matches “fail”."
    assert message["flags"] & p.EPHEMERAL


async def test_commands_in_direct_messages_are_refused(fake, bot, handler):
    ix = await fake.dispatch_command("next", in_guild=False)
    await fake.wait_for(lambda: bool(ix.callbacks))

    assert ix.callbacks[0]["type"] == 4
    assert ix.callbacks[0]["data"]["content"] == GUILD_ONLY
    assert ix.callbacks[0]["data"]["flags"] & p.EPHEMERAL
    assert handler.requests == []


class ExplodingHandler(FakeCommandHandler):
    async def handle(self, request):
        raise RuntimeError("database is locked")


async def test_a_failing_command_is_logged_with_traceback_and_told_privately(fake, clients, caplog):
    clients.handler = ExplodingHandler()
    await clients.start()
    caplog.set_level(logging.ERROR, logger="bot.chat.discord.errors")

    ix = await fake.dispatch_command("digest")
    await fake.wait_for(lambda: ix.answered and ix.original_deleted)

    [message] = ix.visible()
    assert message["content"] == GENERIC_FAILURE
    assert message["flags"] & p.EPHEMERAL  # the public placeholder was removed, not filled
    [record] = [r for r in caplog.records if "failed" in r.getMessage()]
    assert record.exc_info is not None
    assert "database is locked" in str(record.exc_info[1].__cause__ or record.exc_info[1])


async def test_a_command_discord_knows_but_the_bot_does_not_is_explained(fake, bot, handler):
    ix = await fake.dispatch_command("obsolete-command")
    await fake.wait_for(lambda: bool(ix.callbacks))

    assert ix.callbacks[0]["data"]["content"] == NOT_FOUND
    assert handler.requests == []


class AckCheckingHandler(FakeCommandHandler):
    """Notes, when the core is asked, whether Discord already had its acknowledgement."""

    def __init__(self, fake) -> None:
        super().__init__()
        self.fake = fake
        self.acknowledged_before_work: list[bool] = []

    async def handle(self, request):
        pending = [ix for ix in self.fake.interactions.values() if ix.type == 2]
        self.acknowledged_before_work.append(all(ix.callbacks for ix in pending))
        return await super().handle(request)


@pytest.mark.parametrize("name", ["meetings", "feeds list"])
async def test_the_interaction_is_acknowledged_before_the_core_does_any_work(fake, clients, name):
    clients.handler = AckCheckingHandler(fake)
    await clients.start()

    ix = await fake.dispatch_command(name, admin=True)
    await fake.wait_for(lambda: ix.answered)

    assert clients.handler.acknowledged_before_work == [True]
