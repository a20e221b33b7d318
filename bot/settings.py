"""Settings from the environment and `.env`; a wrong value stops the start with one clear line."""

from __future__ import annotations

import re
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The secret signs every file link and derives each Zalo bot's webhook secret: it must resist
# an offline guess from one forwarded link (32 hex characters are already 128 bits).
WEBHOOK_SECRET_MIN = 32
WEBHOOK_SECRET_RE = re.compile(rf"^[A-Za-z0-9_-]{{{WEBHOOK_SECRET_MIN},256}}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/cdsbot.sqlite3"
    timezone: str = "Asia/Ho_Chi_Minh"
    default_locale: str = "vi"
    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    # Comma-separated; each token is one Zalo bot (the free plan caps users per bot).
    zalo_bot_tokens: SecretStr | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    public_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    web_host: str = "0.0.0.0"
    web_port: int = Field(default=8080, ge=1, le=65535)
    data_dir: str = "data"
    log_level: str = "INFO"
    file_link_hours: int = Field(default=24, ge=1, le=24 * 30)
    job_grace_hours: float = Field(default=2, ge=0)
    zalo_monthly_quota: int = Field(default=3000, ge=1)
    # Pushes per second per Zalo bot (the platform publishes no figure; keep it modest).
    zalo_send_per_second: int = Field(default=10, ge=1, le=100)
    # Seconds a Zalo turn's own replies stay reserved for the worker that sends them; after a
    # crash the outbox sends them once this ran out.
    reply_lease_seconds: int = Field(default=120, ge=2, le=3600)
    # /metrics: off unless "on"; with a token it is on and asks for `Authorization: Bearer …`.
    metrics: bool = False
    metrics_token: SecretStr | None = None
    # A port of this worker's own for /healthz, /readyz and /metrics (WEB_PORT is shared).
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    log_format: Literal["text", "json"] = "text"

    @field_validator("metrics_port", "metrics_token", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        # `METRICS_PORT=` as in .env.example means "not set".
        return None if value == "" else value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("must be vi or en")
        return value

    @field_validator("database_url")
    @classmethod
    def _db(cls, value: str) -> str:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://…")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not WEBHOOK_SECRET_RE.match(value.get_secret_value()):
            raise ValueError(
                f"needs {WEBHOOK_SECRET_MIN}–256 letters, digits, _ or - "
                "(make one with: openssl rand -hex 32)"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _public(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with https://")
        return value.rstrip("/")

    @property
    def zalo_tokens(self) -> list[str]:
        raw = self.zalo_bot_tokens.get_secret_value() if self.zalo_bot_tokens else ""
        return [t.strip() for t in raw.split(",") if t.strip()]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SettingsError(SystemExit):
    pass


def describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        field = ".".join(str(x) for x in item["loc"]).upper() or "settings"
        parts.append(f"{field}: {item['msg']}")
    return "Invalid setting — " + "; ".join(parts)


class _LocaleOnly(BaseSettings):
    """DEFAULT_LOCALE alone, from the same environment and `.env` as Settings."""

    model_config = Settings.model_config
    default_locale: str = "vi"


def configured_locale() -> str:
    """The operator's language as Settings would read it, for `cdsbot --help` and argparse's
    errors: they speak before the settings are checked, so another bad setting (or a bad
    DEFAULT_LOCALE) must not stop them; anything but "en" is Vietnamese."""
    try:
        value = _LocaleOnly().default_locale
    except (OSError, ValueError):  # an unreadable .env; get_settings() will say what is wrong
        return "vi"
    return "en" if value == "en" else "vi"


@cache
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from None
