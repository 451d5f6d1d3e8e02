"""The interaction half of the fake Discord: sending interactions, and the endpoints
the bot answers them through (callback, follow-ups, edits of the original response).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes import discord_payloads as p
from tests.fakes.discord_payloads import invalid_form, json_response


@dataclass
class FakeInteraction:
    """One interaction sent to the bot and everything the bot answered to it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)  # original + follow-ups
    edits: list[dict[str, Any]] = field(default_factory=list)
    original_id: str | None = None
    original_deleted: bool = False

    @property
    def answered(self) -> bool:
        """True once the bot sent something visible (or autocomplete choices)."""
        if self.type == 4:
            return bool(self.callbacks)
        return bool(self.edits) or any(not m["flags"] & p.LOADING for m in self.messages)

    def visible(self) -> list[dict[str, Any]]:
        """Messages the user sees, without the deleted or still-loading original."""
        return [
            m
            for m in self.messages
            if not (m["flags"] & p.LOADING)
            and not (self.original_deleted and m["id"] == self.original_id)
        ]


class InteractionEndpoints:
    """Mixed into ``FakeDiscord``: interactions it sends and the bot's answers to them."""

    interactions: dict[str, FakeInteraction]
    messages: dict[int, list[dict[str, Any]]]
    global_commands: list[dict[str, Any]]
    guild_commands: dict[int, list[dict[str, Any]]]
    _ids: itertools.count

    async def _send_dispatch(self, event: str, data: dict[str, Any]) -> None:
        raise NotImplementedError  # provided by FakeDiscord

    # -- interactions ----------------------------------------------------------------
    async def dispatch_command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        admin: bool = False,
        roles: tuple[int, ...] = (),
        focused: str | None = None,
        channel_id: int = p.GENERAL_CHANNEL_ID,
        in_guild: bool = True,
    ) -> FakeInteraction:
        """Send a slash command (type 2), or autocomplete (type 4) when ``focused`` is set."""
        path = name.split()
        leaf, resolved = p.command_options(path, options or {}, focused)
        data = {"id": str(self._command_id(path[0])), "name": path[0], "type": 1, "options": leaf}
        if resolved:
            data["resolved"] = resolved
        itype = 4 if focused else 2
        return await self._dispatch(
            itype, data, admin=admin, roles=roles, channel_id=channel_id, in_guild=in_guild
        )

    async def dispatch_autocomplete(
        self, name: str, options: dict[str, Any], focused: str, **kwargs: Any
    ) -> FakeInteraction:
        """Send an autocomplete request while the user types ``options[focused]``."""
        return await self.dispatch_command(name, options, focused=focused, **kwargs)

    async def dispatch_button(
        self, message: dict[str, Any], custom_id: str, **kwargs: Any
    ) -> FakeInteraction:
        """Click the button ``custom_id`` on ``message`` (type 3)."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._dispatch(3, data, message=message, **kwargs)

    async def _dispatch(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        admin: bool = False,
        roles: tuple[int, ...] = (),
        channel_id: int = p.GENERAL_CHANNEL_ID,
        in_guild: bool = True,
        message: dict[str, Any] | None = None,
    ) -> FakeInteraction:
        iid = next(self._ids)
        token = f"token-{iid}"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(p.APP_ID),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "app_permissions": str(p.VIEW_CHANNEL_SEND),
            "attachment_size_limit": 26_214_400,
            "channel_id": str(channel_id),
            "channel": p.text_channel(channel_id, "general", 0),
        }
        perms = p.VIEW_CHANNEL_SEND | (p.MANAGE_GUILD if admin else 0)
        reader = p.user(p.USER_ID, "reader")
        if in_guild:
            payload.update(
                guild_id=str(p.GUILD_ID),
                guild_locale="en-US",
                context=0,
                guild={"id": str(p.GUILD_ID), "locale": "en-US", "features": []},
                member=p.member(reader, roles=roles, permissions=perms),
                authorizing_integration_owners={"0": str(p.GUILD_ID)},
            )
        else:
            payload.update(user=reader, context=1, channel={"id": str(channel_id), "type": 1})
        if message is not None:
            payload["message"] = message
        interaction = FakeInteraction(iid, token, itype, payload)
        if message is not None:
            interaction.original_id = message["id"]
        self.interactions[token] = interaction
        await self._send_dispatch("INTERACTION_CREATE", payload)
        return interaction

    def _command_id(self, name: str) -> int:
        for command in itertools.chain(self.global_commands, *self.guild_commands.values()):
            if command["name"] == name:
                return int(command["id"])
        return p.APP_ID + 1000 + sum(map(ord, name))

    # -- endpoints ---------------------------------------------------------------------
    def _interaction_message(self, interaction: FakeInteraction, payload: dict, flags: int) -> dict:
        channel_id = int(interaction.payload["channel_id"])
        message = p.message(next(self._ids), channel_id, payload, author=p.BOT_USER, flags=flags)
        message["webhook_id"] = str(p.APP_ID)
        interaction.messages.append(message)
        if not flags & p.EPHEMERAL:
            self.messages.setdefault(channel_id, []).append(message)
        return message

    def _callback(self, token: str, body: dict[str, Any]) -> web.Response:
        interaction = self.interactions.get(token)
        if interaction is None:
            return json_response({"message": "Unknown interaction", "code": 10062}, 404)
        if interaction.callbacks:
            return json_response(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        kind, data = body["type"], body.get("data") or {}
        if kind in (4, 7) and (errors := p.message_errors(data, edit=kind == 7)):
            return invalid_form(errors)
        if kind == 8 and not _valid_choices(data.get("choices", [])):
            return invalid_form(["bad autocomplete choices"])
        interaction.callbacks.append(body)
        flags = data.get("flags", 0) & p.EPHEMERAL
        info: dict[str, Any] = {"id": str(interaction.id), "type": interaction.type}
        result: dict[str, Any] = {"interaction": info}
        if kind in (4, 5):
            loading = p.LOADING if kind == 5 else 0
            message = self._interaction_message(interaction, data, flags | loading)
            interaction.original_id = message["id"]
            info.update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(flags),
            )
            result["resource"] = {"type": kind, "message": message}
        elif kind == 7:
            interaction.edits.append(data)
        return json_response(result)

    def _followup(self, token: str, payload: dict[str, Any]) -> web.Response:
        interaction = self.interactions.get(token)
        if interaction is None or not interaction.callbacks:
            return json_response({"message": "Unknown Webhook", "code": 10015}, 404)
        if errors := p.message_errors(payload):
            return invalid_form(errors)
        original = self._find(interaction, interaction.original_id)
        if (
            original is not None
            and original["flags"] & p.LOADING
            and not interaction.original_deleted
        ):
            # The first follow-up after a deferral replaces the "thinking…" message.
            original.update(
                p.message(
                    int(original["id"]),
                    int(original["channel_id"]),
                    payload,
                    author=p.BOT_USER,
                    flags=original["flags"] & ~p.LOADING,
                )
            )
            original["webhook_id"] = str(p.APP_ID)
            return json_response(original)
        flags = payload.get("flags", 0) & p.EPHEMERAL
        return json_response(self._interaction_message(interaction, payload, flags))

    def _edit(self, token: str, message_id: str, payload: dict[str, Any]) -> web.Response:
        interaction = self.interactions.get(token)
        if interaction is None:
            return json_response({"message": "Unknown Webhook", "code": 10015}, 404)
        if errors := p.message_errors(payload, edit=True):
            return invalid_form(errors)
        target_id = interaction.original_id if message_id == "@original" else message_id
        message = self._find(interaction, target_id)
        if message is None:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        message.update(
            {k: v for k, v in payload.items() if k in ("content", "embeds", "components")}
        )
        message["flags"] &= ~p.LOADING
        message["edited_timestamp"] = p.now_iso()
        interaction.edits.append(payload)
        return json_response(message)

    def _delete(self, token: str, message_id: str) -> web.Response:
        interaction = self.interactions.get(token)
        if interaction is None or message_id != "@original":
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        interaction.original_deleted = True
        for messages in self.messages.values():
            messages[:] = [m for m in messages if m["id"] != interaction.original_id]
        return web.Response(status=204)

    def _find(self, interaction: FakeInteraction, message_id: str | None) -> dict | None:
        every = [i.messages for i in self.interactions.values()]
        candidates = itertools.chain(interaction.messages, *every, *self.messages.values())
        return next((m for m in candidates if m["id"] == message_id), None)


def _valid_choices(choices: list[dict[str, Any]]) -> bool:
    return len(choices) <= 25 and all(
        1 <= len(c["name"]) <= 100 and 1 <= len(str(c["value"])) <= 100 for c in choices
    )
