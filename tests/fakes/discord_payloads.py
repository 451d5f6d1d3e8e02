"""Payloads the fake Discord sends, and the limits it enforces on what it receives.

Shapes follow discord.py 2.7's parsers (state.py, interactions.py, message.py): only
fields those parsers read are required, but realistic extras are included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

APP_ID = 1_100_000_000_000_000_001
BOT_ID = APP_ID  # a bot user shares its application's id
GUILD_ID = 1_200_000_000_000_000_001
GENERAL_CHANNEL_ID = 1_200_000_000_000_000_010
UPDATES_CHANNEL_ID = 1_200_000_000_000_000_011
ADMIN_ROLE_ID = 1_200_000_000_000_000_020
OTHER_ROLE_ID = 1_200_000_000_000_000_021
USER_ID = 1_300_000_000_000_000_001

VIEW_CHANNEL_SEND = 0x400 | 0x800 | 0x4000 | 0x80000000  # view, send, embed links, use app commands
MANAGE_GUILD = 0x20
EPHEMERAL = 64
LOADING = 128

OPTION_TYPES = {bool: 5, int: 4, str: 3}


@dataclass(frozen=True)
class ChannelOption:
    """A channel picked in a slash-command option."""

    id: int
    name: str = "updates"


@dataclass(frozen=True)
class RoleOption:
    """A role picked in a slash-command option."""

    id: int
    name: str = "Parley admins"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = {**user(BOT_ID, "parley", bot=True), "verified": True, "mfa_enabled": False, "flags": 0}


def application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "Parley",
        "description": "Peace-talks tracker",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": user(USER_ID, "owner"),
        "verify_key": "0" * 64,
        "flags": 0,
        "team": None,
    }


def text_channel(channel_id: int, name: str, position: int) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
    }


def role(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "hoist": False,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def guild() -> dict[str, Any]:
    return {
        "id": str(GUILD_ID),
        "name": "Talks watchers",
        "icon": None,
        "owner_id": str(USER_ID + 99),
        "unavailable": False,
        "large": False,
        "member_count": 3,
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [
            role(GUILD_ID, "@everyone", VIEW_CHANNEL_SEND, 0),
            role(ADMIN_ROLE_ID, "Parley admins", VIEW_CHANNEL_SEND, 1),
            role(OTHER_ROLE_ID, "Readers", VIEW_CHANNEL_SEND, 2),
        ],
        "channels": [
            text_channel(GENERAL_CHANNEL_ID, "general", 0),
            text_channel(UPDATES_CHANNEL_ID, "talks-updates", 1),
        ],
        "members": [member(BOT_USER, roles=(), permissions=None)],
        "threads": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "preferred_locale": "en-US",
        "joined_at": "2025-01-01T00:00:00+00:00",
    }


def member(user_data: dict[str, Any], *, roles: tuple[int, ...], permissions: int | None) -> dict:
    data: dict[str, Any] = {
        "user": user_data,
        "roles": [str(r) for r in roles],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "avatar": None,
        "pending": False,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def ready(session_id: str, resume_url: str) -> dict[str, Any]:
    return {
        "v": 10,
        "user": BOT_USER,
        "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "application": {"id": str(APP_ID), "flags": 0},
        "private_channels": [],
        "relationships": [],
    }


def message(
    message_id: int, channel_id: int, payload: dict[str, Any], *, author: dict, flags: int = 0
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "guild_id": str(GUILD_ID),
        "author": author,
        "content": payload.get("content") or "",
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": payload.get("embeds") or [],
        "components": payload.get("components") or [],
        "pinned": False,
        "type": 19 if payload.get("message_reference") else 0,
        "flags": flags,
    }
    if payload.get("nonce") is not None:
        data["nonce"] = payload["nonce"]
    if payload.get("message_reference"):
        data["message_reference"] = payload["message_reference"]
    return data


def command_options(
    path: list[str], options: dict[str, Any], focused: str | None
) -> tuple[list[dict], dict]:
    """Build nested interaction options for a command path like ``["feeds", "add"]``."""
    resolved: dict[str, dict[str, Any]] = {}
    leaf: list[dict[str, Any]] = []
    for name, value in options.items():
        if isinstance(value, ChannelOption):
            resolved.setdefault("channels", {})[str(value.id)] = {
                "id": str(value.id),
                "name": value.name,
                "type": 0,
                "permissions": "0",
            }
            option = {"name": name, "type": 7, "value": str(value.id)}
        elif isinstance(value, RoleOption):
            resolved.setdefault("roles", {})[str(value.id)] = role(value.id, value.name, 0, 1)
            option = {"name": name, "type": 8, "value": str(value.id)}
        else:
            option = {"name": name, "type": OPTION_TYPES[type(value)], "value": value}
        if name == focused:
            option.update(focused=True, type=3, value=str(value))
        leaf.append(option)
    for sub in reversed(path[1:]):
        leaf = [{"name": sub, "type": 1, "options": leaf}]
    return leaf, resolved


def embed_errors(embed: dict[str, Any]) -> list[str]:
    """Return which of Discord's per-embed limits ``embed`` breaks."""
    errors = []
    limits = {"title": 256, "description": 4096}
    for key, limit in limits.items():
        if len(embed.get(key) or "") > limit:
            errors.append(f"{key} longer than {limit}")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        errors.append("more than 25 fields")
    for f in fields:
        if not f.get("name") or len(f["name"]) > 256:
            errors.append("field name empty or longer than 256")
        if not f.get("value") or len(f["value"]) > 1024:
            errors.append("field value empty or longer than 1024")
    if len((embed.get("footer") or {}).get("text") or "") > 2048:
        errors.append("footer longer than 2048")
    url = embed.get("url")
    if url and (urlsplit(url).scheme not in ("http", "https") or len(url) > 2048):
        errors.append("url not a valid http(s) URL")
    return errors


def embed_size(embed: dict[str, Any]) -> int:
    fields = sum(
        len(f.get("name", "")) + len(f.get("value", "")) for f in embed.get("fields") or []
    )
    footer = len((embed.get("footer") or {}).get("text") or "")
    author = len((embed.get("author") or {}).get("name") or "")
    return (
        len(embed.get("title") or "")
        + len(embed.get("description") or "")
        + fields
        + footer
        + author
    )


def message_errors(payload: dict[str, Any], *, edit: bool = False) -> list[str]:
    """Return which message limits ``payload`` breaks (Discord answers 400/50035)."""
    errors = []
    content = payload.get("content") or ""
    embeds = payload.get("embeds") or []
    if len(content) > 2000:
        errors.append("content longer than 2000")
    if len(embeds) > 10:
        errors.append("more than 10 embeds")
    for embed in embeds:
        errors.extend(embed_errors(embed))
    if sum(embed_size(e) for e in embeds) > 6000:
        errors.append("embeds longer than 6000 in total")
    if not edit and not content and not embeds and not payload.get("components"):
        errors.append("empty message")
    return errors


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response discord.py will decode (it wants exactly "application/json")."""
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def invalid_form(errors: list[str]) -> web.Response:
    """Discord's answer to a payload past its limits."""
    return json_response({"code": 50035, "message": "Invalid Form Body", "errors": errors}, 400)
