"""Shared fixtures: a migrated database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set),
a controllable clock, the pipeline, and transcript chats through the real core."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.channels.base import numbered
from bot.db import make_engine, make_sessionmaker
from bot.pipeline import Pipeline
from handlers.core.context import Capabilities
from handlers.core.messages import Incoming, Reply
from locales import translator
from models.base import metadata
from models.migrate import upgrade
from models.seed import DemoResult, ensure_demo

PG_URL = os.environ.get("TEST_DATABASE_URL")
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TEXT_CAPS = Capabilities(buttons=False, max_text=2000)
BUTTON_CAPS = Capabilities(buttons=True, max_text=4096, location=True, documents=True, edit=True)


def pytest_collection_modifyitems(config, items):
    if PG_URL is None and os.environ.get("REQUIRE_POSTGRES"):
        raise pytest.UsageError("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One migrated SQLite file, copied for each test: migrations run once per session."""
    import asyncio

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"

    async def build() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(build())
    return path


@pytest.fixture(scope="session")
def pg_schema() -> str | None:
    """A private schema per test session, so parallel runs on one server never meet."""
    if PG_URL is None:
        yield None
        return
    import asyncio

    schema = f"t_{uuid.uuid4().hex[:10]}"

    async def build() -> None:
        admin = make_engine(PG_URL)
        async with admin.begin() as conn:
            await conn.execute(text(f"CREATE SCHEMA {schema}"))
        await admin.dispose()
        engine = make_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(build())
    yield schema

    async def drop() -> None:
        admin = make_engine(PG_URL)
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()

    asyncio.run(drop())


def pg_engine(schema: str):
    return make_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request, tmp_path, sqlite_template, pg_schema):
    if request.param == "sqlite":
        path = tmp_path / "db.sqlite3"
        shutil.copy(sqlite_template, path)
        eng = make_engine(f"sqlite+aiosqlite:///{path}")
    else:
        if PG_URL is None:
            pytest.skip("PostgreSQL suite: set TEST_DATABASE_URL to run it")
        eng = pg_engine(pg_schema)
        names = ", ".join(t.name for t in metadata.sorted_tables)
        async with eng.begin() as conn:
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield eng
    await eng.dispose()


@pytest.fixture
async def sqlite_engine(tmp_path, sqlite_template):
    """SQLite only, for tests of the channel adapters where the database is not the subject."""
    path = tmp_path / "db.sqlite3"
    shutil.copy(sqlite_template, path)
    eng = make_engine(f"sqlite+aiosqlite:///{path}")
    yield eng
    await eng.dispose()


@pytest.fixture
def sessionmaker(engine):
    return make_sessionmaker(engine)


@dataclass
class Clock:
    """The injected wall clock; tests move it."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 25, 2, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)

    def set_local(self, *args: int) -> None:
        self.now = datetime(*args, tzinfo=TZ).astimezone(UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pipeline(sessionmaker, clock, tmp_path) -> Pipeline:
    return Pipeline(sessionmaker, tz=TZ, files_dir=tmp_path / "files", clock=clock)


@pytest.fixture
async def demo(sessionmaker, clock) -> DemoResult:
    async with sessionmaker() as session, session.begin():
        return await ensure_demo(session, today=clock.now.astimezone(TZ).date(), now=clock.now)


class Chat:
    """One user's chat through the real pipeline, as a transcript."""

    def __init__(
        self,
        pipeline: Pipeline,
        clock: Clock,
        user_id: str,
        *,
        channel: str,
        name: str | None,
        caps: Capabilities,
        chat_id: str | None = None,
        chat_kind: str = "private",
    ) -> None:
        self.pipeline, self.clock = pipeline, clock
        self.user_id, self.channel, self.name, self.caps = user_id, channel, name, caps
        self.chat_id = chat_id or user_id
        self.chat_kind = chat_kind
        self.replies: list[Reply] = []
        self._n = 0

    async def send(self, text: str | None = None, **fields) -> list[Reply]:
        self._n += 1
        incoming = Incoming(
            channel=self.channel,
            user_id=self.user_id,
            chat_id=self.chat_id,
            message_id=fields.pop(
                "message_id", f"{self.user_id}-{self._n}-{uuid.uuid4().hex[:6]}"
            ),
            sent_at=fields.pop("sent_at", self.clock.now),
            text=text,
            display_name=self.name,
            chat_kind=self.chat_kind,
            **fields,
        )
        self.replies = await self.pipeline.process(incoming, self.caps)
        return self.replies

    say = send

    async def press(self, label_or_index: str | int) -> list[Reply]:
        """Press a button of the last question (Telegram-style callback data)."""
        asking = next(r for r in reversed(self.replies) if r.choices)
        if isinstance(label_or_index, int):
            index = label_or_index
        else:
            index = next(i for i, c in enumerate(asking.choices) if label_or_index in c.label)
        return await self.send(None, choice=f"{asking.version}:{index}")

    @property
    def text(self) -> str:
        """All replies of the last turn as the user reads them on a text channel."""
        return "\n".join(numbered(r, translator(r.lang)) for r in self.replies)


@pytest.fixture
def chat(pipeline, clock):
    def make(
        user_id: str = "u1",
        *,
        channel: str = "console",
        name: str | None = None,
        caps: Capabilities = TEXT_CAPS,
        **kw,
    ) -> Chat:
        return Chat(pipeline, clock, user_id, channel=channel, name=name, caps=caps, **kw)

    return make


async def join(chat: Chat, code: str, name: str = "Nguyễn Thị Lan") -> Chat:
    await chat.say("/start")
    await chat.say(code)
    if "?" in chat.text and chat.replies[-1].choices:
        await chat.say("2")
    await chat.say(name)
    assert "🎉" in chat.text, chat.text
    return chat


@pytest.fixture
def joined(chat, demo):
    """Make a member of the demo commune: role volunteer / leader / official."""

    async def make(
        user_id: str, role: str = "volunteer", name: str = "Nguyễn Thị Lan", **kw
    ) -> Chat:
        return await join(chat(user_id, **kw), demo.invites[role], name)

    return make
