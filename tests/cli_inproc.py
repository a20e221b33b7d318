"""Running `cdsbot …` in the test process (same parser, settings and output as the command),
so operator tests take milliseconds instead of a Python start-up each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.settings import get_settings


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


class Cli:
    def __init__(self, path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
        self.path, self.monkeypatch, self.capsys = path, monkeypatch, capsys
        monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}/db.sqlite3")
        monkeypatch.setenv("DATA_DIR", str(path / "data"))
        for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKENS", "DEFAULT_LOCALE"):
            monkeypatch.delenv(name, raising=False)

    def __call__(self, *args: str, locale: str | None = None) -> Ran:
        if locale:
            self.monkeypatch.setenv("DEFAULT_LOCALE", locale)
        get_settings.cache_clear()
        self.capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            if locale:
                self.monkeypatch.delenv("DEFAULT_LOCALE")
            get_settings.cache_clear()
        out = self.capsys.readouterr()
        return Ran(code, out.out, out.err)


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys) -> Cli:
    return Cli(tmp_path, monkeypatch, capsys)
