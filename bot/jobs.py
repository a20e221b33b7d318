"""Running one job for one commune: build its messages and queue them in the outbox, once.

The run and its outbox rows are one transaction: a crash mid-run leaves nothing, and the run
is retried; a finished run has a `job_run` row, so the same scheduled time never runs twice.
Outbox keys are (job, commune, local day, recipient): a manual `cdsbot jobs run` and the
scheduled run on the same day queue each message once between them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.payload import to_payload
from handlers.pushes.collect import BUILDERS, JobContext
from models.outbox import queue as oq
from models.schedule import JobRule

log = logging.getLogger(__name__)


def trigger_for(rule: JobRule, tz: ZoneInfo) -> CronTrigger:
    return CronTrigger(
        hour=rule.hour,
        minute=rule.minute,
        day_of_week=None if rule.days == "*" else rule.days,
        day=rule.day,
        timezone=tz,
    )


def fire_times(rule: JobRule, tz: ZoneInfo, after: datetime, until: datetime) -> list[datetime]:
    """Scheduled times with after < t <= until (for catching up after a restart)."""
    if rule.off:
        return []
    trigger = trigger_for(rule, tz)
    out, previous = [], None
    moment = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
    while moment is not None and moment <= until and len(out) < 50:
        out.append(moment)
        previous = moment
        moment = trigger.get_next_fire_time(previous, previous + timedelta(seconds=1))
    return out


def next_fire(rule: JobRule, tz: ZoneInfo, now: datetime) -> datetime | None:
    if rule.off:
        return None
    return trigger_for(rule, tz).get_next_fire_time(None, now)


async def queue_job(
    session: AsyncSession, *, job: str, commune_id: int, scheduled_for: datetime,
    tz: ZoneInfo, now: datetime,
) -> int:  # fmt: skip
    """Build the job's messages for the local day of `scheduled_for` and queue the new ones."""
    day = scheduled_for.astimezone(tz).date()
    outgoing = await BUILDERS[job](JobContext(session, commune_id, day, tz))
    queued = 0
    for item in outgoing:
        queued += await oq.enqueue(
            session,
            key=f"{job}:{commune_id}:{day.isoformat()}:{item.recipient_key}",
            channel=item.channel,
            bot=item.bot,
            chat_id=item.chat_id,
            member_id=item.member_id,
            commune_id=commune_id,
            job=job,
            payload=to_payload([item.reply]),
            now=now,
        )
    return queued


async def run_scheduled(
    sessionmaker: async_sessionmaker[AsyncSession], *, job: str, commune_id: int,
    scheduled_for: datetime, tz: ZoneInfo, now: datetime,
) -> int | None:  # fmt: skip
    """One scheduled run; None when this scheduled time already ran."""
    async with sessionmaker() as session, session.begin():
        args = dict(job=job, commune_id=commune_id, scheduled_for=scheduled_for)
        if not await oq.start_run(session, now=now, **args):
            return None
        queued = await queue_job(session, tz=tz, now=now, **args)
        await oq.finish_run(session, now=now, queued=queued, **args)
    log.info("job %s commune %s at %s: %d queued", job, commune_id, scheduled_for, queued)
    return queued


async def run_now(
    sessionmaker: async_sessionmaker[AsyncSession], *, job: str, commune_id: int,
    tz: ZoneInfo, now: datetime,
) -> int:  # fmt: skip
    """An operator's run (`cdsbot jobs run`): today's messages, deduplicated by the outbox key."""
    async with sessionmaker() as session, session.begin():
        return await queue_job(
            session, job=job, commune_id=commune_id, scheduled_for=now, tz=tz, now=now
        )
