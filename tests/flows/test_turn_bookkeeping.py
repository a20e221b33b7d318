"""The opening bookkeeping in two statements (bot/bookkeeping.py) keeps the guarantees of the
four it replaced: a retry is dropped, and turns of one chat run one after another, each
reading what the one before it committed — even a chat's very first turns, which have no
conversation row to lock yet, and a member who joined in the turn just before."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC

import pytest
from sqlalchemy import func, select

from handlers.core.messages import Incoming
from models import Conversation, Inbound
from tests.conftest import TEXT_CAPS


def _incoming(user: str, text: str, clock, key: str | None = None) -> Incoming:
    return Incoming("telegram", user, user, key or uuid.uuid4().hex, clock.now.astimezone(UTC),
                    text=text)  # fmt: skip


async def test_a_burst_of_first_messages_in_a_new_chat_runs_one_after_another(
    engine, pipeline, demo, clock
):
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent connections: PostgreSQL")
    user = f"new-{uuid.uuid4().hex[:6]}"
    turns = 8
    await asyncio.gather(
        *(pipeline.process(_incoming(user, "/start", clock), TEXT_CAPS) for _ in range(turns))
    )
    async with pipeline.sessionmaker() as session:
        version = await session.scalar(
            select(Conversation.version).where(Conversation.chat_id == user)
        )
    # Each /start saves the state: a turn that read the chat before the previous one
    # committed would save the same version again.
    assert version == turns


async def test_the_turn_after_joining_sees_the_member(engine, pipeline, demo, clock):
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent connections: PostgreSQL")
    user = f"new-{uuid.uuid4().hex[:6]}"
    await pipeline.process(_incoming(user, "/start", clock), TEXT_CAPS)
    await pipeline.process(_incoming(user, demo.invites["volunteer"], clock), TEXT_CAPS)
    # The name confirmation (it makes the member) and /cuatoi arrive together: /cuatoi waits
    # for the chat and then answers as the new member, not as a stranger.
    joined, after = await asyncio.gather(
        pipeline.process(_incoming(user, "Nguyễn Thị Lan", clock), TEXT_CAPS),
        pipeline.process(_incoming(user, "/trogiup", clock), TEXT_CAPS),
    )
    assert "🎉" in joined[0].text
    assert "/ghinhan" in after[0].text


async def test_a_retried_update_is_handled_once(engine, pipeline, demo, clock):
    user = f"new-{uuid.uuid4().hex[:6]}"
    key = uuid.uuid4().hex
    first = await pipeline.process(_incoming(user, "/start", clock, key), TEXT_CAPS)
    again = await pipeline.process(_incoming(user, "/start", clock, key), TEXT_CAPS)
    assert first and again == []
    async with pipeline.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Inbound)) == 1
        version = await session.scalar(
            select(Conversation.version).where(Conversation.chat_id == user)
        )
    assert version == 1
