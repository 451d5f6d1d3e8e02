"""Parse ``/parley …`` text into platform-neutral command names and options.

Slack sends one string per slash command. With ``should_escape`` on (see the manifest),
channels arrive as ``<#C123|name>``, user groups as ``<!subteam^S123|@name>``, links as
``<https://…|label>`` and ``&``, ``<``, ``>`` as HTML entities; all are decoded here.
"""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ADMIN_PREFIXES: tuple[str, ...] = ("feeds ", "config ")

USAGE = """\
*Usage:* `/parley <command>`
• `/parley meetings [upcoming|past|all] [party=…] [place=…] [page=N]`
• `/parley meeting <id or words>`  ·  `/parley next`
• `/parley documents`  ·  `/parley document <key or words>`
• `/parley timeline [days]`  ·  `/parley search <text>`
• `/parley digest`  ·  `/parley about`  ·  `/parley help`
Admins:
• `/parley feeds add <url> [name]`  ·  `/parley feeds list`
• `/parley feeds pause|resume|remove <feed>`  ·  `/parley feeds why <url>`
• `/parley config updates-channel #channel`  ·  `/parley config admin-channel #channel`
• `/parley config digest-channel #channel [HH:MM] [Area/City] [quiet|always]`
• `/parley config admin-role @group`  ·  `/parley config show`"""

_CHANNEL = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$|^([CGD][A-Z0-9]{6,})$")
_GROUP = re.compile(r"^<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>$|^(S[A-Z0-9]{6,})$")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>")
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_WHEN = ("upcoming", "past", "all")
_MEETINGS_KEYS = ("party", "place", "page", "when")


@dataclass(frozen=True)
class ParsedCommand:
    """A recognised command: the platform-neutral ``name`` and its ``options``."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def admin_only(self) -> bool:
        """Whether only admins may run it (every ``feeds …`` and ``config …`` command)."""
        return self.name.startswith(ADMIN_PREFIXES)


@dataclass(frozen=True)
class UsageError:
    """Input that is not a valid ``/parley`` command, with a message for the user."""

    message: str


class _Bad(Exception):
    """Raised inside the parser; turned into a ``UsageError`` at the top."""


def parse_command_text(text: str) -> ParsedCommand | UsageError:
    """Parse the text after ``/parley`` into a command, or explain what is wrong."""
    text = _LINK.sub(lambda m: m.group(1), (text or "").translate(_SMART_QUOTES)).strip()
    word, _, rest = text.partition(" ")
    word, rest = word.lower(), rest.strip()
    try:
        if not word or word == "help":
            return ParsedCommand("help")
        if word in _SIMPLE:
            _no_args(word, rest)
            return ParsedCommand(word)
        if word in _FREE_TEXT:
            option = _FREE_TEXT[word]
            if not rest:
                raise _Bad(f"`/parley {word}` needs {option[1]}.")
            return ParsedCommand(word, {option[0]: _plain(rest)})
        if word in _GROUPS:
            return _GROUPS[word](rest)
    except _Bad as exc:
        return UsageError(f"{exc}\n\n{USAGE}")
    return UsageError(f"Unknown command `{_plain(word)[:40]}`.\n\n{USAGE}")


def _plain(value: str) -> str:
    """Undo Slack's ``&amp;``/``&lt;``/``&gt;`` escaping of what the user typed."""
    return html.unescape(value).strip()


def _tokens(rest: str) -> list[str]:
    try:
        return shlex.split(rest)
    except ValueError as exc:  # unbalanced quotes
        raise _Bad(f"Could not read the arguments ({exc}).") from exc


def _no_args(word: str, rest: str) -> None:
    if rest:
        raise _Bad(f"`/parley {word}` takes no arguments.")


