"""Queries for articles and canonical facts; maps rows to domain dataclasses.

Feed, outbox and per-server queries live beside it (``storage/feeds.py``,
``storage/outbox.py``) so each module stays small; all are synchronous and run
in a worker thread through ``storage.async_store.AsyncStore``.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, String, cast, func, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.tracker.models import (
    Article,
    Change,
    Document,
    DocumentStatusEntry,
    Extraction,
    Meeting,
    MeetingStatusEntry,
    Relevance,
    Source,
)
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


class Repository:
    """Articles, meetings and documents."""

    def __init__(self, engine: Engine):
        self.engine = engine

    # --- articles -------------------------------------------------------------------

    def article_by_key(self, key: str) -> Article | None:
        with Session(self.engine) as s:
            row = s.exec(select(ArticleRow).where(ArticleRow.key == key)).first()
            return _article(row) if row else None

    def article_row(self, article_id: int) -> ArticleRow | None:
        with Session(self.engine) as s:
            return s.get(ArticleRow, article_id)

    def find_article(self, key: str, canonical_url: str | None) -> ArticleRow | None:
        """Find a stored article by natural key or canonical URL (for `why`)."""
        with Session(self.engine) as s:
            conds = [ArticleRow.key == key]
            if canonical_url:
                conds.append(ArticleRow.canonical_url == canonical_url)
            return s.exec(select(ArticleRow).where(or_(*conds))).first()

    def recent_texts(self, since: datetime, limit: int = 5000) -> list[tuple[int, int | None, str]]:
        """(id, cluster id, title + text) of recent relevant articles, to warm the clusterer."""
        with Session(self.engine) as s:
            rows = s.exec(
                select(
                    ArticleRow.id, ArticleRow.cluster_id, ArticleRow.title + "\n" + ArticleRow.text
                )
                .where(ArticleRow.fetched_at >= since, ArticleRow.relevant == True)  # noqa: E712
                .order_by(col(ArticleRow.id).desc())
                .limit(limit)
            ).all()
            return [(r[0], r[1], r[2]) for r in reversed(rows)]

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
        return [self._meeting(s, r, with_sources=True) for r in rows]

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
            changes.append(_change(ob))
        return changes

    def _save_meeting(self, s: Session, d: MeetingDraft, article: Article, now: datetime) -> int:
        row = s.get(MeetingRow, d.id) if d.id else MeetingRow(created_at=now)
        for name in ("date", "date_end", "date_precision", "place", "country", "format", "status"):
            setattr(row, name, getattr(d, name))
        row.parties, row.participants = list(d.parties), list(d.participants)
        row.conflicts = list(d.conflicts)
        row.updated_at = now
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

    # --- reading canonical state ---------------------------------------------------------

    def _meeting(self, s: Session, row: MeetingRow, *, with_sources: bool) -> Meeting:
        sources: tuple[Source, ...] = ()
        history: tuple[MeetingStatusEntry, ...] = ()
        if with_sources:
            srcs = s.exec(
                select(MeetingSourceRow, ArticleRow)
                .join(ArticleRow, ArticleRow.id == MeetingSourceRow.article_id)
                .where(MeetingSourceRow.meeting_id == row.id)
                .order_by(col(ArticleRow.published), col(MeetingSourceRow.id))
            ).all()
            sources = tuple(_source(a, ms.sentence) for ms, a in srcs)
            hist = s.exec(
                select(MeetingStatusRow)
                .where(MeetingStatusRow.meeting_id == row.id)
                .order_by(col(MeetingStatusRow.as_of), col(MeetingStatusRow.id))
            ).all()
            by_article = {src.article_id: src for src in sources}
            history = tuple(
                MeetingStatusEntry(h.status, h.as_of, by_article.get(h.article_id)) for h in hist
            )
        return Meeting(
            id=row.id, date=row.date, date_end=row.date_end, date_precision=row.date_precision,
            place=row.place, country=row.country, format=row.format, status=row.status,
            parties=tuple(row.parties or ()), participants=tuple(row.participants or ()),
            sources=sources, history=history, conflicts=tuple(row.conflicts or ()),
            updated_at=row.updated_at,
        )  # fmt: skip

    def meeting(self, meeting_id: int) -> Meeting | None:
        with Session(self.engine) as s:
            row = s.get(MeetingRow, meeting_id)
            return self._meeting(s, row, with_sources=True) if row else None

    def meetings(
        self,
        when: str,
        today: date,
        *,
        party: str | None = None,
        place: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> tuple[list[Meeting], int]:
        """Meetings filtered by time; upcoming soonest first, past newest first."""
        with Session(self.engine) as s:
            q = select(MeetingRow)
            end = func.coalesce(MeetingRow.date_end, MeetingRow.date)
            if when == "upcoming":
                q = q.where(
                    or_(
                        end >= today,
                        (MeetingRow.status == "planned") & col(MeetingRow.date).is_(None),
                    )
                ).order_by(col(MeetingRow.date).asc().nulls_last(), col(MeetingRow.id))
            elif when == "past":
                q = q.where(end < today).order_by(
                    col(MeetingRow.date).desc(), col(MeetingRow.id).desc()
                )
            else:
                q = q.order_by(col(MeetingRow.date).desc().nulls_last(), col(MeetingRow.id).desc())
            if party:
                like = f"%{party.lower()}%"
                q = q.where(
                    or_(
                        func.lower(cast(MeetingRow.parties, String)).like(like),
                        func.lower(cast(MeetingRow.participants, String)).like(like),
                    )
                )
            if place:
                like = f"%{place.lower()}%"
                q = q.where(
                    or_(
                        func.lower(MeetingRow.place).like(like),
                        func.lower(MeetingRow.country).like(like),
                    )
                )
            total = s.exec(select(func.count()).select_from(q.order_by(None).subquery())).one()
            rows = s.exec(q.offset(offset).limit(limit)).all()
            counts = self._source_counts(s, [r.id for r in rows])
            out = [
                replace(self._meeting(s, r, with_sources=False), report_count=counts.get(r.id, 0))
                for r in rows
            ]
            return out, total

    def _source_counts(self, s: Session, ids: list[int]) -> dict[int, int]:
        if not ids:
            return {}
        rows = s.exec(
            select(MeetingSourceRow.meeting_id, func.count(func.distinct(ArticleRow.cluster_id)))
            .join(ArticleRow, ArticleRow.id == MeetingSourceRow.article_id)
            .where(col(MeetingSourceRow.meeting_id).in_(ids))
            .group_by(MeetingSourceRow.meeting_id)
        ).all()
        return {mid: n for mid, n in rows}

    def documents(self) -> list[Document]:
        with Session(self.engine) as s:
            rows = s.exec(select(DocumentRow).order_by(DocumentRow.key)).all()
            return [Document(r.key, r.name, r.status, r.status_text, r.as_of) for r in rows]

    def document(self, key: str) -> Document | None:
        with Session(self.engine) as s:
            r = s.exec(select(DocumentRow).where(DocumentRow.key == key)).first()
            if r is None:
                return None
            entries = s.exec(
                select(DocumentStatusRow, ArticleRow)
                .join(ArticleRow, ArticleRow.id == DocumentStatusRow.article_id)
                .where(DocumentStatusRow.document_id == r.id)
                .order_by(col(DocumentStatusRow.as_of), col(DocumentStatusRow.id))
            ).all()
            timeline = tuple(
                DocumentStatusEntry(
                    e.status, e.status_text, e.as_of, _source(a, e.sentence), e.prospective
                )
                for e, a in entries
            )
            return Document(r.key, r.name, r.status, r.status_text, r.as_of, timeline)

    def changes_since(
        self, since: datetime, until: datetime | None = None, limit: int = 200
    ) -> list[Change]:
        with Session(self.engine) as s:
            q = select(OutboxRow).where(OutboxRow.created_at >= since)
            if until is not None:
                q = q.where(OutboxRow.created_at < until)
            rows = s.exec(q.order_by(col(OutboxRow.id).desc()).limit(limit)).all()
            return [_change(r) for r in rows]

    def search_articles(
        self, text: str, limit: int = 10, text_window: int = 10_000
    ) -> list[ArticleRow]:
        """Relevant articles whose title matches, or whose text matches among the newest
        ``text_window`` relevant articles (so the cost does not grow with the store)."""
        pattern = f"%{text}%"
        with Session(self.engine) as s:
            cutoff = s.exec(
                select(ArticleRow.id)
                .where(ArticleRow.relevant == True)  # noqa: E712 - SQL comparison
                .order_by(col(ArticleRow.id).desc())
                .offset(text_window - 1)
                .limit(1)
            ).first()
            title, body = (
                self._contains(ArticleRow.title, pattern),
                self._contains(ArticleRow.text, pattern),
            )
            recent_body = body if cutoff is None else (ArticleRow.id >= cutoff) & body
            q = (
                select(ArticleRow)
                .where(ArticleRow.relevant == True)  # noqa: E712
                .where(or_(title, recent_body))
                .order_by(col(ArticleRow.published).desc().nulls_last())
                .limit(limit)
            )
            return list(s.exec(q).all())

    def _contains(self, column, pattern: str):  # noqa: ANN001, ANN202 - SQL expressions
        # SQLite's LIKE already ignores ASCII case (and lower() on every row is the cost);
        # PostgreSQL needs ILIKE.
        return (
            column.like(pattern) if self.engine.dialect.name == "sqlite" else column.ilike(pattern)
        )

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as s:

            def n(model, *where) -> int:  # noqa: ANN001
                return s.exec(select(func.count()).select_from(model).where(*where)).one()

            return {
                "articles": n(ArticleRow),
                "relevant_articles": n(ArticleRow, ArticleRow.relevant == True),  # noqa: E712
                "outlets": s.exec(select(func.count(func.distinct(ArticleRow.outlet)))).one(),
                "meetings": n(MeetingRow),
                "documents": n(DocumentRow),
            }


def _article(row: ArticleRow) -> Article:
    return Article(
        key=row.key, title=row.title, text=row.text, url=row.url, outlet=row.outlet,
        published=row.published, published_estimated=row.published_estimated,
        language=row.language, feed_id=row.feed_id, id=row.id,
    )  # fmt: skip


def _source(a: ArticleRow, sentence: str) -> Source:
    return Source(a.id, sentence, a.outlet, a.title, a.url, a.published, a.cluster_id)


def _change(r: OutboxRow) -> Change:
    return Change(r.kind, r.subject, r.summary, dict(r.data or {}), r.created_at, r.id)
