"""Autocomplete answers come from the core, trimmed to what Discord accepts."""

from __future__ import annotations

import pytest

from tests.fakes import discord_payloads as p


@pytest.mark.parametrize(
    ("name", "options", "focused", "core_command"),
    [
        ("meeting", {"meeting": "gen"}, "meeting", "meeting"),
        ("document", {"document": "28"}, "document", "document"),
        ("meetings", {"when": "past", "party": "Ukr"}, "party", "meetings"),
        ("meetings", {"place": "Ge"}, "place", "meetings"),
        ("feeds pause", {"feed": "kyiv"}, "feed", "feeds pause"),
        ("feeds resume", {"feed": "kyiv"}, "feed", "feeds resume"),
        ("feeds remove", {"feed": "kyiv"}, "feed", "feeds remove"),
        (
            "config digest-channel",
            {"channel": p.ChannelOption(p.UPDATES_CHANNEL_ID), "timezone": "Europe/K"},
            "timezone",
            "config digest-channel",
        ),
    ],
)
async def test_autocomplete_is_answered_with_at_most_25_valid_choices(
    fake, bot, handler, name, options, focused, core_command
):
    ix = await fake.dispatch_autocomplete(name, options, focused=focused)
    await fake.wait_for(lambda: ix.answered)

    [callback] = ix.callbacks
    assert callback["type"] == 8
    choices = callback["data"]["choices"]
    # The core offered 31: one with a 150-character value (skipped), then 30 (capped).
    assert len(choices) == 25
    assert choices[0]["value"] == f"{focused}-0"
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    assert choices[0]["name"].endswith("…")
    assert handler.completions == [(core_command, focused, str(options[focused]), str(p.GUILD_ID))]
    assert handler.requests == []
