"""APScheduler 3.x: a few fixed jobs. The feed schedule itself lives in the database."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import time as dtime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)
Job = Callable[[], Awaitable[Any]]


def _guarded(name: str, job: Job) -> Job:
    async def run() -> None:
        try:
            await job()
        except Exception:
            log.exception("job %s failed; it runs again at its next time", name)

    return run


def build_scheduler(
    *, tick: Job, digest: Job, digest_slots: list[tuple[str, str]], tick_seconds: int = 60
) -> AsyncIOScheduler:
    """A tick every minute (feeds + deliveries) and a cron job per digest time and zone."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        _guarded("tick", tick), IntervalTrigger(seconds=tick_seconds), id="tick",
        coalesce=True, max_instances=1, misfire_grace_time=tick_seconds,
    )  # fmt: skip
    set_digest_jobs(scheduler, digest, digest_slots)
    return scheduler


def set_digest_jobs(scheduler: AsyncIOScheduler, digest: Job, slots: list[tuple[str, str]]) -> None:
    """(Re)create one coalescing cron job per distinct (HH:MM, time zone) digest slot."""
    for job in scheduler.get_jobs():
        if job.id.startswith("digest:"):
            job.remove()
    for at, tz in sorted(set(slots)):
        t = dtime.fromisoformat(at)
        scheduler.add_job(
            _guarded(f"digest {at} {tz}", digest), CronTrigger(hour=t.hour, minute=t.minute, timezone=tz),
            id=f"digest:{at}:{tz}", coalesce=True, max_instances=1, misfire_grace_time=6 * 3600,
        )  # fmt: skip
