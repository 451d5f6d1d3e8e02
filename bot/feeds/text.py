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
# Control characters, zero-width and bidi-override characters (used to spoof text in chat)
# are dropped; other spaces become " " (one pass over the text for both).
_INVISIBLE = "\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
_OTHER_SPACES = "\t\u00a0\u2000-\u200a\u3000"
_ODD_CHARS = re.compile(f"[{_INVISIBLE}{_OTHER_SPACES}]")
_OTHER_SPACE = re.compile(f"[{_OTHER_SPACES}]")
_SPACE_RUN = re.compile(" {2,}")


def _odd_char(match: re.Match[str]) -> str:
    return " " if _OTHER_SPACE.fullmatch(match.group()) else ""


def html_to_text(value: str | None) -> str:
    """Strip tags, decode entities and collapse whitespace, keeping paragraph breaks."""
    if not value:
        return ""
    text = value
    if "<" in text:
        text = _DROP_BLOCKS.sub(" ", text)
        if "<!" in text or "]]>" in text:
            text = _COMMENT.sub(" ", text)
        text = _BREAK.sub("\n\n", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = _ODD_CHARS.sub(_odd_char, text.replace("\r\n", "\n"))
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    return _paragraphs(text)


def _paragraphs(text: str) -> str:
    """Strip each line; a run of blank lines becomes one (a paragraph break)."""
    out: list[str] = []
    blank = False
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            blank = True
            continue
        if blank and out:
            out.append("")
        out.append(line)
        blank = False
    return "\n".join(out)


def plain_line(value: str | None, *, limit: int = 500) -> str:
    """Return one line of plain text (for titles and names), cut at ``limit`` characters."""
    text = " ".join(html_to_text(value).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