def _int(name: str, value: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\d{1,6}", value) or not low <= int(value) <= high:
        raise _Bad(
            f"`{name}` must be a whole number from {low} to {high}, not `{_plain(value)[:40]}`."
        )
    return int(value)


def _meetings(rest: str) -> ParsedCommand:
    options: dict[str, Any] = {}
    last_key: str | None = None
    for token in _tokens(rest):
        key, sep, value = token.partition("=")
        key = key.lower()
        if not sep and key in _WHEN:
            options["when"], last_key = key, None
        elif sep and key in _MEETINGS_KEYS and value:
            options[key], last_key = _plain(value), key
        elif not sep and last_key in ("party", "place"):
            # Unquoted multi-word values: `party=United States`.
            options[last_key] += " " + _plain(token)
        else:
            raise _Bad(
                f"Did not understand `{_plain(token)[:40]}`: use upcoming|past|all, "
                "party=…, place=… or page=N."
            )
    if options.get("when", "upcoming") not in _WHEN:
        raise _Bad("`when` must be upcoming, past or all.")
    if "page" in options:
        options["page"] = _int("page", options["page"], 1, 1000)
    return ParsedCommand("meetings", options)


def _timeline(rest: str) -> ParsedCommand:
    tokens = _tokens(rest)
    if not tokens:
        return ParsedCommand("timeline")
    if len(tokens) > 1:
        raise _Bad("`/parley timeline` takes one number of days.")
    value = tokens[0].removeprefix("days=")
    return ParsedCommand("timeline", {"days": _int("days", value, 1, 3650)})


def _feeds(rest: str) -> ParsedCommand:
    sub, _, arg = rest.partition(" ")
    sub, arg = sub.lower(), arg.strip()
    if sub == "list":
        _no_args("feeds list", arg)
        return ParsedCommand("feeds list")
    if sub == "add":
        url, _, name = arg.partition(" ")
        if not url:
            raise _Bad("`/parley feeds add` needs a feed URL, and optionally a name.")
        options = {"url": _plain(url)}
        if name.strip():
            options["name"] = _plain(name).strip("\"'")
        return ParsedCommand("feeds add", options)
    if sub in ("pause", "resume", "remove"):
        if not arg:
            raise _Bad(f"`/parley feeds {sub}` needs the feed (its id, name or URL).")
        return ParsedCommand(f"feeds {sub}", {"feed": _plain(arg)})
    if sub == "why":
        if not arg or " " in arg:
            raise _Bad("`/parley feeds why` needs one article or feed URL.")
        return ParsedCommand("feeds why", {"url": _plain(arg)})
    raise _Bad("Use `/parley feeds add|list|pause|resume|remove|why …`.")


def _channel(value: str | None, command: str) -> str:
    match = _CHANNEL.match(value or "")
    if not match:
        raise _Bad(f"`/parley config {command}` needs a channel: type `#` and pick one.")
    return match.group(1) or match.group(2)


def _config(rest: str) -> ParsedCommand:
    sub, _, arg = rest.partition(" ")
    sub = sub.lower()
    args = _tokens(arg)
    if sub == "show":
        _no_args("config show", arg.strip())
        return ParsedCommand("config show")
    if sub in ("updates-channel", "admin-channel"):
        if len(args) != 1:
            raise _Bad(f"`/parley config {sub}` takes exactly one #channel.")
        return ParsedCommand(f"config {sub}", {"channel": _channel(args[0], sub)})
    if sub == "digest-channel":
        return _digest_channel(args)
    if sub == "admin-role":
        match = _GROUP.match(args[0]) if len(args) == 1 else None
        if not match:
            raise _Bad("`/parley config admin-role` needs one user group: type `@` and pick it.")
        return ParsedCommand("config admin-role", {"role": match.group(1) or match.group(2)})
    raise _Bad(
        "Use `/parley config updates-channel|digest-channel|admin-channel|admin-role|show …`."
    )


def _digest_channel(args: list[str]) -> ParsedCommand:
    quiet = [a for a in args[1:] if a.lower() in ("quiet", "always")]
    args = [a for a in args if a not in quiet]
    if not 1 <= len(args) <= 3 or len(quiet) > 1:
        raise _Bad("`/parley config digest-channel #channel [HH:MM] [Area/City] [quiet|always]`.")
    options: dict[str, Any] = {"channel": _channel(args[0], "digest-channel")}
    if quiet:
        options["quiet"] = quiet[0].lower() == "quiet"
    for value in args[1:]:
        # The time is recognisable by its colon; anything else is the time zone.
        key = "time" if re.fullmatch(r"\d{1,2}:\d{2}", value) else "timezone"
        if key in options:
            raise _Bad("Give at most one time (HH:MM) and one time zone (like Europe/Kyiv).")
        options[key] = _plain(value)
    return ParsedCommand("config digest-channel", options)


_SIMPLE = ("documents", "next", "digest", "about")
_FREE_TEXT: dict[str, tuple[str, str]] = {
    "meeting": ("meeting", "a meeting id or some words to find it"),
    "document": ("document", "a document key or some words to find it"),
    "search": ("text", "some text to search for"),
}
_GROUPS: dict[str, Callable[[str], ParsedCommand]] = {
    "meetings": _meetings,
    "timeline": _timeline,
    "feeds": _feeds,
    "config": _config,
}
