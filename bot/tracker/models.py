"""Domain model: frozen dataclasses shared by extraction, reconciliation, storage and chat.

Pure: nothing here imports a database, HTTP, scheduler or chat library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

DatePrecision = Literal["day", "range", "month"]
MeetingFormat = Literal["call", "bilateral", "trilateral", "multilateral"]
MeetingStatus = Literal["planned", "held", "postponed", "cancelled"]

MEETING_STATUSES: tuple[str, ...] = ("planned", "held", "postponed", "cancelled")
MEETING_FORMATS: tuple[str, ...] = ("call", "bilateral", "trilateral", "multilateral")

# The fixed status ladder for negotiated documents, in order of progress; the last
# four are off-ladder outcomes that can happen at any point.
DOCUMENT_LADDER: tuple[str, ...] = (
    "proposed",
    "drafting",
    "under_discussion",
    "finalizing",
    "agreed",
    "awaiting_signature",
    "signed",
    "ratification",
    "ratified",
)
DOCUMENT_OFF_LADDER: tuple[str, ...] = ("rejected", "stalled", "superseded", "postponed")
DOCUMENT_STATUSES: tuple[str, ...] = DOCUMENT_LADDER + DOCUMENT_OFF_LADDER


@dataclass(frozen=True)
class Article:
    """One news article, stored once under its natural ``key``."""

    key: str
    title: str
    text: str
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None  # timezone-aware, UTC
    published_estimated: bool = False
    language: str = "en"
    feed_id: int | None = None
    id: int | None = None

    @property
    def published_date(self) -> date | None:
        return self.published.date() if self.published else None


@dataclass(frozen=True)
class Relevance:
    """Whether an article is about the tracked talks, with a score in [0, 1] and reasons."""

    relevant: bool
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeetingMention:
    """A meeting, call or round of talks as one sentence of one article reports it."""

    date: date | None
    date_end: date | None
    date_precision: DatePrecision | None
    place: str | None  # city, or None for calls / unknown
    country: str | None
    participants: tuple[str, ...]  # canonical person names from the topic file
    parties: tuple[str, ...]  # canonical country names from the topic file
    format: MeetingFormat
    status: MeetingStatus
    evidence: str  # the exact sentence


@dataclass(frozen=True)
class DocumentMention:
    """A tracked document's status as one sentence of one article reports it."""

    document: str  # canonical key from the topic file
    name: str  # display name from the topic file
    status: str  # one of DOCUMENT_STATUSES
    status_text: str  # the article's own wording
    evidence: str  # the exact sentence
    prospective: bool = False  # a next step the article announces, not the current state


@dataclass(frozen=True)
class Extraction:
    """Everything extraction finds in one article."""

    relevance: Relevance
    meetings: tuple[MeetingMention, ...] = ()
    documents: tuple[DocumentMention, ...] = ()


@dataclass(frozen=True)
class Source:
    """Where a fact came from: an article and the sentence quoted from it."""

    article_id: int
    sentence: str
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published: datetime | None = None
    cluster_id: int | None = None  # near-duplicate articles share a cluster


@dataclass(frozen=True)
class MeetingStatusEntry:
    status: str
    as_of: datetime | None
    source: Source | None = None


@dataclass(frozen=True)
class Meeting:
    """A canonical meeting: many mentions from many articles merged into one record."""

    id: int
    date: date | None
    date_end: date | None
    date_precision: str | None
    place: str | None
    country: str | None
    format: str
    status: str
    parties: tuple[str, ...]
    participants: tuple[str, ...]
    sources: tuple[Source, ...] = ()
    history: tuple[MeetingStatusEntry, ...] = ()
    conflicts: tuple[str, ...] = ()  # human-readable: "place reported as Vilnius (also …)"
    updated_at: datetime | None = None
    report_count: int = 0  # distinct stories (near-duplicate clusters) reporting it
    last_reported: datetime | None = None  # publication time of the newest report

    @property
    def reports(self) -> int:
        """Independent reports: sources from one cluster of near-duplicates count once."""
        if self.sources:
            return len({s.cluster_id or s.article_id for s in self.sources})
        return self.report_count


@dataclass(frozen=True)
class DocumentStatusEntry:
    status: str
    status_text: str
    as_of: datetime | None
    source: Source | None = None
    prospective: bool = False  # announced as the next step


@dataclass(frozen=True)
class Document:
    """A tracked document with its current status and its status timeline (oldest first)."""

    key: str
    name: str
    status: str | None
    status_text: str | None
    as_of: datetime | None
    timeline: tuple[DocumentStatusEntry, ...] = ()


ChangeKind = Literal[
    "meeting_announced",
    "meeting_held",
    "meeting_moved",
    "meeting_cancelled",
    "meeting_postponed",
    "meeting_new_source",
    "document_status_changed",
    "conflict",
    "feed_disabled",
]


@dataclass(frozen=True)
class Change:
    """A change to canonical state: what gets posted, never raw articles."""

    kind: str  # one of ChangeKind
    subject: str  # "meeting:12", "document:security_guarantees", "feed:3"
    summary: str  # one line, plain text
    data: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    id: int | None = None
