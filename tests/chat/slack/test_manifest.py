"""The Slack app manifest an admin pastes: it must parse and match what the code needs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.chat.slack.app import COMMAND, EVENTS_PATH
from bot.chat.slack.commands import USAGE

MANIFEST = Path(__file__).resolve().parents[3] / "config" / "slack-manifest.yaml"


def _manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_declares_the_one_parley_command() -> None:
    [command] = _manifest()["features"]["slash_commands"]
    assert command["command"] == COMMAND == "/parley"
    assert command["url"].startswith("https://") and command["url"].endswith(EVENTS_PATH)
    assert command["should_escape"] is True  # the parser relies on <#C…> and <!subteam^…>
    assert len(command["description"]) <= 100


def test_usage_hint_names_every_subcommand_the_parser_knows() -> None:
    hint = _manifest()["features"]["slash_commands"][0]["usage_hint"]
    subcommands = set(re.findall(r"/parley (\w+)", USAGE))
    assert subcommands == {
        "meetings", "meeting", "documents", "document", "timeline", "next",
        "search", "digest", "about", "help", "feeds", "config",
    }  # fmt: skip
    assert all(re.search(rf"\b{name}\b", hint) for name in subcommands)


def test_manifest_requests_the_scopes_the_adapter_calls_need() -> None:
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])
    assert {
        "commands",
        "chat:write",
        "chat:write.public",
        "channels:read",
        "groups:read",
        "users:read",
        "usergroups:read",
        "channels:history",
        "groups:history",
        "channels:join",
    } <= scopes


def test_manifest_supports_both_connection_modes() -> None:
    manifest = _manifest()
    settings = manifest["settings"]
    assert isinstance(settings["socket_mode_enabled"], bool)
    assert settings["interactivity"]["request_url"].endswith(EVENTS_PATH)
    assert manifest["features"]["bot_user"]["display_name"] == "Parley"
    assert 175 <= len(manifest["display_information"]["long_description"]) <= 4000
