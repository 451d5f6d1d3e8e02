"""Platform-neutral command handlers: parse options → call the service → reply model.

Discord, Slack and the console all call :meth:`Commands.handle`; the answers are
the same everywhere. Bad input never raises: it returns an error reply.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Awaitable, Callable
from datetime import time as dtime
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.chat import views
from bot.chat.replies import Card, Choice, CommandRequest, Field, Reply
from bot.tracker.service import Tracker

log = logging.getLogger(__name__)
VERSION = "0.1.0"
PAGE_SIZE = 8
ADMIN_GROUPS = ("feeds", "config")
HELP = """Parley answers questions about the Ukraine–US–Russia peace talks.
/meetings [upcoming|past|all] [party] [place] — meetings with date, place, parties, status
/meeting <id or words> — one meeting with its status history and every cited source
/documents — every tracked document and its current status
/document <name> — a document's status timeline with quotes
/timeline [days] — what changed, newest first
/next — the next planned meeting
/search <text> — articles and facts matching the text
/digest — the digest for the last 24 hours
/about — what Parley tracks and how healthy its feeds are
Admins: /feeds add|list|pause|resume|remove|why, /config updates-channel|digest-channel|admin-channel|admin-role|show"""


class UsageError(ValueError):
    """A command argument is wrong; the message tells the user how to fix it."""


def error(message: str) -> Reply:
    return Reply(text=f"⚠ {message}", ephemeral=True, error=True)


class Commands:
    """The command layer shared by every chat platform."""

    def __init__(
        self,
        tracker: Tracker,
        outbox: Any,
        *,
        feeds: Any = None,
        feed_health: Callable[[], Awaitable[dict[str, int]]] | None = None,
        metrics: Any = None,
    ):
        self.tracker = tracker
        self.outbox = outbox
        self.feeds = feeds
        self.feed_health = feed_health
        self.metrics = metrics
        self._routes: dict[str, Callable[[CommandRequest], Awaitable[Reply]]] = {
            "meetings": self._meetings, "meeting": self._meeting, "documents": self._documents,
            "document": self._document, "timeline": self._timeline, "next": self._next,
            "search": self._search, "digest": self._digest, "about": self._about, "help": self._help,
            "config show": self._config_show, "config updates-channel": self._config_channel,
            "config digest-channel": self._config_channel, "config admin-channel": self._config_channel,
            "config admin-role": self._config_admin_role,
        }  # fmt: skip

    async def handle(self, request: CommandRequest) -> Reply:
        """Answer one command; bad input gives an error reply, never an exception."""
        started = time.perf_counter()
        name = request.name.strip().lower()
        try:
            if name.split(" ")[0] in ADMIN_GROUPS and not request.actor.is_admin:
                log.warning(
                    "refused admin command %r from %s on %s",
                    name,
                    request.actor.user_id,
                    request.platform,
                )
                return error(
                    "Only admins can do that (Manage Server permission or the admin role)."
                )
            if name.startswith("feeds"):
                return await self._feeds(name, request)
            route = self._routes.get(name)
            if route is None:
                return error(f"Unknown command {request.name!r}. Try /help.")
            return await route(request)
        except UsageError as exc:
            return error(str(exc))
        finally:
            if self.metrics is not None:
                self.metrics.observe_command(name, time.perf_counter() - started)

    async def complete(
        self, command: str, option: str, prefix: str, workspace_id: str
    ) -> list[Choice]:
        """Autocomplete meetings, documents and feeds."""
        if option == "meeting":
            found = await self.tracker.find_meetings(prefix, limit=25)
            return [Choice(views.meeting_line(m)[:100], str(m.id)) for m in found]
        if option == "document":
            docs = await self.tracker.documents()
            return [
                Choice(d.name[:100], d.key)
                for d in docs
                if prefix.lower() in (d.name + d.key).lower()
            ][:25]
        if option == "feed" and self.feeds is not None:
            return [
                Choice(f"{f.name or f.url}"[:100], str(f.id))
                for f in await self.feeds.search(prefix)
            ][:25]
        return []

    # --- everyone ---------------------------------------------------------------------

    async def _meetings(self, req: CommandRequest) -> Reply:
        when = str(req.options.get("when") or "upcoming").lower()
        if when not in ("upcoming", "past", "all"):
            raise UsageError(f"'when' must be upcoming, past or all (got {when!r}).")
        page = _int(req.options.get("page", 1), "page", 1, 10_000)
        items, total = await self.tracker.meetings(
            when, party=_opt(req, "party"), place=_opt(req, "place"), page=page, page_size=PAGE_SIZE
        )
        pages = max(1, math.ceil(total / PAGE_SIZE))
        return views.meetings_reply(items, total, when, min(page, pages), pages)

    async def _meeting(self, req: CommandRequest) -> Reply:
        query = _required(req, "meeting", "Which meeting? Give its #id or words like 'Abu Dhabi'.")
        meeting = None
        if query.lstrip("#").isdigit():
            meeting = await self.tracker.meeting(int(query.lstrip("#")))
        if meeting is None:
            found = await self.tracker.find_meetings(query, limit=1)
            meeting = await self.tracker.meeting(found[0].id) if found else None
        if meeting is None:
            return error(f"No meeting matches {query!r}. Try /meetings all.")
        return views.meeting_reply(meeting)

    async def _documents(self, req: CommandRequest) -> Reply:
        return views.documents_reply(await self.tracker.documents())

    async def _document(self, req: CommandRequest) -> Reply:
        query = _required(req, "document", "Which document? e.g. security guarantees.")
        docs = await self.tracker.documents()
        q = query.lower().replace("-", " ").replace("_", " ")
        match = next(
            (d for d in docs if q in (d.key.replace("_", " "), d.name.lower())), None
        ) or next((d for d in docs if q in d.name.lower() or q in d.key.replace("_", " ")), None)
        if match is None:
            known = ", ".join(d.name for d in docs) or "none yet"
            return error(f"No tracked document matches {query!r}. Known: {known}.")
        return views.document_reply(await self.tracker.document(match.key))

    async def _timeline(self, req: CommandRequest) -> Reply:
        days = _int(req.options.get("days", 7), "days", 1, 3650)
        return views.timeline_reply(await self.tracker.timeline(days), days)

    async def _next(self, req: CommandRequest) -> Reply:
        nxt = await self.tracker.next_meeting()
        if nxt is not None:
            return views.meeting_reply(await self.tracker.meeting(nxt.id))
        last = await self.tracker.last_held()
        tail = f" The last one held: {views.meeting_line(last)}" if last else ""
        return Reply(text=f"No upcoming meeting has been announced.{tail}")

    async def _search(self, req: CommandRequest) -> Reply:
        text = _required(req, "text", "Search for what? e.g. /search Abu Dhabi")
        if len(text) < 3:
            raise UsageError("Search needs at least 3 characters.")
        meetings = await self.tracker.find_meetings(text, limit=5)
        articles = await self.tracker.search(text)
        if not meetings and not articles:
            return Reply(text=f"Nothing matches {text!r}.")
        fields = (
            [Field("Meetings", "\n".join(views.meeting_line(m) for m in meetings))]
            if meetings
            else []
        )
        if articles:
            fields.append(
                Field(
                    "Articles",
                    "\n".join(
                        f"{views.day(a.published)} · {a.outlet or 'unknown outlet'}: {a.title}"
                        for a in articles
                    ),
                )
            )
        card = Card(title=f"Search: {text}", fields=tuple(fields))
        return Reply(
            text="\n".join([card.title, *(f"{f.name}:\n{f.value}" for f in fields)]), cards=(card,)
        )

    async def _digest(self, req: CommandRequest) -> Reply:
        now = self.tracker.clock.now()
        return views.digest_reply(await self.tracker.digest(now - timedelta(hours=24), now))

    async def _about(self, req: CommandRequest) -> Reply:
        counts = await self.tracker.counts()
        health = await self.feed_health() if self.feed_health else {}
        feeds = (
            ", ".join(f"{n} {state}" for state, n in sorted(health.items()))
            or "no feeds configured"
        )
        fields = (
            Field("Tracks", "Meetings between Ukraine, the United States and Russia, and the status of the negotiated documents"),
            Field("Store", f"{counts['relevant_articles']} relevant of {counts['articles']} articles · {counts['outlets']} outlets · {counts['meetings']} meetings · {counts['documents']} documents"),
            Field("Feeds", feeds),
        )  # fmt: skip
        card = Card(
            title=f"Parley {VERSION}",
            description="A cited record of the peace talks.",
            fields=fields,
        )
        return Reply(
            text="\n".join([card.title, *(f"{f.name}: {f.value}" for f in fields)]), cards=(card,)
        )

    async def _help(self, req: CommandRequest) -> Reply:
        return Reply(
            text=HELP, cards=(Card(title="Parley commands", description=HELP),), ephemeral=True
        )

    # --- admins -----------------------------------------------------------------------

    async def _feeds(self, name: str, req: CommandRequest) -> Reply:
        if self.feeds is None:
            return error("Feed management is not available in this mode.")
        return await self.feeds.command(name, req)

    async def _config_channel(self, req: CommandRequest) -> Reply:
        kind = req.name.split(" ")[1].removesuffix("-channel")
        channel = _required(req, "channel", "Which channel?")
        digest_time = timezone = None
        if kind == "digest":
            digest_time = str(req.options.get("time") or "08:00")
            try:
                dtime.fromisoformat(digest_time)
            except ValueError:
                raise UsageError(f"time must be HH:MM (got {digest_time!r}).") from None
            timezone = str(req.options.get("timezone") or "UTC")
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise UsageError(
                    f"unknown time zone {timezone!r}; use a name like Europe/Kyiv."
                ) from None
        await self.outbox.subscribe(
            req.platform, req.workspace_id, kind, channel,
            now=self.tracker.clock.now(), digest_time=digest_time, timezone=timezone,
        )  # fmt: skip
        quiet = req.options.get("quiet")
        if kind == "digest" and quiet is not None:
            quiet = _bool(quiet, "quiet")
            await self.outbox.set_workspace(req.platform, req.workspace_id, digest_skip_empty=quiet)
        extra = f" at {digest_time} {timezone}" if kind == "digest" else ""
        if kind == "digest" and quiet is not None:
            extra += (
                " (skipped on days with no news)"
                if quiet
                else " (a one-line 'no news' on quiet days)"
            )
        return Reply(
            text=f"✓ {kind.capitalize()} will be posted in {channel}{extra}.", ephemeral=True
        )

    async def _config_admin_role(self, req: CommandRequest) -> Reply:
        role = _required(req, "role", "Which role?")
        await self.outbox.set_workspace(req.platform, req.workspace_id, admin_role=role)
        return Reply(text=f"✓ Members with {role} can now use admin commands.", ephemeral=True)

    async def _config_show(self, req: CommandRequest) -> Reply:
        subs = [
            s
            for s in await self.outbox.subscriptions(req.platform)
            if s.workspace_id == req.workspace_id
        ]
        ws = await self.outbox.workspace(req.platform, req.workspace_id)
        lines = [
            f"{s.kind}: {s.channel_id}"
            + (f" at {s.digest_time} {s.timezone}" if s.kind == "digest" else "")
            for s in subs
        ] or ["no channels configured"]
        lines.append(f"admin role: {ws.admin_role or 'not set (Manage Server permission only)'}")
        lines.append(
            f"digest on quiet days: {'skipped' if ws.digest_skip_empty else 'one-line no news'}"
        )
        return Reply(
            text="\n".join(lines),
            cards=(Card(title="Parley settings", description="\n".join(lines)),),
            ephemeral=True,
        )


def _opt(req: CommandRequest, name: str) -> str | None:
    value = req.options.get(name)
    return str(value).strip() or None if value is not None else None


def _required(req: CommandRequest, name: str, hint: str) -> str:
    value = _opt(req, name)
    if not value:
        raise UsageError(hint)
    return value


def _bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on", "quiet"):
        return True
    if text in ("0", "false", "no", "off", "always"):
        return False
    raise UsageError(f"{name} must be yes or no (got {value!r}).")


def _int(value: Any, name: str, lo: int, hi: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a whole number (got {value!r}).") from None
    if not lo <= number <= hi:
        raise UsageError(f"{name} must be between {lo} and {hi}.")
    return number


_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def parse_command_line(line: str) -> CommandRequest:
    """Parse console text like '/meetings past party=Russia' into a request."""
    tokens = [a if a else b for a, b in _TOKEN.findall(line.strip().lstrip("/"))]
    if not tokens:
        raise UsageError("Type a command, e.g. /meetings or /help.")
    name = tokens.pop(0).lower()
    if name in ADMIN_GROUPS and tokens:
        name = f"{name} {tokens.pop(0).lower()}"
    positional = {
        "meetings": ["when"], "meeting": ["meeting"], "document": ["document"], "timeline": ["days"],
        "search": ["text"], "feeds add": ["url", "name"], "feeds pause": ["feed"], "feeds resume": ["feed"],
        "feeds remove": ["feed"], "feeds why": ["url"], "config updates-channel": ["channel"],
        "config digest-channel": ["channel", "time", "timezone", "quiet"], "config admin-channel": ["channel"],
        "config admin-role": ["role"],
    }.get(name, [])  # fmt: skip
    options: dict[str, Any] = {}
    rest: list[str] = []
    for token in tokens:
        key, sep, value = token.partition("=")
        if sep and key.isidentifier():
            options[key] = value
        else:
            rest.append(token)
    for i, key in enumerate(positional):
        if i < len(rest) and key not in options:
            last = i == len(positional) - 1
            options[key] = " ".join(rest[i:]) if last else rest[i]
    return CommandRequest(name=name, options=options)
