"""Ports: what the domain needs from the outside, as Protocols."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from bot.tracker.models import Article, Change, Extraction, Relevance


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real clock (UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that says what it is told (``--now``, ``PARLEY_NOW``, tests)."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.current += timedelta(**delta)


@dataclass(frozen=True)
class IngestResult:
    """What storing one article did."""

    article_id: int
    duplicate: bool = False
    relevant: bool = False
    facts: int = 0
    changes: tuple[Change, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class IngestItem:
    """One analysed article to store (``canonical_url`` and near-duplicate ``cluster_id`` optional)."""

    article: Article
    extraction: Extraction | None
    relevance: Relevance
    canonical_url: str | None = None
    cluster_id: int | None = None
