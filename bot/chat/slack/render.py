"""Render a platform-neutral ``Reply`` as Slack Block Kit, within Slack's limits.

Every string in a ``Reply`` may carry article text, so all of it is escaped (``&``,
``<``, ``>``) and put in ``mrkdwn`` objects with ``verbatim: true``: Slack then parses
no mentions, channel names or bare links in it. Only the bold labels and the title
link are our own markup.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.chat.replies import Card, Field, Reply

MAX_BLOCKS = 50
MAX_TEXT = 3000  # section text
MAX_FIELD_TEXT = 2000  # one section field
MAX_FIELDS = 10  # fields per section
MAX_CONTEXT = 2000  # context element text (Slack: 3000; keep room for the marker)
MAX_FALLBACK = 3000  # top-level ``text``: notifications, screen readers

_TONE_MARK = {"info": "", "success": ":white_check_mark: ", "warning": ":warning: "}
_TONE_MARK["danger"] = ":rotating_light: "
_ELLIPSIS = "…"

Block = dict[str, Any]


def escape(text: str) -> str:
    """Escape Slack's three control characters so text can never form a mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_capped(text: str, limit: int) -> str:
    """Escape ``text`` and cut it (on a character, never inside an entity) to ``limit``."""
    out = escape(text)
    if len(out) <= limit:
        return out
    cut = out[: limit - len(_ELLIPSIS)]
    # Every "&" in escaped text starts an entity; drop one that the cut left unfinished.
    amp = cut.rfind("&", max(len(cut) - 4, 0))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + _ELLIPSIS


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _safe_url(url: str | None) -> str | None:
    """Return ``url`` if it is an http(s) URL that can sit inside ``<url|label>``."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if any(char in url for char in "|<> \n\t"):
        return None
    return escape(url.strip())


def _title_block(card: Card) -> Block:
    mark = _TONE_MARK.get(card.tone, "")
    url = _safe_url(card.url)
    # Leave room for the markup around the title: "*<url|title>*".
    room = MAX_TEXT - len(mark) - (len(url) + 5 if url else 2)
    title = escape_capped(card.title, min(room, 300)) or "(untitled)"
    text = f"{mark}*<{url}|{title}>*" if url else f"{mark}*{title}*"
    return _section(text)


def _field_text(item: Field, limit: int) -> str:
    name = escape_capped(item.name, 200)
    value = escape_capped(item.value, limit - len(name) - 3)
    return f"*{name}*\n{value}" if name else value


def _field_blocks(fields: tuple[Field, ...]) -> list[Block]:
    """Group runs of inline fields into two-column sections; others get a section each."""
    blocks: list[Block] = []
    run: list[Block] = []
    for item in fields:
        if item.inline:
            run.append(_mrkdwn(_field_text(item, MAX_FIELD_TEXT)))
            if len(run) == MAX_FIELDS:
                blocks.append({"type": "section", "fields": run})
                run = []
            continue
        if run:
            blocks.append({"type": "section", "fields": run})
            run = []
        blocks.append(_section(_field_text(item, MAX_TEXT)))
    if run:
        blocks.append({"type": "section", "fields": run})
    return blocks


def card_to_blocks(card: Card) -> list[Block]:
    """Render one card: a title section, its description, its fields and a footer."""
    blocks = [_title_block(card)]
    if card.description:
        blocks.append(_section(escape_capped(card.description, MAX_TEXT)))
    blocks.extend(_field_blocks(card.fields))
    if card.footer:
        blocks.append(
            {"type": "context", "elements": [_mrkdwn(escape_capped(card.footer, MAX_CONTEXT))]}
        )
    return blocks


def reply_to_blocks(reply: Reply) -> list[Block]:
    """Render a reply as at most 50 blocks; whatever is cut is announced, never dropped silently."""
    blocks: list[Block] = []
    if reply.text:
        mark = ":x: " if reply.error else ""
        blocks.append(_section(mark + escape_capped(reply.text, MAX_TEXT - len(mark))))
    shown, cut = 0, False
    for index, card in enumerate(reply.cards):
        card_blocks = ([{"type": "divider"}] if index else []) + card_to_blocks(card)
        room = MAX_BLOCKS - 1 - len(blocks)  # one block stays free for the note below
        if len(card_blocks) > room:
            if shown == 0:  # one huge card: show what fits of it
                blocks.extend(card_blocks[:room])
                shown, cut = 1, True
            break
        blocks.extend(card_blocks)
        shown += 1
    if cut or shown < len(reply.cards):
        note = f"Showing {shown} of {len(reply.cards)} items"
        note += " (the first one shortened)" if cut else ""
        note += ": Slack allows 50 blocks a message. Narrow the query to see the rest."
        blocks.append({"type": "context", "elements": [_mrkdwn(note)]})
    return blocks


def reply_to_text(reply: Reply) -> str:
    """Return the escaped plain ``text`` fallback used for notifications and screen readers."""
    text = reply.text or (reply.cards[0].title if reply.cards else "")
    return escape_capped(text, MAX_FALLBACK) or "Parley"
