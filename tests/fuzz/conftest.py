"""A pipeline for hypothesis: one engine per test, driven from its own event loop.

Hypothesis runs many examples inside one test call, so the engine cannot come from the
async `engine` fixture (its loop is not ours); each example uses fresh user ids instead.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.db import make_engine, make_sessionmaker
from bot.pipeline import Pipeline
from handlers.core.messages import Incoming, Reply
from models.base import metadata
from models.inbound import Inbound
from models.members import Role
from models.members.joining import create_invite
from models.seed import ensure_demo
from tests.conftest import PG_URL, TEXT_CAPS, TZ, Clock, pg_engine

APOLOGY = "Xin lỗi, có lỗi xảy ra"


@dataclass
class Fuzz:
    runner: asyncio.Runner
    pipeline: Pipeline
    clock: Clock
    invites: dict[str, str]
    commune_id: int

    def send(self, user: str, text: str | None = None, **fields: Any) -> list[Reply]:
        incoming = Incoming(
            channel=fields.pop("channel", "zalo"),
            user_id=user,
            chat_id=user,
            message_id=uuid.uuid4().hex,
            sent_at=self.clock.now,
            text=text,
            **fields,
        )
        replies = self.runner.run(self.pipeline.process(incoming, TEXT_CAPS))
        joined = "\n".join(r.text for r in replies)
        assert APOLOGY not in joined, (text, fields)
        return replies

    def query(self, build: Callable[[], Any]) -> Any:
        async def run() -> Any:
            async with self.pipeline.sessionmaker() as session:
                return (await session.execute(build())).all()

        return self.runner.run(run())

    def failed(self) -> int:
        stmt = select(func.count()).select_from(Inbound).where(Inbound.status == "failed")
        return self.query(lambda: stmt)[0][0]


@pytest.fixture(params=["sqlite", "postgresql"])
def fuzz(request, tmp_path, sqlite_template, pg_schema):
    runner = asyncio.Runner()
    if request.param == "sqlite":
        path = tmp_path / "fuzz.sqlite3"
        shutil.copy(sqlite_template, path)
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
    else:
        if PG_URL is None:
            pytest.skip("PostgreSQL suite: set TEST_DATABASE_URL to run it")
        engine = pg_engine(pg_schema)
    clock = Clock()

    async def setup() -> tuple[dict[str, str], int]:
        if request.param == "postgresql":
            names = ", ".join(t.name for t in metadata.sorted_tables)
            async with engine.begin() as conn:
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        async with make_sessionmaker(engine)() as session, session.begin():
            demo = await ensure_demo(session, today=clock.now.date(), now=clock.now)
            # Names typed at random may be valid: plenty of uses so the code never runs out.
            big = await create_invite(
                session,
                commune_id=demo.commune_id,
                village_id=None,
                role=Role.OFFICIAL,
                uses=100_000,
                days=30,
                now=clock.now,
            )
        return {**demo.invites, "many": big}, demo.commune_id

    invites, commune_id = runner.run(setup())
    pipeline = Pipeline(
        make_sessionmaker(engine), tz=TZ, files_dir=tmp_path / "files", clock=clock
    )
    yield Fuzz(runner, pipeline, clock, invites, commune_id)
    runner.run(engine.dispose())
    runner.close()
