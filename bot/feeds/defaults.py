"""Read the default watched feeds from ``config/feeds.yaml`` (PARLEY_FEEDS_FILE)."""

from __future__ import annotations

from pathlib import Path

import yaml


class FeedsFileError(ValueError):
    """The feeds file is unreadable or malformed; the message names the file."""


def load_default_feeds(path: Path) -> tuple[list[tuple[str, str]], int | None]:
    """Return ([(url, name)], interval_minutes or None)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise FeedsFileError(
            f"cannot read feeds file {path}: {exc.strerror} (set PARLEY_FEEDS_FILE)"
        ) from exc
    except yaml.YAMLError as exc:
        raise FeedsFileError(f"feeds file {path} is not valid YAML: {exc}") from exc
    entries = data.get("feeds") or [] if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise FeedsFileError(f"feeds file {path} must have a 'feeds:' list")
    feeds = []
    for i, entry in enumerate(entries, 1):
        url = str(entry.get("url", "")).strip() if isinstance(entry, dict) else ""
        if not url.startswith(("http://", "https://")):
            raise FeedsFileError(f"feeds file {path}, entry {i}: needs an http(s) 'url'")
        feeds.append((url, str(entry.get("name") or "")))
    interval = data.get("interval_minutes")
    return feeds, int(interval) if interval else None
