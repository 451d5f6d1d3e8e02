"""Meetings as the writer sees them: read from rows, built from drafts, kept in memory.

``MeetingCache`` lets the writer skip re-reading candidate meetings that no one changed:
each meeting row carries a ``revision`` bumped on every update (migration 0002).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.tracker.models import Meeting
from bot.tracker.reconcile import MeetingDraft

MEETING_CACHE_SIZE = 5000


class MeetingCache:
    """Meetings read by earlier transactions, by id, each with the revision it was read at.

    A candidate is taken from here only if the stored row still has that revision, so
    the cache never serves a stale meeting, whoever changed it. It only learns rows read
    by transactions that committed (see :meth:`FactWriter.commit_reads`).
    """

    def __init__(self, size: int = MEETING_CACHE_SIZE) -> None:
        self.size = size
        self._rows: dict[int, tuple[int, Meeting]] = {}

    def get(self, meeting_id: int, revision: int) -> Meeting | None:
        hit = self._rows.get(meeting_id)
        return hit[1] if hit is not None and hit[0] == revision else None

    def update(self, rows: dict[int, tuple[int, Meeting]]) -> None:
        if len(self._rows) + len(rows) > self.size:
            self._rows = {}
        self._rows.update(rows)


def meeting_from_row(row: Any, **extra: Any) -> Meeting:
    """A ``Meeting`` from a meeting row (ORM object or Core row), without sources."""
    return Meeting(
        id=row.id, date=row.date, date_end=row.date_end, date_precision=row.date_precision,
        place=row.place, country=row.country, format=row.format, status=row.status,
        parties=tuple(row.parties or ()), participants=tuple(row.participants or ()),
        conflicts=tuple(row.conflicts or ()), updated_at=row.updated_at,
        last_reported=row.last_reported, **extra,
    )  # fmt: skip


def meeting_from_draft(meeting_id: int, d: MeetingDraft, now: datetime) -> Meeting:
    """The ``Meeting`` a row holds once ``d`` is written to it (as ``meeting_from_row`` reads it)."""
    last = d.last_reported.astimezone(UTC) if d.last_reported else None
    return Meeting(
        id=meeting_id, date=d.date, date_end=d.date_end, date_precision=d.date_precision,
        place=d.place, country=d.country, format=d.format, status=d.status,
        parties=tuple(d.parties), participants=tuple(d.participants),
        conflicts=tuple(d.conflicts), updated_at=now.astimezone(UTC), last_reported=last,
    )  # fmt: skip
