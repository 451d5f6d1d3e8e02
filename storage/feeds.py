"""Feed queries: the watch list, its schedule (``next_check_at``) and each feed's health."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.db import write_session
from storage.models import ArticleRow, FeedRow, MetaRow, OutboxRow

YAML_IMPORTED = "feeds_yaml_imported"
_ARTICLE = ArticleRow.__table__
_RECENT_KEYS = (
    sa_select(_ARTICLE.c.key)
    .where(_ARTICLE.c.feed_id == bindparam("feed"))
    .order_by(_ARTICLE.c.id.desc())
    .limit(bindparam("limit"))
)


class FeedExists(ValueError):
    """The feed URL is already watched."""


class FeedStore:
    """Feeds and their polling state."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, url: str, name: str, *, now: datetime, interval_minutes: int = 15) -> FeedRow:
        """Watch a new feed; its first poll is due now and stores its backlog silently."""
        with write_session(self.engine) as s:
            if s.exec(select(FeedRow.id).where(FeedRow.url == url)).first() is not None:
                raise FeedExists(f"{url} is already watched")
            row = FeedRow(
                url=url,
                name=name,
                interval_minutes=interval_minutes,
                next_check_at=now,
                created_at=now,
            )
            s.add(row)
            s.flush()
            s.expunge(row)
            return row

    def import_defaults(
        self, feeds: list[tuple[str, str]], *, now: datetime, interval_minutes: int
    ) -> int:
        """Add the default feeds once per database (a removed default stays removed)."""
        with write_session(self.engine) as s:
            if s.get(MetaRow, YAML_IMPORTED) is not None:
                return 0
            known = set(s.exec(select(FeedRow.url)).all())
            added = 0
            for url, name in feeds:
                if url not in known:
                    s.add(
                        FeedRow(
                            url=url,
                            name=name,
                            interval_minutes=interval_minutes,
                            next_check_at=now,
                            created_at=now,
                        )
                    )
                    known.add(url)
                    added += 1
            s.add(MetaRow(key=YAML_IMPORTED, value=now.isoformat()))
            return added

    def get(self, feed_id: int) -> FeedRow | None:
        with Session(self.engine) as s:
            return s.get(FeedRow, feed_id)

    def by_url(self, url: str) -> FeedRow | None:
        with Session(self.engine) as s:
            return s.exec(select(FeedRow).where(FeedRow.url == url)).first()

    def all(self) -> list[FeedRow]:
        with Session(self.engine) as s:
            return list(s.exec(select(FeedRow).order_by(FeedRow.id)).all())

    def search(self, text: str, limit: int = 25) -> list[FeedRow]:
        like = f"%{text.lower()}%"
        with Session(self.engine) as s:
            q = select(FeedRow).where(
                or_(func.lower(FeedRow.name).like(like), func.lower(FeedRow.url).like(like))
            )
            return list(s.exec(q.order_by(FeedRow.id).limit(limit)).all())

    def set_status(
        self, feed_id: int, status: str, *, now: datetime, reason: str | None = None
    ) -> FeedRow | None:
        """Pause, resume (due now, failures reset) or disable a feed."""
        with write_session(self.engine) as s:
            row = s.get(FeedRow, feed_id)
            if row is None:
                return None
            row.status, row.disabled_reason = status, reason
            if status == "active":
                row.consecutive_failures, row.next_check_at, row.claimed_until = 0, now, None
            s.flush()
            s.expunge(row)
            return row

    def remove(self, feed_id: int) -> bool:
        with write_session(self.engine) as s:
            row = s.get(FeedRow, feed_id)
            if row is None:
                return False
            s.delete(row)
            return True

    def claim_due(self, now: datetime, *, limit: int, lease: timedelta) -> list[FeedRow]:
        """Claim up to ``limit`` due feeds for ``lease``; workers never claim the same feed."""
        with write_session(self.engine) as s:
            q = (
                select(FeedRow)
                .where(FeedRow.status == "active")
                .where(or_(col(FeedRow.next_check_at).is_(None), FeedRow.next_check_at <= now))
                .where(or_(col(FeedRow.claimed_until).is_(None), FeedRow.claimed_until < now))
                .order_by(col(FeedRow.next_check_at).asc().nulls_first(), col(FeedRow.id))
                .limit(limit)
            )
            if self.engine.dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True)
            rows = list(s.exec(q).all())
            for row in rows:
                row.claimed_until = now + lease
            s.flush()
            for row in rows:
                s.expunge(row)
            return rows

    def record_success(self, feed_id: int, **outcome: Any) -> None:
        """A poll worked (200 or 304): reset failures, remember validators, schedule the next."""
        self.record_outcomes([{"feed_id": feed_id, "ok": True, **outcome}])

    def record_failure(self, feed_id: int, **outcome: Any) -> bool:
        """Count a failure; when ``disable``, stop polling and emit a feed-health event (same tx)."""
        self.record_outcomes([{"feed_id": feed_id, "ok": False, **outcome}])
        return bool(outcome.get("disable"))

    def record_outcomes(self, outcomes: list[dict[str, Any]]) -> None:
        """Write a batch of poll outcomes in one transaction (see ``_success``/``_failure``)."""
        with write_session(self.engine) as s:
            rows = {
                r.id: r
                for r in s.exec(
                    select(FeedRow).where(col(FeedRow.id).in_([o["feed_id"] for o in outcomes]))
                )
            }
            for outcome in outcomes:
                row = rows.get(outcome["feed_id"])
                if row is None:
                    continue  # removed while it was being polled
                fields = {k: v for k, v in outcome.items() if k not in ("feed_id", "ok")}
                if outcome["ok"]:
                    _success(row, **fields)
                else:
                    _failure(s, row, **fields)

    def health(self) -> dict[str, int]:
        """Feeds by health: active, failing (active with failures), paused, disabled."""
        with Session(self.engine) as s:
            rows = s.exec(select(FeedRow.status, FeedRow.consecutive_failures)).all()
        out: dict[str, int] = {}
        for status, failures in rows:
            key = "failing" if status == "active" and failures else status
            out[key] = out.get(key, 0) + 1
        return out

    def recent_keys(self, feed_id: int, limit: int = 2000) -> set[str]:
        """Keys of the articles this feed delivered most recently (its entries seen before)."""
        with self.engine.connect() as conn:  # Core: called once per fetched feed
            return set(conn.execute(_RECENT_KEYS, {"feed": feed_id, "limit": limit}).scalars())


