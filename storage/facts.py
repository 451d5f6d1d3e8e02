"""Reconciliation I/O for one write transaction: candidates in, facts and events out.

``FactWriter`` runs inside the transaction that stores a batch of articles (one feed's
new entries). For each relevant article it loads the candidate meetings, calls the pure
``bot.tracker.reconcile.reconcile`` and writes the meetings at once (a later article in
the same batch must see them). Everything nobody reads back inside the batch (sources,
status rows, document timelines, outbox events) is collected and written with one
statement per table in :meth:`FactWriter.finish`, in Core SQL: the ORM's unit of work
cost ~10 ms per article on the first poll of a large feed farm.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, insert, or_, select, update

from bot.tracker.models import Article, Change, Document, Extraction, Meeting
from bot.tracker.reconcile import DocumentEntry, MeetingDraft, PendingChange, reconcile
from storage.meeting_cache import MeetingCache, meeting_from_draft, meeting_from_row
from storage.models import (
    ArticleRow,
    DocumentRow,
    DocumentStatusRow,
    MeetingRow,
    MeetingSourceRow,
    MeetingStatusRow,
    OutboxRow,
)

CANDIDATE_WINDOW = timedelta(days=60)
CANDIDATE_LIMIT = 500

ARTICLE = ArticleRow.__table__
MEETING = MeetingRow.__table__
SOURCE = MeetingSourceRow.__table__
MEETING_STATUS = MeetingStatusRow.__table__
DOCUMENT = DocumentRow.__table__
DOCUMENT_STATUS = DocumentStatusRow.__table__
OUTBOX = OutboxRow.__table__
# Built once: the SET / VALUES columns come from the parameters, so the compiled SQL is cached.
_UPDATE_MEETING = (
    update(MEETING)
    .where(MEETING.c.id == bindparam("mid"))
    .values(revision=MEETING.c.revision + 1)
    .returning(MEETING.c.revision)
)
_INSERT_MEETING = insert(MEETING).returning(MEETING.c.id, MEETING.c.revision)
_RECENT_MEETINGS = (
    select(MEETING.c.id, MEETING.c.revision).order_by(MEETING.c.id.desc()).limit(CANDIDATE_LIMIT)
)
_NEAR_MEETINGS = _RECENT_MEETINGS.where(
    or_(MEETING.c.date.is_(None), MEETING.c.date.between(bindparam("lo"), bindparam("hi")))
)
_MEETINGS_BY_ID = select(MEETING).where(MEETING.c.id.in_(bindparam("ids", expanding=True)))
_INSERT_SOURCES = insert(SOURCE)
_INSERT_MEETING_STATUSES = insert(MEETING_STATUS)
_INSERT_DOCUMENT_STATUSES = insert(DOCUMENT_STATUS)
_INSERT_EVENTS = insert(OUTBOX).returning(OUTBOX.c.id, sort_by_parameter_order=True)
_UPDATE_COUNTS = (
    update(ARTICLE)
    .where(ARTICLE.c.id == bindparam("aid"))
    .values(facts_count=bindparam("facts"), events_count=bindparam("events"))
)
_UPDATE_DOCUMENT = (
    update(DOCUMENT)
    .where(DOCUMENT.c.id == bindparam("did"))
    .values(status=bindparam("st"), status_text=bindparam("txt"), as_of=bindparam("when"))
)


def sentence_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class _Event:
    article_id: int
    values: dict[str, Any]


class FactWriter:
    """Reconcile articles into one open transaction; call :meth:`finish` before commit."""

    def __init__(
        self, conn: Connection, now: datetime, suppressed: bool, cache: MeetingCache | None = None
    ) -> None:
        self.conn, self.now, self.suppressed = conn, now, suppressed
        self.cache = cache or MeetingCache()
        self._read: dict[int, tuple[int, Meeting]] = {}  # meetings this transaction read
        self._docs: dict[str, Document] | None = None
        self._doc_ids: dict[str, int] = {}
        self._new_docs: dict[str, str] = {}  # key → name, inserted in finish()
        self._docs_current: dict[str, dict[str, Any]] = {}  # key → newest current status
        self._sources: list[dict[str, Any]] = []
        self._source_keys: set[tuple[int, int, str]] = set()
        self._meeting_statuses: list[dict[str, Any]] = []
        self._doc_statuses: list[tuple[str, dict[str, Any]]] = []
        self._events: list[_Event] = []
        self._counts: dict[int, int] = {}  # article id → facts count

    # --- per article ----------------------------------------------------------------

    def add(self, article: Article, extraction: Extraction) -> None:
        """Reconcile one stored article (``article.id`` set) and queue its writes."""
        plan = reconcile(article, extraction, self._candidates(extraction), self._documents())
        as_of = article.published or self.now
        meeting_ids = {id(d): self._save_meeting(d, article) for d in plan.meetings}
        for entry in plan.documents:
            self._add_document_entry(entry, article, as_of)
        for pc in plan.changes:
            self._events.append(_Event(article.id, self._event(pc, meeting_ids, article)))
        self._counts[article.id] = len(extraction.meetings) + len(extraction.documents)

    def _candidates(self, extraction: Extraction) -> list[Meeting]:
        if not extraction.meetings:
            return []
        dates = [m.date for m in extraction.meetings if m.date]
        if dates:
            window = {"lo": min(dates) - CANDIDATE_WINDOW, "hi": max(dates) + CANDIDATE_WINDOW}
            versions = self.conn.execute(_NEAR_MEETINGS, window).all()
        else:
            versions = self.conn.execute(_RECENT_MEETINGS).all()
        found = {mid: self._known(mid, rev) for mid, rev in versions}
        missing = [mid for mid, meeting in found.items() if meeting is None]
        if missing:
            for row in self.conn.execute(_MEETINGS_BY_ID, {"ids": missing}):
                found[row.id] = meeting_from_row(row)
                self._read[row.id] = (row.revision, found[row.id])
        return [found[mid] for mid, _ in versions]

    def _known(self, meeting_id: int, revision: int) -> Meeting | None:
        mine = self._read.get(meeting_id)
        if mine is not None:
            return mine[1] if mine[0] == revision else None
        return self.cache.get(meeting_id, revision)

    def commit_reads(self) -> None:
        """After the transaction committed: what it read may serve later transactions."""
        self.cache.update(self._read)

    def _documents(self) -> dict[str, Document]:
        if self._docs is None:
            rows = self.conn.execute(select(DOCUMENT)).all()
            self._docs = {
                r.key: Document(r.key, r.name, r.status, r.status_text, r.as_of) for r in rows
            }
            self._doc_ids = {r.key: r.id for r in rows}
        return self._docs

    def _save_meeting(self, d: MeetingDraft, article: Article) -> int:
        values = {
            "date": d.date, "date_end": d.date_end, "date_precision": d.date_precision,
            "place": d.place, "country": d.country, "format": d.format, "status": d.status,
            "parties": list(d.parties), "participants": list(d.participants),
            "conflicts": list(d.conflicts), "updated_at": self.now, "last_reported": d.last_reported,
        }  # fmt: skip
        if d.id:
            meeting_id = d.id
            revision = self.conn.execute(_UPDATE_MEETING, {"mid": d.id, **values}).scalar_one()
        else:
            values["created_at"] = self.now
            meeting_id, revision = self.conn.execute(_INSERT_MEETING, values).one()
        # every column was just written: the row now is the draft (at the returned revision)
        self._read[meeting_id] = (revision, meeting_from_draft(meeting_id, d, self.now))
        for m in d.new_sources:
            key = (meeting_id, article.id, sentence_hash(m.evidence))
            if key in self._source_keys:
                continue
            self._source_keys.add(key)
            self._sources.append(
                {
                    "meeting_id": meeting_id, "article_id": article.id, "sentence": m.evidence,
                    "sentence_hash": key[2], "reported_status": m.status,
                    "reported_place": m.place,
                    "reported_date": m.date.isoformat() if m.date else None,
                }
            )  # fmt: skip
        as_of = article.published or self.now
        for status, sentence in d.new_statuses:
            self._meeting_statuses.append(
                {"meeting_id": meeting_id, "status": status, "as_of": as_of,
                 "article_id": article.id, "sentence": sentence}
            )  # fmt: skip
        return meeting_id

    def _add_document_entry(self, entry: DocumentEntry, article: Article, as_of: datetime) -> None:
        docs = self._documents()
        if entry.key not in docs:
            docs[entry.key] = Document(entry.key, entry.name, None, None, None)
            self._new_docs[entry.key] = entry.name
        self._doc_statuses.append(
            (
                entry.key,
                {"status": entry.status, "status_text": entry.status_text, "as_of": as_of,
                 "article_id": article.id, "sentence": entry.sentence,
                 "prospective": entry.prospective},
            )
        )  # fmt: skip
        if entry.becomes_current:
            docs[entry.key] = replace(
                docs[entry.key], status=entry.status, status_text=entry.status_text, as_of=as_of
            )
            self._docs_current[entry.key] = {
                "status": entry.status, "status_text": entry.status_text, "as_of": as_of
            }  # fmt: skip

    def _event(self, pc: PendingChange, meeting_ids: dict[int, int], a: Article) -> dict:
        subject = (
            f"meeting:{meeting_ids[id(pc.meeting)]}"
            if pc.meeting
            else f"document:{pc.document_key}"
        )
        return {
            "kind": pc.kind, "subject": subject, "summary": pc.summary,
            "data": {**pc.data, "article_id": a.id, "title": a.title, "url": a.url,
                     "outlet": a.outlet},
            "article_id": a.id, "created_at": self.now, "suppressed": self.suppressed,
            "fanned_out": self.suppressed,
        }  # fmt: skip

    # --- end of the batch -------------------------------------------------------------

    def finish(self) -> dict[int, tuple[list[Change], int]]:
        """Write the queued rows; return article id → (change events, facts count)."""
        conn = self.conn
        if self._sources:
            conn.execute(_INSERT_SOURCES, self._sources)
        if self._meeting_statuses:
            conn.execute(_INSERT_MEETING_STATUSES, self._meeting_statuses)
        self._write_documents()
        changes: dict[int, list[Change]] = {aid: [] for aid in self._counts}
        if self._events:
            ids = conn.execute(_INSERT_EVENTS, [e.values for e in self._events]).scalars().all()
            for event, event_id in zip(self._events, ids, strict=True):
                v = event.values
                changes[event.article_id].append(
                    Change(
                        v["kind"], v["subject"], v["summary"], v["data"], v["created_at"], event_id
                    )
                )
        if self._counts:
            conn.execute(
                _UPDATE_COUNTS,
                [
                    {"aid": aid, "facts": facts, "events": len(changes[aid])}
                    for aid, facts in self._counts.items()
                ],
            )
        return {aid: (changes[aid], facts) for aid, facts in self._counts.items()}

    def _write_documents(self) -> None:
        conn = self.conn
        for key, name in self._new_docs.items():
            stmt = insert(DOCUMENT).values(key=key, name=name).returning(DOCUMENT.c.id)
            self._doc_ids[key] = conn.execute(stmt).scalar_one()
        if self._doc_statuses:
            rows = [{**v, "document_id": self._doc_ids[key]} for key, v in self._doc_statuses]
            conn.execute(_INSERT_DOCUMENT_STATUSES, rows)
        if self._docs_current:
            conn.execute(
                _UPDATE_DOCUMENT,
                [
                    {
                        "did": self._doc_ids[k],
                        "st": v["status"],
                        "txt": v["status_text"],
                        "when": v["as_of"],
                    }
                    for k, v in self._docs_current.items()
                ],
            )
