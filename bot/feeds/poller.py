"""Poll due feeds: claim → fetch → parse (worker thread) → new entries → ingest → reschedule.

No "newest timestamp seen" mark: an entry is new when its natural key is not stored
yet, so edited, reordered or dropped items cause neither duplicates nor misses. The
first successful poll of a feed stores its backlog without posting anything.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.feeds.cluster import Clusterer, Fingerprint, fingerprint
from bot.feeds.content import needs_full_text, with_full_text
from bot.feeds.errors import FeedError
from bot.feeds.fetcher import FeedFetcher, FetchResult
from bot.feeds.parser import FeedItem, body_hash, parse_feed
from bot.feeds.schedule import next_check_at, should_disable
from bot.tracker.models import Article, Extraction
from bot.tracker.ports import IngestItem
from bot.tracker.service import Tracker, analyse

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
CLUSTER_WINDOW = timedelta(days=3)


@dataclass
class PollStats:
    """Totals of one polling run (the `parley poll --once` table)."""

    feeds: int = 0
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    disabled: int = 0
    new_entries: int = 0
    relevant: int = 0
    facts: int = 0
    events: int = 0

    def add(self, other: PollStats) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class PollPolicy:
    min_interval: timedelta = timedelta(minutes=5)
    max_interval: timedelta = timedelta(hours=24)
    disable_after: int = 10
    batch: int = 50
    concurrency: int = 16
    full_text: bool = True
    rng: Any = None


@dataclass
class Poller:
    """Polls the feeds that are due; ``feeds`` is an async FeedStore proxy."""

    feeds: Any
    tracker: Tracker
    fetcher: FeedFetcher
    policy: PollPolicy = field(default_factory=PollPolicy)
    progress: Callable[[int, PollStats], None] | None = None
    clusterer: Clusterer = field(default_factory=Clusterer)
    cpu: Executor | None = None  # a process pool for parsing and extraction (both cores)
    _warm: bool = False

    async def poll_due(self, *, max_batches: int = 1000) -> PollStats:
        """Poll every feed due now, at most ``concurrency`` at once.

        Feeds are claimed in batches; the next batch is claimed while half of the last
        one is still in flight, so the pipeline never drains between batches. Outcomes
        are recorded in chunks of half a batch, each in one transaction.
        """
        await self._warm_clusters()
        total = PollStats()
        sem = asyncio.Semaphore(self.policy.concurrency)
        refill = max(1, self.policy.batch // 2)

        async def one(feed: Any) -> tuple[PollStats, dict[str, Any]]:
            async with sem:
                return await self.poll_feed(feed)

        in_flight: set[asyncio.Task] = set()
        outcomes: list[dict[str, Any]] = []
        claims, exhausted = 0, False
        try:
            while True:
                if not exhausted and len(in_flight) <= refill and claims < max_batches:
                    claimed = await self.feeds.claim_due(
                        self.tracker.clock.now(), limit=self.policy.batch, lease=LEASE
                    )
                    claims += 1
                    exhausted = not claimed
                    in_flight.update(asyncio.create_task(one(f)) for f in claimed)
                if not in_flight:
                    break
                done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    stats, outcome = task.result()
                    total.add(stats)
                    outcomes.append(outcome)
                if len(outcomes) >= refill or not in_flight:
                    await self.feeds.record_outcomes(outcomes)  # one transaction
                    outcomes = []
                    if self.progress:
                        self.progress(total.feeds, total)
        finally:
            for task in in_flight:
                task.cancel()
        return total

    async def _warm_clusters(self) -> None:
        if self._warm:
            return
        self._warm = True
        since = self.tracker.clock.now() - CLUSTER_WINDOW
        for article_id, cluster_id, text in await self.tracker.repo.recent_texts(since):
            self.clusterer.add(article_id, fingerprint(text), cluster_id or article_id)

    async def poll_feed(self, feed: Any) -> tuple[PollStats, dict[str, Any]]:
        """Poll one claimed feed; return its stats and the outcome to record (never raises)."""
        stats = PollStats(feeds=1)
        now = self.tracker.clock.now()
        try:
            result = await self.fetcher.fetch(
                feed.url, etag=feed.etag, last_modified=feed.last_modified
            )
            if result.not_modified or (feed.body_hash and _same_body(result, feed.body_hash)):
                stats.not_modified += 1
                return stats, _ok(
                    feed, now=now, next_check_at=self._next(feed, result), not_modified=True
                )
            stats.fetched += 1
            known = await self.feeds.recent_keys(feed.id)
            want_full = self.policy.full_text and feed.backlog_done  # never for a backlog
            digested = await self._run_cpu(
                digest_body, result.body, result.final_url, result.content_type, frozenset(known),
                feed.name or None, feed.id, now, want_full,
            )  # fmt: skip
            await self._ingest_fresh(feed, digested.fresh, stats)
            outcome = _ok(
                feed, now=now, next_check_at=self._next(feed, result, digested.ttl_minutes),
                etag=result.etag, last_modified=result.last_modified, body_hash=digested.body_hash,
                ttl_minutes=digested.ttl_minutes, new_entries=stats.new_entries, title=digested.title,
            )  # fmt: skip
        except FeedError as exc:
            outcome = self._failed(feed, exc, stats)
        except Exception as exc:  # a bug or a store error must not stop the other feeds
            log.exception("feed %s: unexpected error while polling", feed.id)
            outcome = self._failed(
                feed, FeedError(f"internal error: {exc!r}"[:300], url=feed.url), stats
            )
        log.debug(
            "feed %s polled: fetched=%d not_modified=%d failed=%d new=%d relevant=%d events=%d",
            feed.id, stats.fetched, stats.not_modified, stats.failed, stats.new_entries, stats.relevant, stats.events,
        )  # fmt: skip
        return stats, outcome

    async def _ingest_fresh(self, feed: Any, fresh: list[Fresh], stats: PollStats) -> None:
        """Store a feed's new entries; summary-only ones first get their article page's text."""
        pending = [f for f in fresh if f.extraction is None]
        if pending:
            items = [await with_full_text(self.fetcher, f.item) for f in pending]
            articles = [
                replace(f.article, text=i.text) for f, i in zip(pending, items, strict=True)
            ]
            analysed = iter(await self._run_cpu(analyse_batch, articles))
            done = {
                id(f): Fresh(f.item, a, *next(analysed))
                for f, a in zip(pending, articles, strict=True)
            }
            fresh = [done.get(id(f), f) for f in fresh]
        batch = []
        matches: dict[int, float] = {}  # similarity of each entry to its cluster
        for f in fresh:
            match = self.clusterer.best_match(f.fingerprint) if f.fingerprint else None
            if match:
                matches[id(f)] = match[1]
            batch.append(
                IngestItem(
                    f.article,
                    f.extraction,
                    f.extraction.relevance,
                    f.item.canonical_url,  # computed by the worker that parsed the feed
                    match[0] if match else None,
                )
            )
        if not batch:
            return
        results = await self.tracker.ingest_many(batch, suppressed=not feed.backlog_done)
        for entry, f, result in zip(batch, fresh, results, strict=True):
            if result.duplicate:
                continue
            if f.fingerprint:  # near-duplicates within one batch are not clustered with each other
                cluster = entry.cluster_id or result.article_id
                self.clusterer.add(result.article_id, f.fingerprint, cluster, matches.get(id(f)))
            stats.new_entries += 1
            stats.relevant += int(result.relevant)
            stats.facts += result.facts
            stats.events += len(result.changes)

    async def _run_cpu(self, fn: Callable[..., Any], *args: Any) -> Any:
        """CPU-heavy work off the event loop: the process pool when given, else a thread."""
        if self.cpu is None:
            return await asyncio.to_thread(fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self.cpu, fn, *args)

    def _next(self, feed: Any, result: FetchResult, ttl: int | None = None) -> datetime:
        return next_check_at(
            self.tracker.clock.now(), interval=timedelta(minutes=feed.interval_minutes),
            min_interval=self.policy.min_interval, max_interval=self.policy.max_interval,
            ttl_minutes=ttl or feed.ttl_minutes, max_age=result.max_age, expires=result.expires,
            rng=self.policy.rng,
        )  # fmt: skip

    def _failed(self, feed: Any, exc: FeedError, stats: PollStats) -> dict[str, Any]:
        failures = feed.consecutive_failures + 1
        disable = should_disable(failures, self.policy.disable_after)
        when = next_check_at(
            self.tracker.clock.now(), interval=timedelta(minutes=feed.interval_minutes),
            min_interval=self.policy.min_interval, max_interval=self.policy.max_interval,
            retry_after=getattr(exc, "retry_after", None), consecutive_failures=failures, rng=self.policy.rng,
        )  # fmt: skip
        stats.failed += 1
        stats.disabled += int(disable)
        log.warning("feed %s failed (%s, %d in a row): %s", feed.id, exc.reason, failures, exc)
        return {
            "feed_id": feed.id, "ok": False, "now": self.tracker.clock.now(), "reason": exc.reason,
            "message": str(exc), "next_check_at": when, "disable": disable,
        }  # fmt: skip


def _ok(feed: Any, **fields: Any) -> dict[str, Any]:
    return {"feed_id": feed.id, "ok": True, **fields}


def _article(outlet: str | None, feed_id: int, item: FeedItem, now: datetime) -> Article:
    return Article(
        key=item.key, title=item.title, text=item.text, url=item.url, outlet=outlet,
        published=item.published or item.updated or now, published_estimated=item.published is None,
        feed_id=feed_id,
    )  # fmt: skip


@dataclass(frozen=True)
class Fresh:
    """A new feed entry, its article and (unless it waits for its page's text) its analysis."""

    item: FeedItem
    article: Article
    extraction: Extraction | None = None
    fingerprint: Fingerprint = ()


@dataclass(frozen=True)
class Digested:
    """What a worker makes of one feed body: the feed's metadata and its new entries."""

    title: str
    ttl_minutes: int | None
    body_hash: str
    fresh: list[Fresh]


def digest_body(
    body: bytes, url: str, content_type: str | None, known: frozenset[str], outlet: str | None,
    feed_id: int, now: datetime, want_full_text: bool,
) -> Digested:  # fmt: skip
    """Parse a feed body and analyse its new entries in one worker call (one round trip).

    Entries whose feed gives only a summary are left unanalysed when their page's text
    is wanted: the caller fetches the page, then analyses them.
    """
    parsed = parse_feed(body, url, content_type=content_type)
    fresh = [i for i in parsed.items if i.key not in known]
    ready = [i for i in fresh if not (want_full_text and needs_full_text(i))]
    articles = {i.key: _article(outlet, feed_id, i, now) for i in fresh}
    analysed = dict(
        zip([i.key for i in ready], analyse_batch([articles[i.key] for i in ready]), strict=True)
    )
    out = [
        Fresh(i, articles[i.key], *analysed[i.key])
        if i.key in analysed
        else Fresh(i, articles[i.key])
        for i in fresh
    ]
    return Digested(parsed.title, parsed.ttl_minutes, parsed.body_hash, out)


def analyse_batch(articles: list[Article]) -> list[tuple[Extraction, Fingerprint]]:
    """Extraction and near-duplicate fingerprint of each article (runs in a worker process)."""
    out = []
    for a in articles:
        extraction = analyse(a)
        # near-duplicates matter for corroborating facts: only relevant articles are clustered
        fp = fingerprint(f"{a.title}\n{a.text}") if extraction.relevance.relevant else ()
        out.append((extraction, fp))
    return out


def _same_body(result: FetchResult, known_hash: str) -> bool:
    return body_hash(result.body) == known_hash
