"""SQLModel tables — the only place the schema is declared (Alembic migrates it)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator):
    """Store naive UTC, hand back timezone-aware UTC (SQLite keeps no offsets)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def _ts(**kw: Any) -> Any:
    return Field(default=None, sa_type=UTCDateTime, **kw)


class FeedRow(SQLModel, table=True):
    __tablename__ = "feed"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    name: str = ""
    status: str = Field(default="active", index=True)  # active | paused | disabled
    disabled_reason: str | None = None
    interval_minutes: int = 15
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    ttl_minutes: int | None = None
    next_check_at: datetime | None = _ts(index=True)
    claimed_until: datetime | None = _ts()
    last_success_at: datetime | None = _ts()
    last_error: str | None = None
    last_error_at: datetime | None = _ts()
    consecutive_failures: int = 0
    entries_seen: int = 0
    backlog_done: bool = False
    created_at: datetime | None = _ts()


class ArticleRow(SQLModel, table=True):
    __tablename__ = "article"
    __table_args__ = (Index("ix_article_canonical_url", "canonical_url"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    feed_id: int | None = Field(
        default=None, foreign_key="feed.id", ondelete="SET NULL", index=True
    )
    outlet: str | None = Field(default=None, index=True)
    url: str | None = Field(default=None, sa_type=Text)
    canonical_url: str | None = Field(default=None, sa_type=Text)
    title: str = Field(default="", sa_type=Text)
    text: str = Field(default="", sa_type=Text)
    published: datetime | None = _ts(index=True)
    published_estimated: bool = False
    language: str = "en"
    fetched_at: datetime | None = _ts()
    relevant: bool | None = Field(default=None, index=True)
    relevance_score: float | None = None
    relevance_reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    cluster_id: int | None = Field(default=None, index=True)
    facts_count: int = 0
    events_count: int = 0
    suppressed: bool = False  # stored as backlog: its events were not posted


class MeetingRow(SQLModel, table=True):
    __tablename__ = "meeting"
    id: int | None = Field(default=None, primary_key=True)
    date: dt.date | None = Field(default=None, index=True)
    date_end: dt.date | None = None
    date_precision: str | None = None
    place: str | None = None
    country: str | None = None
    format: str = "bilateral"
    status: str = "planned"
    parties: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    participants: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    conflicts: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    created_at: datetime | None = _ts()
    updated_at: datetime | None = _ts(index=True)
    last_reported: datetime | None = _ts()  # publication time of the newest report
    revision: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # +1 per update


class MeetingSourceRow(SQLModel, table=True):
    __tablename__ = "meeting_source"
    __table_args__ = (UniqueConstraint("meeting_id", "article_id", "sentence_hash"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    sentence: str = Field(sa_type=Text)
    sentence_hash: str
    reported_status: str
    reported_place: str | None = None
    reported_date: str | None = None


class MeetingStatusRow(SQLModel, table=True):
    __tablename__ = "meeting_status"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    status: str
    as_of: datetime | None = _ts()
    article_id: int | None = Field(default=None, foreign_key="article.id", ondelete="SET NULL")
    sentence: str | None = Field(default=None, sa_type=Text)


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    name: str
    status: str | None = None
    status_text: str | None = Field(default=None, sa_type=Text)
    as_of: datetime | None = _ts()


class DocumentStatusRow(SQLModel, table=True):
    __tablename__ = "document_status"
    __table_args__ = (UniqueConstraint("document_id", "article_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    status: str
    status_text: str = Field(sa_type=Text)
    as_of: datetime | None = _ts()
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    sentence: str = Field(sa_type=Text)
    prospective: bool = False  # an announced next step, not the state at the time


class WorkspaceRow(SQLModel, table=True):
    """Per-server settings (a Discord guild, a Slack team, or the console)."""

    __tablename__ = "workspace"
    __table_args__ = (UniqueConstraint("platform", "workspace_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str
    workspace_id: str
    admin_role: str | None = None
    digest_skip_empty: bool = False


class SubscriptionRow(SQLModel, table=True):
    """A channel that receives updates, the digest, or feed-health warnings."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str
    workspace_id: str
    kind: str  # updates | digest | admin
    channel_id: str
    digest_time: str | None = None
    timezone: str | None = None
    created_at: datetime | None = _ts()


class OutboxRow(SQLModel, table=True):
    """A change event, written in the same transaction as the facts it describes."""

    __tablename__ = "outbox"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    subject: str = Field(index=True)
    summary: str = Field(sa_type=Text)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    article_id: int | None = Field(default=None, foreign_key="article.id", ondelete="SET NULL")
    created_at: datetime | None = _ts(index=True)
    suppressed: bool = False  # backlog: recorded, never posted
    fanned_out: bool = Field(default=False, index=True)


class DeliveryRow(SQLModel, table=True):
    """One event to one channel; ``message_id`` is recorded once the platform accepts it."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("outbox_id", "platform", "channel_id"),)
    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True, ondelete="CASCADE")
    platform: str
    workspace_id: str
    channel_id: str
    status: str = Field(default="pending", index=True)  # pending | delivered | failed
    attempts: int = 0
    next_attempt_at: datetime | None = _ts()
    last_error: str | None = Field(default=None, sa_type=Text)
    message_id: str | None = None
    delivered_at: datetime | None = _ts()


class DigestRow(SQLModel, table=True):
    __tablename__ = "digest"
    id: int | None = Field(default=None, primary_key=True)
    platform: str
    workspace_id: str
    channel_id: str
    period_start: datetime | None = _ts()
    period_end: datetime | None = _ts()
    posted_at: datetime | None = _ts()
    message_id: str | None = None
    changes: int = 0


class MetaRow(SQLModel, table=True):
    """Small key/value facts about the database itself (e.g. default feeds imported)."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str = ""
