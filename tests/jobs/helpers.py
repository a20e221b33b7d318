"""Test helpers for the scheduled pushes: a recording channel and row helpers."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from sqlalchemy import select

from bot.channels.base import Delivery
from handlers.core.context import Capabilities
from handlers.core.messages import Reply
from models.communes import Village
from models.household import Household
from models.members import Member
from models.outbox import OutboxMessage
from models.visit import Outcome, Visit


@dataclass
class Sent:
    at: float
    chat_id: str
    bot: str
    text: str


@dataclass
class RecordingChannel:
    """Implements the Channel protocol; records every send with its (monotonic) time and
    answers with whatever Delivery a test scripted for a chat (429, 403, 5xx…)."""

    name: str = "telegram"
    caps: Capabilities = field(default_factory=Capabilities)
    sent: list[Sent] = field(default_factory=list)
    scripted: dict[str, deque[Delivery]] = field(default_factory=dict)
    attempts: list[str] = field(default_factory=list)

    def mount(self, web) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def script(self, chat_id: str, *answers: Delivery) -> None:
        self.scripted.setdefault(chat_id, deque()).extend(answers)

    async def deliver(self, chat_id: str, bot: str, replies: list[Reply]) -> Delivery:
        self.attempts.append(chat_id)
        queue = self.scripted.get(chat_id)
        if queue:
            return queue.popleft()
        self.sent.append(Sent(time.monotonic(), chat_id, bot, "\n".join(r.text for r in replies)))
        return Delivery(ok=True)

    def texts(self, chat_id: str) -> list[str]:
        return [s.text for s in self.sent if s.chat_id == chat_id]

    def max_in_window(self, period: float, chat_id: str | None = None) -> int:
        times = [s.at for s in self.sent if chat_id is None or s.chat_id == chat_id]
        best, start = 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= period:
                start += 1
            best = max(best, end - start + 1)
        return best


async def member_id(sessionmaker, name: str) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(Member.id).where(Member.name == name))


async def log_visit(sessionmaker, name: str, at, *, revisit_on=None) -> None:
    """A visit row as the visit flow (#4) will write it; with `revisit_on`, "come back later"."""
    async with sessionmaker() as session, session.begin():
        member = (await session.execute(select(Member).where(Member.name == name))).scalar_one()
        household = (
            await session.execute(
                select(Household).where(Household.village_id == member.village_id).limit(1)
            )
        ).scalar_one()
        session.add(
            Visit(
                member_id=member.id,
                household_id=household.id,
                village_id=household.village_id,
                commune_id=household.commune_id,
                at=at,
                outcome=Outcome.LATER if revisit_on else Outcome.MET,
                revisit_on=revisit_on,
            )
        )


async def outbox_rows(sessionmaker) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        return list((await session.execute(stmt)).scalars())


async def link_group(sessionmaker, chat_id: str) -> None:
    async with sessionmaker() as session, session.begin():
        village = (await session.execute(select(Village).order_by(Village.id))).scalars().first()
        village.group_channel, village.group_chat_id = "telegram", chat_id


async def log_conversion(sessionmaker, name: str, code: str, at) -> None:
    """A conversion row (one household newly counted for an indicator) for that member."""
    from models.conversion import Conversion
    from models.indicators import Indicator

    async with sessionmaker() as session, session.begin():
        member = (await session.execute(select(Member).where(Member.name == name))).scalar_one()
        indicator = await session.scalar(select(Indicator.id).where(Indicator.code == code))
        taken = select(Conversion.household_id).where(Conversion.indicator_id == indicator)
        household = (
            await session.execute(
                select(Household)
                .where(Household.village_id == member.village_id, Household.id.not_in(taken))
                .limit(1)
            )
        ).scalar_one()
        session.add(
            Conversion(
                household_id=household.id,
                indicator_id=indicator,
                member_id=member.id,
                village_id=household.village_id,
                commune_id=household.commune_id,
                at=at,
            )
        )
