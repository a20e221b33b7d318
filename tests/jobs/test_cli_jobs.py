"""`cdsbot jobs` and `cdsbot schedule` as an operator types them (real processes, SQLite file)."""

from tests.test_cli import cdsbot, demo_db  # noqa: F401 - the fixture


def test_schedule_set_then_jobs_list_shows_the_new_time(demo_db):  # noqa: F811
    out = cdsbot(demo_db, "schedule", "set", "nudge", "19:30")
    assert out.returncode == 0, out.stderr
    assert "nudge 19:30 (mon-sat)" in out.stdout
    assert cdsbot(demo_db, "schedule", "set", "morning", "off").returncode == 0
    listing = cdsbot(demo_db, "jobs", "list").stdout
    lines = {line.split()[2]: line for line in listing.splitlines()[1:]}
    assert "19:30" in lines["nudge"]
    assert lines["morning"].rstrip().endswith("off -") or " off " in lines["morning"]
    assert "Mon" in lines["weekly-digest"]


def test_jobs_run_queues_per_commune_and_schedule_set_refuses_a_bad_time(demo_db):  # noqa: F811
    first = cdsbot(demo_db, "jobs", "run", "report-reminder")
    assert first.returncode == 0, first.stderr
    assert "Quảng Trường: 0 message(s) queued" in first.stdout  # nobody has joined yet
    bad = cdsbot(demo_db, "schedule", "set", "nudge", "25:00")
    assert bad.returncode == 2 and "HH:MM" in bad.stderr
