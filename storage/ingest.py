"""Writing: store articles with their reconciled facts and change events, atomically.

One feed's new entries are stored in one transaction: the articles with one insert,
then each relevant article is reconciled (``storage.facts.FactWriter``) and its facts
and outbox rows are written in the same transaction, so a crash never leaves facts
without their events.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.tracker.models import Article, Change, Extraction, Relevance
from bot.tracker.ports import IngestItem, IngestResult
from storage.db import lock_facts, write_lock
from storage.facts import ARTICLE, FactWriter
from storage.meeting_cache import MeetingCache
from storage.models import OutboxRow

# Built once (expanding parameters), so each batch reuses the compiled SQL.
_KNOWN_KEYS = select(ARTICLE.c.key, ARTICLE.c.id).where(
    ARTICLE.c.key.in_(bindparam("keys", expanding=True))
)
_INSERT_ARTICLES = insert(ARTICLE).returning(ARTICLE.c.key, ARTICLE.c.id)
_OWN_CLUSTERS = (
    update(ARTICLE)
    .where(ARTICLE.c.id.in_(bindparam("ids", expanding=True)))
    .values(cluster_id=ARTICLE.c.id)
)


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


class IngestMixin:
    """The writing half of ``Repository`` (which provides ``engine``)."""

    _meeting_cache: MeetingCache

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
        with write_lock(self.engine), self.engine.begin() as conn:
            keys = list({i.article.key for i in items})
            known = dict(conn.execute(_KNOWN_KEYS, {"keys": keys}).all())
            new: dict[str, IngestItem] = {}
            for item in items:  # a key repeated within the batch keeps its first entry
                if item.article.key not in known:
                    new.setdefault(item.article.key, item)
            ids = self._insert_articles(conn, list(new.values()), now, suppressed)
            writer = FactWriter(conn, now, suppressed, self._meeting_cache)
            if any(_has_facts(i) for i in new.values()):
                lock_facts(conn)
            for key, item in new.items():
                if _has_facts(item):
                    writer.add(replace(item.article, id=ids[key]), item.extraction)
            facts = writer.finish()
        writer.commit_reads()
        results, stored = [], set()
        for item in items:
            key = item.article.key
            if key in known or key in stored:
                results.append(IngestResult(article_id=known.get(key) or ids[key], duplicate=True))
                continue
            stored.add(key)
            if ids[key] in facts:
                changes, count = facts[ids[key]]
                results.append(IngestResult(ids[key], False, True, count, tuple(changes)))
            else:
                results.append(IngestResult(article_id=ids[key], relevant=item.relevance.relevant))
        return results

    def _insert_articles(
        self, conn: Connection, items: list[IngestItem], now: datetime, suppressed: bool
    ) -> dict[str, int]:
        """Insert new articles with one statement; return key → id."""
        if not items:
            return {}
        rows = [_article_values(i, now, suppressed) for i in items]
        ids = dict(conn.execute(_INSERT_ARTICLES, rows).all())
        own = [ids[i.article.key] for i in items if i.cluster_id is None]
        if own:  # an article outside any cluster is its own cluster
            conn.execute(_OWN_CLUSTERS, {"ids": own})
        return ids


def change_from_row(r: OutboxRow) -> Change:
    """Map an outbox row to its change event."""
    return Change(r.kind, r.subject, r.summary, dict(r.data or {}), r.created_at, r.id)
