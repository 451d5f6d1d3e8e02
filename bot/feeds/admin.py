"""Feed administration shared by chat and the CLI: add, list, pause, resume, remove, why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.chat.commands import error as _err
from bot.chat.replies import Card, CommandRequest, Field, Reply
from bot.feeds.discovery import validate_feed_url
from bot.feeds.errors import FeedError
from bot.feeds.keys import canonical_url, entry_key


def ago(now: datetime, ts: datetime | None) -> str:
    if ts is None:
        return "never"
    seconds = int((now - ts).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            text = f"{seconds // size}{unit}"
            break
    else:
        text = f"{seconds}s"
    return f"in {text}" if future else f"{text} ago"


def feed_health_line(f: Any, now: datetime) -> str:
    """One feed's health: status, last success, last error, failures, next check, entries."""
    state = f.status + (f" ({f.disabled_reason})" if f.disabled_reason else "")
    error = f" · last error: {f.last_error} ({ago(now, f.last_error_at)})" if f.last_error else ""
    return (
        f"#{f.id} {f.name or f.url} — {state} · last success {ago(now, f.last_success_at)} · "
        f"{f.consecutive_failures} failure(s) in a row · next check {ago(now, f.next_check_at) if f.status == 'active' else '—'} · "
        f"{f.entries_seen} entries seen{error}"
    )


@dataclass
class FeedAdmin:
    """Use cases for watched feeds; ``store`` and ``repo`` are async store proxies."""

    store: Any
    repo: Any
    fetcher_factory: Any  # async context manager yielding a FeedFetcher
    clock: Any
    interval_minutes: int = 15

    async def health(self) -> dict[str, int]:
        return await self.store.health()

    async def search(self, text: str) -> list[Any]:
        return await self.store.search(text)

    async def add(self, url: str, name: str | None = None) -> tuple[Any, str | None]:
        """Validate ``url`` (discovering the feed of an HTML page) and watch it."""
        async with self.fetcher_factory() as fetcher:
            validated = await validate_feed_url(fetcher, url)
        row = await self.store.add(
            validated.url,
            name or validated.title or validated.url,
            now=self.clock.now(),
            interval_minutes=self.interval_minutes,
        )
        return row, validated.discovered_from

    async def resolve(self, ref: str) -> Any:
        """Find a feed by #id, URL or name."""
        ref = ref.strip()
        if ref.lstrip("#").isdigit():
            return await self.store.get(int(ref.lstrip("#")))
        by_url = await self.store.by_url(ref)
        if by_url is not None:
            return by_url
        found = await self.store.search(ref)
        return found[0] if len(found) == 1 else None

    async def why(self, url: str) -> str:
        """Explain what happened to an article URL."""
        key = entry_key(None, url, None, None)
        row = await self.repo.find_article(key, canonical_url(url))
        if row is None:
            return f"Not seen: no watched feed has delivered {url} (yet)."
        lines = [
            f"Article #{row.id} “{row.title}” ({row.outlet or 'unknown outlet'}), stored {ago(self.clock.now(), row.fetched_at)}."
        ]
        if row.cluster_id and row.cluster_id != row.id:
            first = await self.repo.article_row(row.cluster_id)
            lines.append(
                f"Near-duplicate of article #{row.cluster_id} “{first.title if first else '?'}”: counted as one report."
            )
        if not row.relevant:
            reasons = "; ".join(row.relevance_reasons or []) or "no reasons recorded"
            lines.append(f"Not about the talks (score {row.relevance_score:.2f}): {reasons}.")
            return " ".join(lines)
        lines.append(
            f"Relevant (score {row.relevance_score:.2f}): {'; '.join(row.relevance_reasons or [])}."
        )
        lines.append(
            f"{row.facts_count} fact(s) extracted, {row.events_count} change event(s) emitted."
        )
        if row.suppressed:
            lines.append(
                "It arrived in a feed's first poll (backlog), so its events were recorded but not posted."
            )
        return " ".join(lines)

    async def command(self, name: str, req: CommandRequest) -> Reply:
        """Answer a `feeds …` chat command."""
        opt = lambda key: str(req.options.get(key) or "").strip()  # noqa: E731
        if name == "feeds list":
            return await self._list()
        if name == "feeds add":
            if not opt("url"):
                return _err("Which feed? e.g. /feeds add https://example.org/rss")
            try:
                row, page = await self.add(opt("url"), opt("name") or None)
            except FeedError as exc:
                return _err(f"Cannot add {opt('url')}: {exc} ({exc.reason})")
            except ValueError as exc:  # FeedExists
                return _err(str(exc))
            found = f" (found on {page})" if page else ""
            return Reply(
                text=f"✓ Watching #{row.id} {row.name}: {row.url}{found}. Its current items are stored without posting.",
                ephemeral=True,
            )
        if name == "feeds why":
            if not opt("url"):
                return _err("Which article URL?")
            return Reply(text=await self.why(opt("url")), ephemeral=True)
        if name in ("feeds pause", "feeds resume", "feeds remove"):
            return await self._change(name.split()[1], opt("feed"))
        return _err(f"Unknown feeds command {name!r}: use add, list, pause, resume, remove or why.")

    async def _list(self) -> Reply:
        feeds = await self.store.all()
        if not feeds:
            return Reply(
                text="No feeds are watched. Add one with /feeds add <url>.", ephemeral=True
            )
        now = self.clock.now()
        lines = [feed_health_line(f, now) for f in feeds]
        fields = tuple(
            Field(f"#{f.id} {f.name or f.url}"[:256], feed_health_line(f, now)) for f in feeds[:25]
        )
        return Reply(
            text="\n".join(lines),
            cards=(Card(title=f"Watched feeds ({len(feeds)})", fields=fields),),
            ephemeral=True,
        )

    async def _change(self, action: str, ref: str) -> Reply:
        if not ref:
            return _err(f"Which feed? Give its #id, URL or name: /feeds {action} <feed>")
        feed = await self.resolve(ref)
        if feed is None:
            return _err(f"No single feed matches {ref!r}; see /feeds list.")
        if action == "remove":
            await self.store.remove(feed.id)
            return Reply(
                text=f"✓ Removed #{feed.id} {feed.name or feed.url}. Its articles and facts stay.",
                ephemeral=True,
            )
        status = "paused" if action == "pause" else "active"
        await self.store.set_status(feed.id, status, now=self.clock.now())
        return Reply(text=f"✓ #{feed.id} {feed.name or feed.url} is now {status}.", ephemeral=True)
