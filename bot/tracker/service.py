"""Use cases over the store: ingest articles, answer questions about meetings and documents."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.tracker.digest import Digest, build_digest
from bot.tracker.extract import extract
from bot.tracker.models import Article, Change, Document, Extraction, Meeting
from bot.tracker.ports import Clock, IngestResult

log = logging.getLogger(__name__)
SEARCH_TEXT_WINDOW = 10_000  # full text of the newest relevant articles; titles at any age


@dataclass
class SeedReport:
    """What ``parley seed`` did."""

    articles: int = 0
    new: int = 0
    duplicates: int = 0
    relevant: int = 0
    facts: int = 0
    changes: list[Change] = field(default_factory=list)


def analyse(article: Article) -> Extraction:
    """Run relevance and extraction on one article (pure, CPU-bound)."""
    return extract(article.title, article.text, article.published_date)


class Tracker:
    """The domain's use cases; ``repo`` and ``outbox`` are async store proxies."""

    def __init__(self, repo: Any, outbox: Any, clock: Clock):
        self.repo = repo
        self.outbox = outbox
        self.clock = clock

    # --- writing ------------------------------------------------------------------------

    async def ingest(
        self,
        article: Article,
        *,
        suppressed: bool = False,
        extraction: Extraction | None = None,
        **extra: Any,
    ) -> IngestResult:
        """Store one article with its facts and change events (no-op if already stored).

        ``extraction`` is the article's analysis when the caller ran it already (in a
        process pool); otherwise it runs here, in a worker thread.
        """
        if extraction is None:
            existing = await self.repo.article_by_key(article.key)
            if existing is not None:
                return IngestResult(article_id=existing.id or 0, duplicate=True)
            extraction = await asyncio.to_thread(analyse, article)
        result = await self.repo.ingest(
            article,
            extraction,
            extraction.relevance,
            now=self.clock.now(),
            suppressed=suppressed,
            **extra,
        )
        log.info(
            "article %s ingested: relevant=%s facts=%d events=%d",
            article.key, result.relevant, result.facts, len(result.changes),
        )  # fmt: skip
        return result

    async def ingest_many(
        self, items: list[Any], *, suppressed: bool = False
    ) -> list[IngestResult]:
        """Store already-analysed articles (``IngestItem``s of one feed) in one transaction."""
        results = await self.repo.ingest_many(items, now=self.clock.now(), suppressed=suppressed)
        for item, result in zip(items, results, strict=True):
            if not result.duplicate:
                log.debug(
                    "article %s ingested: relevant=%s facts=%d",
                    item.article.key,
                    result.relevant,
                    result.facts,
                )
        return results

    async def seed(self, articles: list[Article], *, suppressed: bool = False) -> SeedReport:
        """Ingest the seed articles in publication order; running it twice changes nothing."""
        report = SeedReport(articles=len(articles))
        ordered = sorted(articles, key=lambda a: (a.published is None, a.published, a.key))
        for article in ordered:
            result = await self.ingest(article, suppressed=suppressed)
            if result.duplicate:
                report.duplicates += 1
                continue
            report.new += 1
            report.relevant += int(result.relevant)
            report.facts += result.facts
            report.changes.extend(result.changes)
        return report

    # --- reading ------------------------------------------------------------------------

    async def meetings(
        self, when: str = "upcoming", *, party: str | None = None, place: str | None = None,
        page: int = 1, page_size: int = 8,
    ) -> tuple[list[Meeting], int]:  # fmt: skip
        """A page of meetings and the total count."""
        today = self.clock.now().date()
        return await self.repo.meetings(
            when, today, party=party, place=place, limit=page_size, offset=(page - 1) * page_size
        )

    async def meeting(self, meeting_id: int) -> Meeting | None:
        return await self.repo.meeting(meeting_id)

    async def find_meetings(self, query: str, limit: int = 25) -> list[Meeting]:
        """Meetings whose people, parties or place match ``query`` (newest first)."""
        found, _ = await self.repo.meetings("all", self.clock.now().date(), limit=200)
        words = [w for w in query.lower().split() if w]

        def hay(m: Meeting) -> str:  # noqa: E306
            return " ".join([*m.participants, *m.parties, m.place or "", m.country or "",
                             m.date.isoformat() if m.date else "", str(m.id)]).lower()  # fmt: skip

        return [m for m in found if all(w in hay(m) for w in words)][:limit]

    async def next_meeting(self) -> Meeting | None:
        planned, _ = await self.repo.meetings("upcoming", self.clock.now().date(), limit=20)
        return next((m for m in planned if m.status == "planned"), None)

    async def last_held(self) -> Meeting | None:
        past, _ = await self.repo.meetings("past", self.clock.now().date(), limit=20)
        return next((m for m in past if m.status == "held"), None)

    async def documents(self) -> list[Document]:
        return await self.repo.documents()

    async def document(self, key: str) -> Document | None:
        return await self.repo.document(key)

    async def timeline(self, days: int) -> list[Change]:
        since = self.clock.now() - timedelta(days=days)
        return await self.repo.changes_since(since)

    async def search(self, text: str, limit: int = 8) -> list[Any]:
        """Articles matching ``text``: any title, or the text of the newest relevant articles."""
        return await self.repo.search_articles(text, limit, SEARCH_TEXT_WINDOW)

    async def digest(self, since: datetime, until: datetime | None = None) -> Digest:
        """The digest of what changed in [since, until)."""
        until = until or self.clock.now()
        changes = await self.repo.changes_since(since, until, 500)
        counts = await self.repo.counts()
        return build_digest(since, until, changes, await self.next_meeting(), counts)

    async def counts(self) -> dict[str, int]:
        return await self.repo.counts()
