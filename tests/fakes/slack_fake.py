"""A fake Slack on 127.0.0.1: Web API, response_url receiver, Socket Mode, signed requests.

It keeps real state (channels, messages with metadata, users, user groups), checks the
bearer token, and can be scripted to answer 429 with Retry-After or to fail after
storing a message (the "did it post?" case). Every call lands in ``requests``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web


@dataclass
class Failure:
    """A scripted failure for the next ``times`` calls of one Web API method."""

    status: int
    error: str
    retry_after: int | None = None
    times: int = 1
    after_storing: bool = False  # chat.postMessage: store the message, then fail
    # status 0: drop the connection without an answer (the client sees a disconnect)


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    token: str


@dataclass
class FakeSlack:
    """State and scripting for one fake workspace."""

    bot_token: str = "xoxb-test-token"
    app_token: str = "xapp-test-token"
    signing_secret: str = "test-signing-secret"
    team_id: str = "T0PARLEY"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[ApiCall] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._changed = asyncio.Condition()
        self.port = 0

    # ---- setup -------------------------------------------------------------------

    def add_user(self, user_id: str, *, admin: bool = False, owner: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": user_id.lower(),
            "is_admin": admin,
            "is_owner": owner,
        }

    def add_channel(self, channel_id: str, name: str, *, member: bool = True) -> None:
        self.channels[channel_id] = {"id": channel_id, "name": name, "is_member": member}
        self.messages.setdefault(channel_id, [])

    def fail(self, method: str, failure: Failure) -> None:
        """Script ``failure`` for the next call(s) of ``method``."""
        self.failures.setdefault(method, []).append(failure)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    @property
    def connected_sockets(self) -> int:
        return len(self._sockets)

    def response_url(self, name: str = "r") -> str:
        return f"{self.url}/response/{name}-{next(self._ts)}"

    def calls(self, method: str) -> list[ApiCall]:
        return [call for call in self.requests if call.method == method]

    # ---- lifecycle -------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner:
            await self._runner.cleanup()

    async def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` holds; the timeout only stops a broken test hanging."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---- Web API ---------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.requests.append(ApiCall(method, params, token))
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return _json({"ok": False, "error": "invalid_auth"})
        scripted = self.failures.get(method)
        failure = scripted[0] if scripted else None
        if failure:
            failure.times -= 1
            if failure.times <= 0:
                scripted.pop(0)
            if not failure.after_storing and failure.status:
                return _failure(failure)
            if not failure.after_storing:
                request.transport.close()  # type: ignore[union-attr]
                return _failure(failure)
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return _json({"ok": False, "error": "unknown_method"})
        response = handler(params)
        await self._notify()
        if failure and failure.status == 0:
            assert request.transport is not None
            request.transport.close()
        return _failure(failure) if failure else response

    def _m_auth_test(self, params: dict[str, Any]) -> web.Response:
        return _json(
            {
                "ok": True,
                "team_id": self.team_id,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team": "Parley",
            }
        )

    def _m_apps_connections_open(self, params: dict[str, Any]) -> web.Response:
        return _json({"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"})

    def _m_users_info(self, params: dict[str, Any]) -> web.Response:
        user = self.users.get(params.get("user", ""))
        return _json(
            {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        )

    def _m_usergroups_users_list(self, params: dict[str, Any]) -> web.Response:
        users = self.usergroups.get(params.get("usergroup", ""))
        if users is None:
            return _json({"ok": False, "error": "no_such_subteam"})
        return _json({"ok": True, "users": users})

    def _m_conversations_info(self, params: dict[str, Any]) -> web.Response:
        channel = self.channels.get(params.get("channel", ""))
        return _json(
            {"ok": True, "channel": channel}
            if channel
            else {"ok": False, "error": "channel_not_found"}
        )

    def _m_conversations_join(self, params: dict[str, Any]) -> web.Response:
        channel = self.channels.get(params.get("channel", ""))
        if channel is None:
            return _json({"ok": False, "error": "channel_not_found"})
        channel["is_member"] = True
        return _json({"ok": True, "channel": channel})

    def _m_chat_postMessage(self, params: dict[str, Any]) -> web.Response:
        channel_id = params.get("channel", "")
        if channel_id not in self.channels:
            return _json({"ok": False, "error": "channel_not_found"})
        message = {
            "type": "message",
            "ts": f"{int(time.time())}.{next(self._ts):06d}",  # real Slack ts: epoch seconds
            "user": "UBOT",
            "text": params.get("text", ""),
            "blocks": params.get("blocks", []),
            "params": params,
        }
        if params.get("metadata"):
            message["metadata"] = params["metadata"]
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        self.messages[channel_id].append(message)
        return _json({"ok": True, "channel": channel_id, "ts": message["ts"], "message": message})

    def _history_access(self, channel_id: str) -> web.Response | None:
        channel = self.channels.get(channel_id)
        if channel is None:
            return _json({"ok": False, "error": "channel_not_found"})
        if not channel["is_member"]:
            return _json({"ok": False, "error": "not_in_channel"})
        return None

    def _m_conversations_history(self, params: dict[str, Any]) -> web.Response:
        channel_id = params.get("channel", "")
        if denied := self._history_access(channel_id):
            return denied
        oldest = float(params.get("oldest", 0) or 0)
        top = [
            m for m in self.messages[channel_id] if "thread_ts" not in m and float(m["ts"]) > oldest
        ]
        top = list(reversed(top))[: int(params.get("limit", 100))]  # newest first, like Slack
        return _json({"ok": True, "messages": _visible(top, params)})

    def _m_conversations_replies(self, params: dict[str, Any]) -> web.Response:
        channel_id = params.get("channel", "")
        if denied := self._history_access(channel_id):
            return denied
        ts = params.get("ts", "")
        thread = [m for m in self.messages[channel_id] if m["ts"] == ts or m.get("thread_ts") == ts]
        if not thread:
            return _json({"ok": False, "error": "thread_not_found"})
        return _json({"ok": True, "messages": _visible(thread, params)})

    # ---- response_url and Socket Mode ----------------------------------------------------

    async def _response(self, request: web.Request) -> web.Response:
        self.responses.append({"name": request.match_info["name"], "body": await request.json()})
        await self._notify()
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}
        )
        await self._notify()
        async for message in socket:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
                await self._notify()
        self._sockets.remove(socket)
        await self._notify()
        return socket

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        """Push a Socket Mode envelope to the connected client."""
        await self.wait_for(lambda: bool(self._sockets))
        await self._sockets[-1].send_json(envelope)

    # ---- signed slash commands ---------------------------------------------------------

    def command_payload(
        self, text: str, *, user_id: str, channel_id: str = "C0GENERAL"
    ) -> dict[str, str]:
        """The form fields Slack posts for ``/parley <text>``."""
        return {
            "token": "deprecated-verification-token",
            "team_id": self.team_id,
            "team_domain": "parley-test",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/parley",
            "text": text,
            "api_app_id": "A0PARLEY",
            "is_enterprise_install": "false",
            "response_url": self.response_url(),
            "trigger_id": "1.2.3",
        }

    def sign(
        self, body: str, timestamp: int | None = None, secret: str | None = None
    ) -> dict[str, str]:
        """Headers Slack would send: ``v0=HMAC_SHA256(secret, "v0:{ts}:{body}")``."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        key = (self.signing_secret if secret is None else secret).encode()
        digest = hmac.new(key, f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        return {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest}",
            "Content-Type": "application/x-www-form-urlencoded",
        }

    async def post_command(
        self,
        events_url: str,
        text: str,
        *,
        user_id: str,
        headers: dict[str, str] | None = None,
        **sign_kwargs: Any,
    ) -> tuple[int, str, str]:
        """Post a signed ``/parley`` request to bolt; return (status, body, response_url)."""
        payload = self.command_payload(text, user_id=user_id)
        body = urllib.parse.urlencode(payload)
        sent = headers if headers is not None else self.sign(body, **sign_kwargs)
        async with (
            aiohttp.ClientSession() as session,
            session.post(events_url, data=body, headers=sent) as response,
        ):
            return response.status, await response.text(), payload["response_url"]

    def response_for(self, response_url: str) -> dict[str, Any] | None:
        name = response_url.rsplit("/", 1)[1]
        found = [r["body"] for r in self.responses if r["name"] == name]
        return found[-1] if found else None

    async def wait_response(self, response_url: str) -> dict[str, Any]:
        await self.wait_for(lambda: self.response_for(response_url) is not None)
        return self.response_for(response_url) or {}


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        params.update(await request.json())
    else:
        params.update(dict(await request.post()))
    return params


def _visible(messages: list[dict[str, Any]], params: dict[str, Any]) -> list[dict[str, Any]]:
    """Slack returns message metadata only when ``include_all_metadata`` is set."""
    with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
    out = []
    for message in messages:
        shown = {k: v for k, v in message.items() if k != "params"}
        if not with_metadata:
            shown.pop("metadata", None)
        out.append(shown)
    return out


def _json(
    data: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(data), content_type="application/json", headers=headers
    )


def _failure(failure: Failure) -> web.Response:
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else None
    return _json({"ok": False, "error": failure.error}, status=failure.status, headers=headers)
