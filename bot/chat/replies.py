"""Platform-neutral reply and request models: what command handlers return and take.

Discord renders a ``Reply`` as embeds, Slack as Block Kit, the console as plain text.
All strings in a reply may carry untrusted article text: renderers escape them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Tone = Literal["info", "success", "warning", "danger"]


@dataclass(frozen=True)
class Field:
    """A labelled value inside a card (an embed field, a Block Kit section field)."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class Card:
    """One block of a reply: an embed on Discord, a section group on Slack."""

    title: str
    description: str = ""
    fields: tuple[Field, ...] = ()
    url: str | None = None
    footer: str | None = None
    tone: Tone = "info"


@dataclass(frozen=True)
class Reply:
    """The answer to a command, or a post; ``text`` is the plain-text rendering."""

    text: str
    cards: tuple[Card, ...] = ()
    ephemeral: bool = False
    error: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the reply as a JSON-ready dict (``parley ask --json``)."""
        return asdict(self)


@dataclass(frozen=True)
class Actor:
    """Who sent a command; ``is_admin`` is decided by the platform adapter."""

    user_id: str
    display_name: str = ""
    is_admin: bool = False


@dataclass(frozen=True)
class CommandRequest:
    """A parsed command: ``name`` like ``"meetings"`` or ``"feeds add"``, options by name."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    actor: Actor = field(default_factory=lambda: Actor(user_id="console", is_admin=True))
    platform: str = "console"  # console | discord | slack
    workspace_id: str = "console"  # Discord guild id / Slack team id
    channel_id: str = "console"


@dataclass(frozen=True)
class Choice:
    """An autocomplete choice."""

    name: str
    value: str
