"""Read the seed articles described by ``seeds/manifest.yaml``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from bot.tracker.models import Article


class SeedError(Exception):
    """A seed file or the manifest is missing or malformed; the message names the file."""


def _published(value: object, where: str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 12, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise SeedError(f"{where}: published {value!r} is not an ISO date") from exc
    if len(str(value)) == 10:  # a bare date: noon UTC keeps the calendar day in every zone we use
        parsed = parsed.replace(hour=12)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def load_seeds(directory: Path) -> list[Article]:
    """Return the seed articles in manifest order; raise SeedError naming what is wrong."""
    manifest = directory / "manifest.yaml"
    try:
        entries = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SeedError(f"cannot read {manifest}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise SeedError(f"{manifest} is not valid YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise SeedError(f"{manifest} must be a list of seed entries")
    return [_article(directory, entry, i) for i, entry in enumerate(entries)]


def _article(directory: Path, entry: object, index: int) -> Article:
    where = f"{directory / 'manifest.yaml'} entry {index + 1}"
    if not isinstance(entry, dict) or not entry.get("file") or not entry.get("title"):
        raise SeedError(f"{where}: needs at least 'file' and 'title'")
    path = directory / str(entry["file"])
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SeedError(f"cannot read seed file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise SeedError(f"seed file {path} is not UTF-8 text") from exc
    if not text.strip():
        raise SeedError(f"seed file {path} is empty")
    return Article(
        key=f"seed:{path.stem}",
        title=str(entry["title"]),
        text=text,
        url=entry.get("url"),
        outlet=entry.get("outlet"),
        published=_published(entry.get("published"), where) if entry.get("published") else None,
        published_estimated=bool(entry.get("published_estimated", False)),
        language=str(entry.get("language", "en")),
    )
