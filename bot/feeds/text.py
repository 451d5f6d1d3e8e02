"""Turn untrusted feed HTML into plain text: no tags, entities decoded, whitespace collapsed.

Parley never renders feed HTML, so a fast regex pass is enough (no sanitizer needed):
the result is stored and posted as literal text; chat adapters escape markdown and
disable mentions at the edge.
"""

from __future__ import annotations

import html
import re

_DROP_BLOCKS = re.compile(
    r"<(script|style|noscript|template|iframe|object|svg|math|head|title)\b.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)|<!\[CDATA\[|\]\]>", re.DOTALL)
_BREAK = re.compile(
    r"<\s*/?\s*(?:br|p|div|li|ul|ol|h[1-6]|tr|table|blockquote|pre|hr|section|article"
    r"|header|footer|figure|figcaption|dd|dt)\b[^>]*>",
    re.IGNORECASE,
)
# A tag starts with a letter, '/', '!' or '?': "a < b" and "<3" stay as text.
_TAG = re.compile(r"<[A-Za-z/!?][^>]*(?:>|$)")
# Control characters, zero-width and bidi-override characters (used to spoof text in chat).
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*(?:\n\s*)+")


def html_to_text(value: str | None) -> str:
    """Strip tags, decode entities and collapse whitespace, keeping paragraph breaks."""
    if not value:
        return ""
    text = value
    if "<" in text:
        text = _DROP_BLOCKS.sub(" ", text)
        text = _COMMENT.sub(" ", text)
        text = _BREAK.sub("\n\n", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n"))
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def plain_line(value: str | None, *, limit: int = 500) -> str:
    """Return one line of plain text (for titles and names), cut at ``limit`` characters."""
    text = " ".join(html_to_text(value).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
