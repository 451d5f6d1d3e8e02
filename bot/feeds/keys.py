"""Durable natural keys for feed entries: GUID, else canonical URL, else a content hash.

Never a "newest timestamp seen" mark: keys survive reordering, edits and dropped items.
"""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader, never select content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "cmpid",
        "ocid",
        "smid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "ito",
        "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "ga_", "hsa_", "pk_", "mtm_", "__twitter")
MAX_KEY_LENGTH = 255
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_SPACE = re.compile(r"\s+")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


@functools.lru_cache(maxsize=1024)  # a feed's own URL scopes every GUID it carries
def canonical_url(url: str) -> str:
    """Normalise a URL: lower-case scheme/host, no default port, fragment or tracking params, sorted query."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    netloc = host if ":" not in host else f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and str(port) != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _bounded(prefix: str, value: str) -> str:
    """Keep keys short enough for an indexed column; hash the overlong ones."""
    key = f"{prefix}:{value}"
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return f"{prefix}-sha256:{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()}"


def content_hash(title: str | None, text: str | None) -> str:
    """Hash normalised title and text (whitespace-collapsed, case-folded)."""
    normalised = _SPACE.sub(" ", f"{title or ''}\n{text or ''}").strip().casefold()
    return hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()


def entry_key(
    guid: str | None,
    url: str | None,
    title: str | None,
    text: str | None,
    *,
    scope: str | None = None,
) -> str:
    """Return an entry's natural key: ``guid:…``, else ``url:…``, else ``hash:…``.

    A GUID that is not a URI (``"42"``) is only unique within its feed, so it is
    qualified with ``scope`` (the feed URL) when one is given.
    """
    guid = (guid or "").strip()
    if guid:
        if ":" not in guid and scope:
            guid = f"{canonical_url(scope)}#{guid}"
        return _bounded("guid", guid)
    if url and url.strip():
        parts = urlsplit(url.strip())
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            return _bounded("url", canonical_url(url))
    return f"hash:{content_hash(title, text)}"