def _success(
    row: FeedRow, *, now: datetime, next_check_at: datetime, etag: str | None = None,
    last_modified: str | None = None, body_hash: str | None = None, ttl_minutes: int | None = None,
    new_entries: int = 0, not_modified: bool = False, title: str | None = None,
) -> None:  # fmt: skip
    row.last_success_at, row.consecutive_failures, row.claimed_until = now, 0, None
    row.next_check_at = next_check_at
    row.last_error = None
    if not not_modified:
        row.etag, row.last_modified, row.body_hash = etag, last_modified, body_hash
        row.ttl_minutes = ttl_minutes
        row.backlog_done = True
        if title and not row.name:
            row.name = title[:200]
    row.entries_seen += new_entries


def _failure(
    s: Session,
    row: FeedRow,
    *,
    now: datetime,
    reason: str,
    message: str,
    next_check_at: datetime,
    disable: bool,
) -> None:
    row.consecutive_failures += 1
    row.last_error, row.last_error_at = f"{reason}: {message}"[:500], now
    row.next_check_at, row.claimed_until = next_check_at, None
    if disable:
        row.status, row.disabled_reason = "disabled", reason
        summary = f"Feed disabled after {row.consecutive_failures} failures: {row.name or row.url} ({reason})"
        s.add(
            OutboxRow(
                kind="feed_disabled", subject=f"feed:{row.id}", summary=summary, created_at=now,
                data={"url": row.url, "reason": reason, "error": message[:300]},
            )
        )  # fmt: skip
