"""`cdsbot jobs` and `cdsbot schedule` as an operator types them (real processes, SQLite file):
Vietnamese by default, English with DEFAULT_LOCALE=en; job names and times as typed."""

import re

from tests.test_cli import cdsbot, demo_db  # noqa: F401 - the fixture


def by_job(listing: str) -> dict[str, str]:
    # "Quảng Trường  nudge  19:30  …": the job is the third word.
    return {line.split()[2]: line for line in listing.splitlines()[1:]}


def test_schedule_set_then_jobs_list_shows_the_new_time(demo_db, monkeypatch):  # noqa: F811
    out = cdsbot(demo_db, "schedule", "set", "nudge", "19:30")
    assert out.returncode == 0, out.stderr
    assert "Quảng Trường: nudge (nhắc buổi tối) lúc 19:30, T2-T7." in out.stdout
    assert "Bot đang chạy sẽ áp dụng trong vòng một phút." in out.stdout
    off = cdsbot(demo_db, "schedule", "set", "morning", "off")
    assert off.returncode == 0, off.stderr
    assert "Quảng Trường: đã tắt morning (tin nhắn buổi sáng)." in off.stdout

    listing = cdsbot(demo_db, "jobs", "list").stdout
    header = listing.splitlines()[0]
    assert header.split()[:3] == ["xã", "việc", "giờ"] and "lần chạy tới" in header
    lines = by_job(listing)
    assert "19:30" in lines["nudge"] and "T2-T7" in lines["nudge"]
    assert " tắt " in lines["morning"] and "tin nhắn buổi sáng" in lines["morning"]
    assert "mỗi ngày" in lines["leaderboard"]
    assert "hằng tháng" in lines["report-reminder"]
    # The next run's weekday the Vietnamese way, the date as dd/mm.
    assert re.search(r" T2 \d\d/\d\d 08:00 ", lines["weekly-digest"]), lines["weekly-digest"]
    assert "Mon" not in listing and " off " not in listing

    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    english = cdsbot(demo_db, "jobs", "list").stdout
    assert english.splitlines()[0].split()[:3] == ["commune", "job", "time"]
    lines = by_job(english)
    assert re.search(r" Mon \d\d/\d\d 08:00 ", lines["weekly-digest"]), lines["weekly-digest"]
    assert " off " in lines["morning"] and "Mon-Sat" in lines["nudge"]


def test_jobs_run_queues_per_commune_and_schedule_set_refuses_a_bad_time(
    demo_db,  # noqa: F811
    monkeypatch,
):
    first = cdsbot(demo_db, "jobs", "run", "report-reminder")
    assert first.returncode == 0, first.stderr
    # Nobody has joined yet.
    assert "Quảng Trường: đã xếp 0 tin nhắn report-reminder" in first.stdout
    bad = cdsbot(demo_db, "schedule", "set", "nudge", "25:00")
    assert bad.returncode == 2 and "'25:00': ghi giờ dạng HH:MM" in bad.stderr

    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    again = cdsbot(demo_db, "jobs", "run", "report-reminder")
    assert "Quảng Trường: 0 messages of report-reminder" in again.stdout
    bad = cdsbot(demo_db, "schedule", "set", "nudge", "25:00")
    assert bad.returncode == 2 and "type a time as HH:MM" in bad.stderr
