"""A fake Discord on 127.0.0.1: enough REST and gateway for the real discord.py client.

Point discord.py at it with ``point_at(fake.api_base, fake.gateway_url)``. It logs every
REST request, stores messages per channel, enforces embed/message limits (400, code
50035), deduplicates ``enforce_nonce`` posts like Discord does, and can be scripted to
answer the next message posts with 429s or 5xx. Interactions are pushed over the
gateway with ``dispatch_command`` / ``dispatch_autocomplete`` / ``dispatch_button``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes import discord_payloads as p
from tests.fakes.discord_fake_interactions import FakeInteraction, InteractionEndpoints
from tests.fakes.discord_payloads import invalid_form, json_response


@dataclass
class RecordedRequest:
    method: str
    path: str  # after /api/v10
    query: dict[str, str]
    json: Any


@dataclass
class _Failure:
    status: int
    retry_after: float = 0.01
    via: bool = True
    create_first: bool = False  # store the message, then fail (a lost response)
    hang: bool = False  # store the message, then never answer (a crash mid-request)


class FakeDiscord(InteractionEndpoints):
    """REST + gateway fake; use ``async with FakeDiscord() as fake``."""

    def __init__(self, *, nonce_ttl: float = 300.0) -> None:
        self.nonce_ttl = nonce_ttl
        self.requests: list[RecordedRequest] = []
        self.messages: dict[int, list[dict[str, Any]]] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.interactions: dict[str, FakeInteraction] = {}
        self.identifies: list[dict[str, Any]] = []
        self._ids = itertools.count(1_400_000_000_000_000_000)
        self._nonces: dict[tuple[int, str], tuple[float, dict[str, Any]]] = {}
        self._failures: deque[_Failure] = deque()
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = 0
        self._changed = asyncio.Condition()
        self._released = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------
    async def __aenter__(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._released.set()
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- scripting ---------------------------------------------------------------------
    def fail_next_posts(self, status: int, times: int = 1, **options: Any) -> None:
        """Answer the next ``times`` message posts with ``status`` (see ``_Failure``)."""
        self._failures.extend(_Failure(status, **options) for _ in range(times))

    def posts(self, channel_id: int | None = None) -> list[RecordedRequest]:
        """Every message-create request, optionally to one channel."""
        channel = str(channel_id) if channel_id is not None else r"\d+"
        pattern = re.compile(rf"/channels/{channel}/messages")
        return [r for r in self.requests if r.method == "POST" and pattern.fullmatch(r.path)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` holds after some request (a hang guard, not a timing test)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- gateway ---------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        # Plain text frames: discord.py only decompresses binary ones.
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            await self._on_gateway_message(ws, json.loads(msg.data))
        self._sockets.remove(ws)
        return ws

    async def _on_gateway_message(self, ws: web.WebSocketResponse, msg: dict[str, Any]) -> None:
        op = msg.get("op")
        if op == 1:
            await ws.send_str(json.dumps({"op": 11}))
        elif op == 2:
            self.identifies.append(msg["d"])
            await self._send_dispatch(
                "READY", p.ready(f"session-{len(self.identifies)}", self.gateway_url), ws
            )
            await self._send_dispatch("GUILD_CREATE", p.guild(), ws)
        elif op == 6:
            await self._send_dispatch("RESUMED", {}, ws)

    async def _send_dispatch(
        self, event: str, data: dict[str, Any], ws: web.WebSocketResponse | None = None
    ) -> None:
        target = ws or (self._sockets[-1] if self._sockets else None)
        if target is None:
            raise RuntimeError("no bot connected to the fake gateway")
        self._seq += 1
        await target.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    # -- REST --------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        body = await request.text()
        data = json.loads(body) if body and request.content_type == "application/json" else None
        path = "/" + request.match_info["tail"]
        self.requests.append(RecordedRequest(request.method, path, dict(request.query), data))
        try:
            return await self._route(request.method, path, data)
        finally:
            await self._notify()

    async def _route(self, method: str, path: str, data: Any) -> web.StreamResponse:
        routes: list[tuple[str, str, Callable[..., Any]]] = [
            ("GET", r"/users/@me", lambda: json_response(p.BOT_USER)),
            ("GET", r"/oauth2/applications/@me", lambda: json_response(p.application())),
            ("PUT", r"/applications/\d+/commands", lambda: self._sync(None, data)),
            ("PUT", r"/applications/\d+/guilds/(\d+)/commands", lambda g: self._sync(int(g), data)),
            ("POST", r"/channels/(\d+)/messages", lambda c: self._post_message(int(c), data)),
            (
                "GET",
                r"/channels/(\d+)",
                lambda c: json_response(p.text_channel(int(c), "general", 0)),
            ),
            ("GET", r"/guilds/(\d+)", lambda g: json_response(p.guild())),
            ("POST", r"/interactions/\d+/([^/]+)/callback", lambda t: self._callback(t, data)),
            ("POST", r"/webhooks/\d+/([^/]+)", lambda t: self._followup(t, data)),
            (
                "PATCH",
                r"/webhooks/\d+/([^/]+)/messages/([^/]+)",
                lambda t, m: self._edit(t, m, data),
            ),
            ("DELETE", r"/webhooks/\d+/([^/]+)/messages/([^/]+)", lambda t, m: self._delete(t, m)),
        ]
        for verb, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                result = handler(*match.groups())
                return await result if asyncio.iscoroutine(result) else result
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    def _sync(self, guild_id: int | None, commands: list[dict[str, Any]]) -> web.Response:
        stored = []
        for command in commands:
            entry = {
                **command,
                "id": str(next(self._ids)),
                "application_id": str(p.APP_ID),
                "version": "1",
                "type": command.get("type", 1),
            }
            if guild_id is not None:
                entry["guild_id"] = str(guild_id)
            stored.append(entry)
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        return json_response(stored)

    async def _post_message(self, channel_id: int, payload: dict[str, Any]) -> web.Response:
        if errors := p.message_errors(payload):
            return invalid_form(errors)
        failure = self._failures.popleft() if self._failures else None
        if failure is None or failure.create_first or failure.hang:
            message = self._create_or_dedupe(channel_id, payload)
        if failure is None:
            return json_response(message)
        if failure.hang:
            await self._notify()
            await self._released.wait()
        if failure.status == 429:
            headers = {"Via": "1.1 google"} if failure.via else {}
            body = {
                "message": "You are being rate limited.",
                "retry_after": failure.retry_after,
                "global": False,
            }
            return json_response(body, 429, {**headers, "Retry-After": str(failure.retry_after)})
        return json_response({"message": "Service unavailable", "code": 0}, failure.status)

    def _create_or_dedupe(self, channel_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        nonce = payload.get("nonce")
        key = (channel_id, str(nonce))
        if nonce is not None and payload.get("enforce_nonce"):
            seen = self._nonces.get(key)
            if seen and time.monotonic() - seen[0] < self.nonce_ttl:
                return seen[1]
        message = p.message(next(self._ids), channel_id, payload, author=p.BOT_USER)
        self.messages.setdefault(channel_id, []).append(message)
        if nonce is not None:
            self._nonces[key] = (time.monotonic(), message)
        return message
