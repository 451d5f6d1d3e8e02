"""The digest: what changed in a period, grouped for a daily post (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.tracker.models import Change, Meeting

_SECTIONS = (
    (
        "Meetings",
        (
            "meeting_announced",
            "meeting_held",
            "meeting_moved",
            "meeting_cancelled",
            "meeting_postponed",
        ),
    ),
    ("Documents", ("document_status_changed",)),
    ("Conflicting reports", ("conflict",)),
    ("Feed health", ("feed_disabled",)),
)


@dataclass(frozen=True)
class Digest:
    since: datetime
    until: datetime
    sections: tuple[tuple[str, tuple[Change, ...]], ...]
    next_meeting: Meeting | None
    new_sources: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(items for _, items in self.sections)


def build_digest(
    since: datetime,
    until: datetime,
    changes: list[Change],
    next_meeting: Meeting | None,
    counts: dict[str, int],
) -> Digest:
    """Group the changes of [since, until) into digest sections, oldest first in each."""
    ordered = sorted(changes, key=lambda c: (c.created_at or since, c.id or 0))
    sections = tuple(
        (title, tuple(c for c in ordered if c.kind in kinds)) for title, kinds in _SECTIONS
    )
    new_sources = sum(1 for c in changes if c.kind == "meeting_new_source")
    return Digest(
        since, until, tuple(s for s in sections if s[1]), next_meeting, new_sources, counts
    )
