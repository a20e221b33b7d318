"""Settings: defaults, and one clear line for a wrong value."""

import os
import subprocess
import sys

import pytest

from bot.settings import Settings, SettingsError, describe, get_settings


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.database_url.startswith("sqlite+aiosqlite:///")
    assert s.timezone == "Asia/Ho_Chi_Minh"
    assert s.telegram_bot_token is None


def test_tokens_are_secret(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret-token")
    monkeypatch.setenv("ZALO_BOT_TOKENS", "1:a, 2:b")
    s = Settings()
    assert "secret-token" not in repr(s)
    assert s.zalo_tokens == ["1:a", "2:b"]


def test_postgres_url_gets_async_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert Settings().database_url == "postgresql+asyncpg://u@h/db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEZONE", "Mars/Base"),
        ("DEFAULT_LOCALE", "fr"),
        ("DATABASE_URL", "mysql://x"),
        ("WEB_PORT", "99999"),
        ("PUBLIC_BASE_URL", "ftp://x"),
    ],
)
def test_wrong_value_is_one_clear_line(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    with pytest.raises(SettingsError) as err:
        get_settings()
    get_settings.cache_clear()
    assert name in str(err.value.code) and "\n" not in str(err.value.code)


def test_cli_reports_bad_setting_without_traceback(tmp_path):
    env = {**os.environ, "TIMEZONE": "Nowhere/Else"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "TIMEZONE" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_describe_lists_every_field():
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as err:
        Settings(timezone="x/y", default_locale="de")
    text = describe(err.value)
    assert "TIMEZONE" in text and "DEFAULT_LOCALE" in text
