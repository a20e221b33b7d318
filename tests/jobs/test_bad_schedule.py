"""A bad schedule never breaks the scheduler (issue 20, item 8): refused at the door; a bad
stored rule is skipped with one line, and every other job still runs."""

import logging
import sqlite3

from sqlalchemy import update

from models.communes import Commune
from tests.jobs.test_schedule import runs, scheduler
from tests.test_cli import cdsbot, demo_db  # noqa: F401 - the fixture

BAD = {"report-reminder": {"days": "12"}, "morning": {"time": "7 gio"}}


def test_schedule_set_refuses_bad_days_in_one_line(demo_db):  # noqa: F811
    bad = cdsbot(demo_db, "schedule", "set", "report-reminder", "08:00", "--days", "12")
    assert bad.returncode == 2, bad.stderr
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert "--days '12' không hợp lệ" in bad.stderr and "mon-sat" in bad.stderr
    good = cdsbot(demo_db, "schedule", "set", "nudge", "19:30", "--days", "mon,wed,fri")
    assert good.returncode == 0, good.stderr
    assert "nudge (nhắc buổi tối) lúc 19:30, T2, T4, T6." in good.stdout


def test_jobs_list_skips_a_bad_stored_rule_with_one_line(demo_db, monkeypatch):  # noqa: F811
    # A rule written before the door was closed (or by hand) is already in the database.
    with sqlite3.connect(demo_db / "db.sqlite3") as db:
        db.execute(
            """UPDATE commune SET settings = '{"schedule": {"report-reminder": {"days": "12"}}}'"""
        )
    out = cdsbot(demo_db, "jobs", "list")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    skipped = [line for line in out.stdout.splitlines() if "bỏ qua" in line]
    assert len(skipped) == 1 and "report-reminder" in skipped[0]
    assert "bỏ qua: ngày trong tuần không hợp lệ '12'" in skipped[0]
    # The reason spans the columns; the other rows keep theirs narrow.
    assert "  nudge            19:00  T2-T7  " in out.stdout
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    english = cdsbot(demo_db, "jobs", "list").stdout
    skipped = [line for line in english.splitlines() if "skipped" in line]
    assert len(skipped) == 1 and "report-reminder  skipped: bad days '12'" in skipped[0]


async def test_the_tick_skips_a_bad_rule_once_and_runs_the_others(  # noqa: PLR0917
    sessionmaker, engine, clock, demo, team, caplog
):
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(Commune).where(Commune.id == demo.commune_id).values(settings={"schedule": BAD})
        )
    clock.set_local(2026, 11, 25, 19, 59)
    sched = scheduler(sessionmaker, engine, clock)
    caplog.set_level(logging.WARNING, logger="bot.scheduler")
    try:
        await sched.tick()
        clock.advance(minutes=1)
        await sched.tick()
    finally:
        await sched.stop()  # gives back the leader's lock connection (PostgreSQL)
    assert [job for job, _ in await runs(sessionmaker)] == ["nudge", "leaderboard"]
    lines = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert sorted(lines) == [
        f"schedule: morning:{demo.commune_id} skipped: bad time '7 gio'",
        f"schedule: report-reminder:{demo.commune_id} skipped: bad days '12'",
    ]
    assert not [r for r in caplog.records if "tick failed" in r.getMessage()]
