"""Queries for articles and canonical facts; maps rows to domain dataclasses.

Writing (ingest with reconciliation) is in ``storage/ingest.py``; feed, outbox and
per-server queries live beside it (``storage/feeds.py``, ``storage/outbox.py``) so each
module stays small. All are synchronous and run in a worker thread through
``storage.async_store.AsyncProxy``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import Engine, String, cast, func, or_
from sqlmodel import Session, col, select

from bot.tracker.models import (
    Article,
    Change,
    Document,
    DocumentStatusEntry,
    Meeting,
    MeetingStatusEntry,
    Source,
)
from storage.ingest import IngestMixin, change_from_row
from storage.meeting_cache import MeetingCache, meeting_from_row
from storage.models import (
    ArticleRow,
    DocumentRow,
    DocumentStatusRow,
    MeetingRow,
    MeetingSourceRow,
    MeetingStatusRow,
    OutboxRow,
)


class Repository(IngestMixin):
    """Articles, meetings and documents."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._meeting_cache = MeetingCache()  # candidate meetings for the writer

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
        return meeting_from_row(row, sources=sources, history=history)

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
            return [change_from_row(r) for r in rows]

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
