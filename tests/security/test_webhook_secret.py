"""WEBHOOK_SECRET signs every file link: a weak one is refused at start with one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.files import link_key
from bot.settings import Settings, SettingsError, get_settings

ROOT = Path(__file__).parent.parent.parent
STRONG = "a" * 16 + "B-_" + "0123456789abc"


@pytest.mark.parametrize("secret", ["short", "x" * 31, "has space" * 4, "sécret" * 6, "x" * 257])
def test_weak_or_malformed_secret_is_one_clear_line(monkeypatch, secret):
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    get_settings.cache_clear()
    with pytest.raises(SettingsError) as err:
        get_settings()
    get_settings.cache_clear()
    line = str(err.value.code)
    assert "WEBHOOK_SECRET" in line and "32" in line and "\n" not in line
    assert secret not in line


def test_strong_secret_and_no_secret_are_accepted(monkeypatch):
    monkeypatch.setenv("WEBHOOK_SECRET", STRONG)
    assert Settings().webhook_secret.get_secret_value() == STRONG
    monkeypatch.setenv("WEBHOOK_SECRET", "")
    assert Settings().webhook_secret is None


def test_cdsbot_run_refuses_to_start_with_a_weak_secret(tmp_path):
    env = {
        **os.environ,
        "WEBHOOK_SECRET": "hunter2",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "WEBHOOK_SECRET" in proc.stderr and "Traceback" not in proc.stderr
    assert "hunter2" not in proc.stderr


def test_link_key_is_a_labelled_hmac_not_the_secret():
    key = link_key(STRONG)
    assert len(key) == 32 and STRONG.encode() not in key
    assert link_key(STRONG) == key and link_key(STRONG[:-1] + "d") != key
