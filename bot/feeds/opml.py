"""OPML import and export of the watch list."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

from bot.feeds.errors import NotAFeed
from bot.feeds.parser import check_entities


class OPMLError(ValueError):
    """The file is not usable OPML; the message says why."""


def parse_opml(data: bytes) -> list[tuple[str, str]]:
    """Return (url, title) for every outline with an xmlUrl, in document order, without repeats."""
    try:
        check_entities(data)  # refuse entity bombs before the XML parser sees them
        root = ET.fromstring(data)
    except (ET.ParseError, NotAFeed) as exc:
        raise OPMLError(f"not valid OPML: {exc}") from exc
    if root.tag.lower() != "opml":
        raise OPMLError(f"not OPML: the root element is <{root.tag}>")
    seen: dict[str, str] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if url.startswith(("http://", "https://")) and url not in seen:
            seen[url] = (outline.get("title") or outline.get("text") or "").strip()
    return list(seen.items())


def to_opml(feeds: list[tuple[str, str]], title: str = "Parley feeds") -> str:
    """Render (url, title) pairs as an OPML 2.0 document."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title></head>",
        "  <body>",
    ]
    for url, name in feeds:
        label = quoteattr(name or url)
        lines.append(
            f'    <outline type="rss" text={label} title={label} xmlUrl={quoteattr(url)}/>'
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
