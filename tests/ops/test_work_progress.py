"""Long operator work shows progress: a bar on a terminal, plain lines in a log, a summary."""

import io
import re
import shutil
import sqlite3

import pytest

from bot.cli.progress import WorkProgress
from locales import N_, Translator
from tests.ops.test_backup_restore import cdsbot


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_a_line_every_ten_percent_and_one_summary():
    out, clock = io.StringIO(), Clock()
    with WorkProgress(
        Translator("en"), N_("Loading rows"), total=2000, stream=out, clock=clock
    ) as w:
        for _ in range(2000):
            w.advance()
            clock.now += 0.001
    lines = out.getvalue().splitlines()
    assert [re.search(r"\((\d+)%\)", line)[1] for line in lines[:-1]] == [
        str(p) for p in range(10, 101, 10)
    ]
    assert lines[0] == "Loading rows: 200 of 2,000 (10%), 0.2 s"
    assert lines[-1] == "Loading rows: done, 2,000 of 2,000 in 2.0 s"
    assert "\r" not in out.getvalue()


def test_a_slow_step_without_a_total_still_prints_every_five_seconds_in_vietnamese():
    out, clock = io.StringIO(), Clock()
    with WorkProgress(Translator("vi"), N_("Loading rows"), stream=out, clock=clock) as work:
        for _ in range(12):
            clock.now += 1
            work.advance(1500)
    assert out.getvalue().splitlines() == [
        "Đang nạp dữ liệu: đã được 7.500, 5,0 giây",
        "Đang nạp dữ liệu: đã được 15.000, 10,0 giây",
        "Đang nạp dữ liệu: xong, 18.000 trong 12,0 giây",
    ]


def test_failed_work_says_how_far_it_got():
    out = io.StringIO()
    work = WorkProgress(Translator("en"), N_("Loading rows"), total=10, stream=out)
    with pytest.raises(OSError), work:
        work.advance(3)
        raise OSError("disk full")
    assert out.getvalue().splitlines()[-1].startswith("Loading rows: stopped after 3 of 10 in ")


def test_a_terminal_gets_a_tqdm_bar_that_gives_way_to_the_summary():
    out = Terminal()
    with WorkProgress(Translator("en"), N_("Loading rows"), total=50, stream=out) as work:
        for _ in range(50):
            work.advance()
        work.summary = "Loaded 50 rows"
    text = out.getvalue()
    # tqdm's own bar (it redraws at most every 0.1 s), then cleared for the summary.
    assert "\rLoading rows:   0%|          | 0/50 [" in text
    assert "\r" + " " * 20 in text
    assert "(10%)" not in text  # no plain log lines on a terminal
    assert text.rstrip().splitlines()[-1].endswith("Loaded 50 rows")


@pytest.fixture
def db(tmp_path, sqlite_template):
    path = tmp_path / "db.sqlite3"
    shutil.copy(sqlite_template, path)
    # Enough pages for several backup steps (1024 pages each).
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE ballast (x BLOB)")
        conn.executemany("INSERT INTO ballast VALUES (randomblob(4000))", [()] * 3000)
    return path


def test_backup_and_restore_print_progress_lines_and_a_summary_when_piped(tmp_path, db):
    url = f"sqlite+aiosqlite:///{db}"
    made = cdsbot(tmp_path, url, "backup", "--to", str(tmp_path / "b.sqlite3"))
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    steps = [line for line in lines if line.startswith("Đang sao lưu cơ sở dữ liệu: ")]
    assert len(steps) >= 3 and steps[-1].split(" (")[1].startswith("100%")
    assert re.fullmatch(
        rf"Đã ghi bản sao lưu vào {tmp_path}/b.sqlite3 \(\d+,\d MiB\) trong \d+,\d giây", lines[-1]
    )
    back = cdsbot(
        tmp_path, url, "restore", str(tmp_path / "b.sqlite3"), env={"DEFAULT_LOCALE": "en"}
    )
    assert back.returncode == 0, back.stderr
    out = back.stdout
    assert "Saving the current database: done, " in out
    assert "Restoring the backup: done, " in out and "(100%)" in out
    assert out.splitlines()[-1].startswith("Restored from ")


def test_bench_gen_shows_communes_built_and_rows_loaded(tmp_path, db):
    url = f"sqlite+aiosqlite:///{db}"
    args = ["bench", "gen", "--communes", "4", "--villages-per", "1", "--households-per", "5"]
    made = cdsbot(tmp_path, url, *args, env={"DEFAULT_LOCALE": "en"})
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert lines[0].startswith("Building synthetic rows: 1 of 4 (25%), ")
    assert any(re.match(r"Loading rows: [\d,]+ of [\d,]+ \(100%\)", line) for line in lines)
    assert lines[-1].startswith("Generated commune 4, village 4, member 32, household 20")
