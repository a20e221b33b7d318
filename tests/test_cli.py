"""The cdsbot command as an operator uses it: real processes on a real SQLite file."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def cdsbot(tmp_path: Path, *args: str, stdin: str = "", timeout: int = 60):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        "DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("ZALO_BOT_TOKENS", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def demo_db(tmp_path):
    proc = cdsbot(tmp_path, "demo")
    assert proc.returncode == 0, proc.stderr
    return tmp_path


def test_demo_is_idempotent(demo_db):
    again = cdsbot(demo_db, "demo")
    assert "đã có sẵn" in again.stdout
    first_codes = again.stdout.splitlines()[1:]
    third = cdsbot(demo_db, "demo")
    assert third.stdout.splitlines()[1:] == first_codes


def test_invite_create_and_join_in_console(demo_db):
    made = cdsbot(
        demo_db,
        "invite",
        "create",
        "--village",
        "Thôn 2",
        "--role",
        "volunteer",
        "--uses",
        "20",
        "--days",
        "30",
    )
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip().splitlines()[-1]
    assert len(code) == 7 and code[3] == "-"
    chat = cdsbot(
        demo_db, "chat", "--user", "new-user", stdin=f"/start\n{code}\nPhạm Văn Đức\n/trogiup\n"
    )
    assert chat.returncode == 0, chat.stderr
    assert "Thôn 2" in chat.stdout and "🎉" in chat.stdout and "/trogiup" in chat.stdout


def test_invite_for_unknown_village_is_one_line(demo_db):
    made = cdsbot(demo_db, "invite", "create", "--village", "Thôn 99")
    assert made.returncode == 2 and "Thôn 99" in made.stderr and "Traceback" not in made.stderr


def test_official_invite_needs_no_village(demo_db):
    made = cdsbot(demo_db, "invite", "create", "--role", "official")
    assert made.returncode == 0 and "Mã mời cán bộ xã ở Quảng Trường" in made.stdout


def test_killed_mid_onboarding_continues_at_the_same_step(demo_db):
    code = cdsbot(demo_db, "invite", "create", "--village", "Thôn 1").stdout.split()[-1]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{demo_db}/db.sqlite3",
        "DATA_DIR": str(demo_db / "data"),
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--user", "crash", "--name", "Lan"],
        cwd=demo_db,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    proc.stdin.write(f"/start\n{code}\n")
    proc.stdin.flush()
    seen = ""
    deadline = time.monotonic() + 30
    while "Lan" not in seen and time.monotonic() < deadline:
        seen += proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 'tên là "Lan"' in seen
    # A fresh process answers the pending name question.
    after = cdsbot(demo_db, "chat", "--user", "crash", stdin="1\n")
    assert "🎉" in after.stdout


def test_web_login_prints_a_one_time_link_for_the_admin(demo_db):
    proc = cdsbot(demo_db, "web", "login", "--commune", "quang truong")
    assert proc.returncode == 0, proc.stderr
    assert "http://127.0.0.1:8080/web/dangnhap/" in proc.stdout
    missing = cdsbot(demo_db, "web", "login", "--commune", "Nowhere")
    assert missing.returncode == 2 and "--commune" in missing.stderr
