"""The job scheduler: APScheduler cron jobs per commune, re-read every minute, caught up after a
restart within the grace window, run by exactly one worker (PostgreSQL advisory lock)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from bot.jobs import fire_times, run_scheduled, trigger_for
from bot.metrics import JOB_RUNS, LEADER, TICKS
from handlers.files import delete_expired
from models.base import utcnow
from models.inbound import KEEP_HANDLED, prune_handled
from models.schedule import CommuneSchedule, JobRule, schedules

log = logging.getLogger(__name__)
# Any constant shared by every worker of one deployment ("cdsbot" as bytes, as a number).
LOCK_KEY = 0x636473626F74
HOUSEKEEPING = timedelta(hours=1)
PRUNE_BATCH = 5_000
PRUNE_BATCHES = 100  # at most 500.000 keys an hour; a backlog clears over a few hours


class Elector:
    """Leader election. PostgreSQL: a session advisory lock held on a connection kept open for
    the purpose — it is released by the server the moment the holder dies. SQLite: one process
    does everything, so it always leads."""

    def __init__(self, engine: AsyncEngine, key: int = LOCK_KEY) -> None:
        self.engine, self.key = engine, key
        self.conn: AsyncConnection | None = None
        self.pg = engine.dialect.name == "postgresql"

    async def lead(self) -> bool:
        """True when this worker holds (or has just taken) the lock."""
        if not self.pg:
            return True
        try:
            if self.conn is None:
                self.conn = await self.engine.connect()
                got = await self.conn.scalar(
                    text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}
                )
                await self.conn.commit()
                if not got:
                    await self._drop()
                return bool(got)
            held = await self.conn.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND granted"
                )
            )
            await self.conn.commit()
            if not held:
                await self._drop()
            return bool(held)
        except Exception as exc:  # the connection died: the lock died with it
            log.warning("scheduler lock lost (%s)", type(exc).__name__)
            await self._drop()
            return False

    async def _drop(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # closing a dead connection
                await conn.close()

    async def release(self) -> None:
        if self.conn is not None:
            try:
                await self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                await self.conn.commit()
            finally:
                await self._drop()


class JobScheduler:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        engine: AsyncEngine,
        *,
        tz: ZoneInfo,
        grace: timedelta,
        clock: Callable[[], datetime] = utcnow,
        lock_key: int = LOCK_KEY,
        files_dir: Path | None = None,
        file_hours: int = 24,
    ) -> None:
        self.sessionmaker, self.tz, self.grace, self.clock = sessionmaker, tz, grace, clock
        self.files_dir, self.file_hours = files_dir, file_hours
        self.elector = Elector(engine, lock_key)
        self.leading = False
        self.last_housekeeping: datetime | None = None
        self.rules: dict[str, tuple[JobRule, ZoneInfo]] = {}
        self.skipped: dict[str, str] = {}
        self.aps: AsyncIOScheduler | None = None

    def start(self) -> None:
        self.aps = AsyncIOScheduler(timezone=self.tz)
        self.aps.add_job(
            self.tick,
            IntervalTrigger(minutes=1, timezone=self.tz),
            id="tick",
            next_run_time=utcnow(),
            max_instances=1,
            coalesce=True,
        )
        self.aps.start()

    async def stop(self) -> None:
        if self.aps is not None:
            self.aps.shutdown(wait=False)
        await self.elector.release()
        LEADER.set(0)

    async def tick(self) -> None:
        """Every minute: (re)gain or check the lock, reload the rules, run what fell due."""
        try:
            leading = await self.elector.lead()
            LEADER.set(1 if leading else 0)
            TICKS.inc()
            if leading != self.leading:
                log.info("scheduler: %s", "leading" if leading else "standing by")
                self.leading = leading
            if not leading:
                self._sync([])
                return
            async with self.sessionmaker() as session:
                communes = await schedules(session)
            self._sync(communes)
            await self.catch_up()
            await self.housekeeping()
        except Exception:
            log.exception("scheduler tick failed")

    async def housekeeping(self) -> int:
        """Hourly on the leader: drop handled message keys past the redelivery window, in
        short batches so no transaction holds the table for long."""
        now = self.clock()
        if self.last_housekeeping is not None and now - self.last_housekeeping < HOUSEKEEPING:
            return 0
        self.last_housekeeping = now
        dropped = 0
        for _ in range(PRUNE_BATCHES):
            async with self.sessionmaker() as session, session.begin():
                n = await prune_handled(session, before=now - KEEP_HANDLED, limit=PRUNE_BATCH)
            dropped += n
            if n < PRUNE_BATCH:
                break
        if dropped:
            log.info("housekeeping: %s handled message keys dropped", dropped)
        if self.files_dir is not None:
            files = await asyncio.to_thread(
                delete_expired, self.files_dir, now=now, hours=self.file_hours
            )
            if files:
                log.info("housekeeping: %s expired report and chart files deleted", files)
        return dropped

    def _sync(self, communes: list[CommuneSchedule]) -> None:
        """Make the cron jobs match the rules in the database (settings changed → new trigger)."""
        wanted = {}
        for commune in communes:
            tz = ZoneInfo(commune.timezone or str(self.tz))
            for rule in commune.rules:
                job_id = f"{rule.job}:{commune.commune_id}"
                if rule.off:
                    continue
                try:
                    if rule.error is not None:
                        raise ValueError(rule.error)
                    trigger_for(rule, tz)  # what the regexes miss, APScheduler refuses here
                except ValueError as exc:
                    self._skip(job_id, str(exc))
                    continue
                wanted[job_id] = (rule, tz)
        if self.aps is not None:
            for job_id in set(self.rules) - set(wanted):
                self.aps.remove_job(job_id)
            for job_id, (rule, tz) in wanted.items():
                if self.rules.get(job_id) == (rule, tz):
                    continue
                self.aps.add_job(
                    self.fire,
                    trigger_for(rule, tz),
                    args=(rule.job, int(job_id.split(":")[1])),
                    id=job_id,
                    replace_existing=True,
                    misfire_grace_time=None,
                    coalesce=True,
                )
        self.rules = wanted

    def _skip(self, job_id: str, why: str) -> None:
        """A bad stored rule: one log line per rule and reason, then it is left out."""
        if self.skipped.get(job_id) != why:
            log.warning("schedule: %s skipped: %s", job_id, why)
            self.skipped[job_id] = why

    async def fire(self, job: str, commune_id: int) -> None:
        if self.leading:
            await self.catch_up(only=f"{job}:{commune_id}")

    async def catch_up(self, only: str | None = None) -> int:
        """Run every scheduled time in (now - grace, now] that has not run yet."""
        now = self.clock()
        ran = 0
        for job_id, (rule, tz) in list(self.rules.items()):
            if only and job_id != only:
                continue
            commune_id = int(job_id.split(":")[1])
            for moment in fire_times(rule, tz, now - self.grace, now):
                try:
                    queued = await run_scheduled(
                        self.sessionmaker, job=rule.job, commune_id=commune_id,
                        scheduled_for=moment, tz=tz, now=now,
                    )  # fmt: skip
                except Exception:
                    JOB_RUNS.labels(rule.job, "failed").inc()
                    raise
                if queued is not None:  # None: that time had run already
                    JOB_RUNS.labels(rule.job, "done").inc()
                ran += queued is not None
        return ran

    async def reload(self) -> None:
        """Read the rules now (tests; the minute tick does this in production)."""
        async with self.sessionmaker() as session:
            self._sync(await schedules(session))
