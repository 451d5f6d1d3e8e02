"""Render a platform-neutral ``Reply`` as Discord embeds, within Discord's limits.

Every string in a reply may carry article text, so titles, descriptions and field
values are markdown- and mention-escaped, then cut to Discord's limits with an
ellipsis and, where markdown links render (descriptions, field values), a link to
the card's source. Messages are always sent with ``AllowedMentions.none()`` too:
escaping is for how the text looks, allowed mentions is what stops the pings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import discord

from bot.chat.replies import Card, Reply, Tone

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000
URL_LIMIT = 2048

ELLIPSIS = "…"
EMPTY_VALUE = "—"
MIN_DESCRIPTION = 1000  # kept when an embed must shrink to the 6,000 total  # Discord rejects empty field names and values

TONE_COLORS: dict[Tone, int] = {
    "info": 0x3B82F6,
    "success": 0x22C55E,
    "warning": 0xF59E0B,
    "danger": 0xEF4444,
}


@dataclass
class OutgoingMessage:
    """One Discord message: optional content and at most 10 embeds, 6,000 characters."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)


def untrusted(text: str) -> str:
    """Escape markdown and mentions in text that did not come from us."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def safe_url(url: str | None) -> str | None:
    """Return ``url`` if Discord will accept it as an embed/link URL, else ``None``."""
    if not url or len(url) > URL_LIMIT or any(c.isspace() for c in url):
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    # Parentheses would end a markdown link early.
    return url.replace("(", "%28").replace(")", "%29")


def cut(text: str, limit: int, link: str | None = None) -> str:
    """Cut ``text`` to ``limit`` characters, ending with an ellipsis (and a link if given)."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    suffix = ELLIPSIS
    if link is not None and len(link) + 12 <= limit // 2:
        suffix = f"{ELLIPSIS} [more]({link})"
    kept = text[: max(limit - len(suffix), 0)].rstrip()
    # A trailing backslash from escaping would escape our ellipsis or link.
    while kept.endswith("\\") and (len(kept) - len(kept.rstrip("\\"))) % 2 == 1:
        kept = kept[:-1]
    return kept + suffix


@dataclass
class _Parts:
    title: str
    description: str
    fields: list[tuple[str, str, bool]]
    footer: str
    url: str | None
    color: int

    def size(self) -> int:
        """Count characters the way Discord does for the 6,000 total."""
        fields = sum(len(n) + len(v) for n, v, _ in self.fields)
        return len(self.title) + len(self.description) + fields + len(self.footer)


def _parts(card: Card) -> _Parts:
    url = safe_url(card.url)
    fields = [
        (
            cut(untrusted(f.name), FIELD_NAME_LIMIT) or EMPTY_VALUE,
            cut(untrusted(f.value), FIELD_VALUE_LIMIT, url) or EMPTY_VALUE,
            f.inline,
        )
        for f in card.fields
    ]
    if len(fields) > FIELDS_LIMIT:
        hidden = len(fields) - (FIELDS_LIMIT - 1)
        more = f"{hidden} more not shown" + (f": [see source]({url})" if url else "")
        fields = fields[: FIELDS_LIMIT - 1] + [(ELLIPSIS, more, False)]
    return _Parts(
        title=cut(untrusted(card.title), TITLE_LIMIT),
        description=cut(untrusted(card.description), DESCRIPTION_LIMIT, url),
        fields=fields,
        # Footers do not render markdown or mentions: escaping would show backslashes.
        footer=cut(card.footer or "", FOOTER_LIMIT),
        url=url,
        color=TONE_COLORS.get(card.tone, TONE_COLORS["info"]),
    )


def _fit_total(parts: _Parts) -> _Parts:
    """Shrink one embed to 6,000 characters: long description, then trailing fields."""
    excess = parts.size() - EMBED_TOTAL_LIMIT
    if excess <= 0:
        return parts
    # The description keeps a readable part; the facts in the fields matter as much.
    spare = max(len(parts.description) - MIN_DESCRIPTION, 0)
    if spare:
        keep = len(parts.description) - min(excess, spare)
        parts.description = cut(parts.description, keep, parts.url)
    if parts.size() > EMBED_TOTAL_LIMIT:
        # Leave room for the note saying how many fields were dropped.
        dropped = 0
        while parts.size() > EMBED_TOTAL_LIMIT - 40 and parts.fields:
            parts.fields.pop()
            dropped += 1
        parts.fields.append((ELLIPSIS, f"{dropped} more not shown", False))
    excess = parts.size() - EMBED_TOTAL_LIMIT
    if excess > 0:
        parts.description = cut(parts.description, max(len(parts.description) - excess, 0))
    return parts


def card_to_embed(card: Card) -> discord.Embed:
    """Render one card as one embed within every per-embed limit."""
    parts = _fit_total(_parts(card))
    embed = discord.Embed(
        title=parts.title or None,
        description=parts.description or None,
        url=parts.url,
        color=parts.color,
    )
    for name, value, inline in parts.fields:
        embed.add_field(name=name, value=value, inline=inline)
    if parts.footer:
        embed.set_footer(text=parts.footer)
    return embed


def reply_to_embeds(reply: Reply) -> list[discord.Embed]:
    """Render every card of ``reply`` as an embed (may be more than fit in one message)."""
    return [card_to_embed(card) for card in reply.cards]


def reply_to_messages(reply: Reply) -> list[OutgoingMessage]:
    """Pack ``reply`` into messages of at most 10 embeds and 6,000 characters each."""
    embeds = reply_to_embeds(reply)
    if not embeds:
        text = cut(untrusted(reply.text), CONTENT_LIMIT) or EMPTY_VALUE
        return [OutgoingMessage(content=text)]
    messages: list[OutgoingMessage] = []
    current = OutgoingMessage()
    total = 0
    for embed in embeds:
        size = len(embed)
        full = len(current.embeds) >= EMBEDS_PER_MESSAGE or total + size > EMBED_TOTAL_LIMIT
        if current.embeds and full:
            messages.append(current)
            current, total = OutgoingMessage(), 0
        current.embeds.append(embed)
        total += size
    messages.append(current)
    return messages
