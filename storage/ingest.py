"""Writing: store articles with their reconciled facts and change events, atomically.

The store loads the candidate meetings and documents inside its write transaction,
calls the pure ``bot.tracker.reconcile.reconcile`` and persists its plan together
with the outbox rows, so a crash never leaves facts without their events.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.tracker.models import Article, Change, Document, Extraction, Meeting, Relevance
from bot.tracker.ports import IngestItem, IngestResult
from bot.tracker.reconcile import MeetingDraft, ReconcilePlan, reconcile
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


def _has_facts(item: IngestItem) -> bool:
    return bool(item.relevance.relevant and item.extraction is not None)


def _article_values(item: IngestItem, now: datetime, suppressed: bool) -> dict:
    a, r = item.article, item.relevance
    return {
        "key": a.key, "feed_id": a.feed_id, "outlet": a.outlet, "url": a.url, "canonical_url": item.canonical_url,
        "title": a.title, "text": a.text, "published": a.published, "published_estimated": a.published_estimated,
        "language": a.language, "fetched_at": now, "relevant": r.relevant, "relevance_score": r.score,
        "relevance_reasons": list(r.reasons), "suppressed": suppressed, "cluster_id": item.cluster_id,
        "facts_count": 0, "events_count": 0,
    }  # fmt: skip


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class IngestMixin:
    """The writing half of ``Repository`` (which provides ``engine`` and ``_meeting``)."""

    def ingest(
        self,
        article: Article,
        extraction: Extraction | None,
        relevance: Relevance,
        *,
        now: datetime,
        canonical_url: str | None = None,
        cluster_id: int | None = None,
        suppressed: bool = False,
    ) -> IngestResult:
        """Store an article and, if relevant, its reconciled facts and change events, atomically."""
        item = IngestItem(article, extraction, relevance, canonical_url, cluster_id)
        return self.ingest_many([item], now=now, suppressed=suppressed)[0]

    def ingest_many(
        self, items: list[IngestItem], *, now: datetime, suppressed: bool = False
    ) -> list[IngestResult]:
        """Store several articles (one feed's new entries) in one transaction, in order."""
        for attempt in range(3):
            try:
                return self._ingest_batch(items, now, suppressed)
            except IntegrityError:
                # another feed stored one of these keys concurrently: retry, it is now known
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _ingest_batch(
        self, items: list[IngestItem], now: datetime, suppressed: bool
    ) -> list[IngestResult]:
        with Session(self.engine) as s, s.begin():
            keys = [i.article.key for i in items]
            known = dict(
                s.exec(
                    select(ArticleRow.key, ArticleRow.id).where(col(ArticleRow.key).in_(keys))
                ).all()
            )
            # articles without facts (most of a feed) are inserted in one statement
            plain = [i for i in items if i.article.key not in known and not _has_facts(i)]
            inserted = self._insert_plain(s, plain, now, suppressed)
            results = []
            for item in items:
                key = item.article.key
                if key in inserted:
                    results.append(
                        IngestResult(article_id=inserted[key], relevant=item.relevance.relevant)
                    )
                else:
                    results.append(self._ingest_one(s, item, known, now, suppressed))
            return results

    def _insert_plain(
        self, s: Session, items: list[IngestItem], now: datetime, suppressed: bool
    ) -> dict[str, int]:
        """Insert articles that carry no facts; return key → id."""
        if not items:
            return {}
        rows = [_article_values(i, now, suppressed) for i in items]
        ids = dict(
            s.execute(insert(ArticleRow).returning(ArticleRow.key, ArticleRow.id), rows).all()
        )
        own = [ids[i.article.key] for i in items if i.cluster_id is None]
        if own:  # an article outside any cluster is its own cluster
            s.execute(
                update(ArticleRow)
                .where(col(ArticleRow.id).in_(own))
                .values(cluster_id=ArticleRow.id)
            )
        return ids

    def _ingest_one(
        self, s: Session, item: IngestItem, known: dict[str, int], now: datetime, suppressed: bool
    ) -> IngestResult:
        article, extraction, relevance = item.article, item.extraction, item.relevance
        if article.key in known:
            return IngestResult(article_id=known[article.key], duplicate=True)
        row = ArticleRow(
            key=article.key, feed_id=article.feed_id, outlet=article.outlet, url=article.url,
            canonical_url=item.canonical_url, title=article.title, text=article.text,
            published=article.published, published_estimated=article.published_estimated,
            language=article.language, fetched_at=now, relevant=relevance.relevant,
            relevance_score=relevance.score, relevance_reasons=list(relevance.reasons),
            suppressed=suppressed, cluster_id=item.cluster_id,
        )  # fmt: skip
        s.add(row)
        s.flush()
        known[article.key] = row.id
        if row.cluster_id is None:
            row.cluster_id = row.id
        if not relevance.relevant or extraction is None:
            return IngestResult(article_id=row.id)
        stored = replace(article, id=row.id)
        plan = reconcile(stored, extraction, self._candidates(s, extraction), self._docs(s))
        changes = self._apply(s, stored, plan, now, suppressed)
        row.facts_count = len(extraction.meetings) + len(extraction.documents)
        row.events_count = len(changes)
        return IngestResult(row.id, False, True, row.facts_count, tuple(changes))

    # --- reconciliation I/O ------------------------------------------------------------

    def _candidates(self, s: Session, extraction: Extraction) -> list[Meeting]:
        dates = [m.date for m in extraction.meetings if m.date]
        if not extraction.meetings:
            return []
        query = select(MeetingRow)
        if dates:
            lo, hi = min(dates) - CANDIDATE_WINDOW, max(dates) + CANDIDATE_WINDOW
            query = query.where(
                or_(col(MeetingRow.date).is_(None), col(MeetingRow.date).between(lo, hi))
            )
        rows = s.exec(query.order_by(col(MeetingRow.id).desc()).limit(500)).all()
        return [self._meeting(s, r, with_sources=False) for r in rows]

    def _docs(self, s: Session) -> dict[str, Document]:
        return {
            r.key: Document(r.key, r.name, r.status, r.status_text, r.as_of)
            for r in s.exec(select(DocumentRow)).all()
        }

    def _apply(
        self, s: Session, article: Article, plan: ReconcilePlan, now: datetime, suppressed: bool
    ) -> list[Change]:
        ids: dict[int, int] = {}
        for draft in plan.meetings:
            ids[id(draft)] = self._save_meeting(s, draft, article, now)
        for entry in plan.documents:
            doc = s.exec(select(DocumentRow).where(DocumentRow.key == entry.key)).first()
            if doc is None:
                doc = DocumentRow(key=entry.key, name=entry.name)
                s.add(doc)
                s.flush()
            s.add(
                DocumentStatusRow(
                    document_id=doc.id, status=entry.status, status_text=entry.status_text,
                    as_of=article.published or now, article_id=article.id, sentence=entry.sentence,
                    prospective=entry.prospective,
                )
            )  # fmt: skip
            if entry.becomes_current:
                doc.status, doc.status_text = entry.status, entry.status_text
                doc.as_of = article.published or now
        changes = []
        for pc in plan.changes:
            subject = (
                f"meeting:{ids[id(pc.meeting)]}" if pc.meeting else f"document:{pc.document_key}"
            )
            ob = OutboxRow(
                kind=pc.kind, subject=subject, summary=pc.summary,
                data={**pc.data, "article_id": article.id, "title": article.title,
                      "url": article.url, "outlet": article.outlet},
                article_id=article.id, created_at=now, suppressed=suppressed, fanned_out=suppressed,
            )  # fmt: skip
            s.add(ob)
            s.flush()
            changes.append(change_from_row(ob))
        return changes

    def _save_meeting(self, s: Session, d: MeetingDraft, article: Article, now: datetime) -> int:
        row = s.get(MeetingRow, d.id) if d.id else MeetingRow(created_at=now)
        for name in ("date", "date_end", "date_precision", "place", "country", "format", "status"):
            setattr(row, name, getattr(d, name))
        row.parties, row.participants = list(d.parties), list(d.participants)
        row.conflicts = list(d.conflicts)
        row.updated_at = now
        row.last_reported = d.last_reported
        s.add(row)
        s.flush()
        for m in d.new_sources:
            key = _hash(m.evidence)
            dup = s.exec(
                select(MeetingSourceRow.id).where(
                    MeetingSourceRow.meeting_id == row.id,
                    MeetingSourceRow.article_id == article.id,
                    MeetingSourceRow.sentence_hash == key,
                )
            ).first()
            if dup is None:
                s.add(
                    MeetingSourceRow(
                        meeting_id=row.id, article_id=article.id, sentence=m.evidence,
                        sentence_hash=key, reported_status=m.status, reported_place=m.place,
                        reported_date=m.date.isoformat() if m.date else None,
                    )
                )  # fmt: skip
        for status, sentence in d.new_statuses:
            s.add(
                MeetingStatusRow(
                    meeting_id=row.id, status=status, as_of=article.published or now,
                    article_id=article.id, sentence=sentence,
                )
            )  # fmt: skip
        return row.id


def change_from_row(r: OutboxRow) -> Change:
    """Map an outbox row to its change event."""
    return Change(r.kind, r.subject, r.summary, dict(r.data or {}), r.created_at, r.id)
