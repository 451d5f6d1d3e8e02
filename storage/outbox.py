"""Outbox delivery, channel subscriptions, per-server settings and digests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bot.tracker.models import Change
from storage.db import write_session
from storage.ingest import change_from_row
from storage.models import DeliveryRow, DigestRow, OutboxRow, SubscriptionRow, WorkspaceRow

# Which change kinds go to which subscription kind.
ADMIN_KINDS = frozenset({"feed_disabled"})
QUIET_KINDS = frozenset({"meeting_new_source"})  # digest material, not posted on their own


@dataclass(frozen=True)
class PendingDelivery:
    delivery_id: int
    platform: str
    workspace_id: str
    channel_id: str
    attempts: int
    change: Change


class OutboxStore:
    """Fan events out to subscribed channels and track each delivery."""

    def __init__(self, engine: Engine):
        self.engine = engine

    # --- per-server settings ---------------------------------------------------------

    def subscribe(
        self,
        platform: str,
        workspace_id: str,
        kind: str,
        channel_id: str,
        *,
        now: datetime,
        digest_time: str | None = None,
        timezone: str | None = None,
    ) -> SubscriptionRow:
        """Set the channel for ``kind`` (updates | digest | admin) in a workspace."""
        with write_session(self.engine) as s:
            row = s.exec(
                select(SubscriptionRow).where(
                    SubscriptionRow.platform == platform,
                    SubscriptionRow.workspace_id == workspace_id,
                    SubscriptionRow.kind == kind,
                )
            ).first()
            if row is None:
                row = SubscriptionRow(
                    platform=platform,
                    workspace_id=workspace_id,
                    kind=kind,
                    channel_id=channel_id,
                    created_at=now,
                )
            row.channel_id = channel_id
            if digest_time is not None:
                row.digest_time = digest_time
            if timezone is not None:
                row.timezone = timezone
            s.add(row)
            s.flush()
            s.expunge(row)
            return row

    def subscriptions(
        self, platform: str | None = None, kind: str | None = None
    ) -> list[SubscriptionRow]:
        with Session(self.engine) as s:
            q = select(SubscriptionRow)
            if platform:
                q = q.where(SubscriptionRow.platform == platform)
            if kind:
                q = q.where(SubscriptionRow.kind == kind)
            return list(s.exec(q.order_by(SubscriptionRow.id)).all())

    def workspace(self, platform: str, workspace_id: str) -> WorkspaceRow:
        with Session(self.engine) as s:
            row = s.exec(
                select(WorkspaceRow).where(
                    WorkspaceRow.platform == platform, WorkspaceRow.workspace_id == workspace_id
                )
            ).first()
            return row or WorkspaceRow(platform=platform, workspace_id=workspace_id)

    def set_workspace(self, platform: str, workspace_id: str, **values: object) -> WorkspaceRow:
        with write_session(self.engine) as s:
            row = s.exec(
                select(WorkspaceRow).where(
                    WorkspaceRow.platform == platform, WorkspaceRow.workspace_id == workspace_id
                )
            ).first() or WorkspaceRow(platform=platform, workspace_id=workspace_id)
            for name, value in values.items():
                setattr(row, name, value)
            s.add(row)
            s.flush()
            s.expunge(row)
            return row

    # --- delivery --------------------------------------------------------------------

    def fan_out(self, now: datetime) -> int:
        """Create one delivery per subscribed channel for every new event; return how many."""
        created = 0
        with write_session(self.engine) as s:
            events = s.exec(select(OutboxRow).where(OutboxRow.fanned_out == False)).all()  # noqa: E712
            subs = s.exec(select(SubscriptionRow)).all()
            for ev in events:
                ev.fanned_out = True
                if ev.suppressed or ev.kind in QUIET_KINDS:
                    continue
                wanted = "admin" if ev.kind in ADMIN_KINDS else "updates"
                for sub in subs:
                    if sub.kind == wanted:
                        s.add(
                            DeliveryRow(
                                outbox_id=ev.id, platform=sub.platform, workspace_id=sub.workspace_id,
                                channel_id=sub.channel_id, next_attempt_at=now,
                            )
                        )  # fmt: skip
                        created += 1
        return created

    def due_deliveries(
        self, platform: str, now: datetime, limit: int = 50
    ) -> list[PendingDelivery]:
        with Session(self.engine) as s:
            rows = s.exec(
                select(DeliveryRow, OutboxRow)
                .join(OutboxRow, OutboxRow.id == DeliveryRow.outbox_id)
                .where(DeliveryRow.platform == platform, DeliveryRow.status == "pending")
                .where(DeliveryRow.next_attempt_at <= now)
                .order_by(col(DeliveryRow.id))
                .limit(limit)
            ).all()
            return [
                PendingDelivery(
                    d.id, d.platform, d.workspace_id, d.channel_id, d.attempts, change_from_row(o)
                )
                for d, o in rows
            ]

    def earlier_post(
        self, platform: str, channel_id: str, subject: str, before_delivery: int
    ) -> str | None:
        """The message id of the last delivered post about ``subject`` in that channel."""
        with Session(self.engine) as s:
            return s.exec(
                select(DeliveryRow.message_id)
                .join(OutboxRow, OutboxRow.id == DeliveryRow.outbox_id)
                .where(
                    DeliveryRow.platform == platform,
                    DeliveryRow.channel_id == channel_id,
                    DeliveryRow.status == "delivered",
                    OutboxRow.subject == subject,
                    DeliveryRow.id < before_delivery,
                )
                .order_by(col(DeliveryRow.id).desc())
            ).first()

    def mark_delivered(self, delivery_id: int, message_id: str, now: datetime) -> None:
        with write_session(self.engine) as s:
            row = s.get(DeliveryRow, delivery_id)
            row.status, row.message_id, row.delivered_at = "delivered", message_id, now
            row.attempts += 1

    def mark_failed(
        self, delivery_id: int, error: str, now: datetime, *, retry_at: datetime | None
    ) -> None:
        """Record a failed attempt; ``retry_at`` None gives up (status failed)."""
        with write_session(self.engine) as s:
            row = s.get(DeliveryRow, delivery_id)
            row.attempts += 1
            row.last_error = error[:500]
            if retry_at is None:
                row.status = "failed"
            else:
                row.next_attempt_at = retry_at

    def delivery_counts(self) -> dict[str, int]:
        with Session(self.engine) as s:
            rows = s.exec(
                select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status)
            ).all()
            return {status: n for status, n in rows}

    # --- digests ---------------------------------------------------------------------

    def last_digest(self, platform: str, channel_id: str) -> DigestRow | None:
        with Session(self.engine) as s:
            return s.exec(
                select(DigestRow)
                .where(DigestRow.platform == platform, DigestRow.channel_id == channel_id)
                .order_by(col(DigestRow.period_end).desc())
            ).first()

    def record_digest(self, **fields: object) -> None:
        with write_session(self.engine) as s:
            s.add(DigestRow(**fields))
