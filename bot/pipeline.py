"""Incoming → dedupe → one session → handlers → state → commit → replies to send.

Everything the user sent is committed before any reply goes out; a crash after the commit
can lose a reply, never the data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import turn_metrics
from handlers.context import Capabilities, Context, MemberView
from handlers.dispatch import handle
from handlers.messages import Choice, Incoming, Reply, Result, State
from locales import translator
from models.base import insert_ignore, utcnow
from models.conversation import ConversationRow, load_conversation, save_conversation
from models.inbound import Inbound
from models.membership import member_and_account, needs_touch, touch_account

log = logging.getLogger(__name__)


@dataclass
class Pipeline:
    sessionmaker: async_sessionmaker[AsyncSession]
    tz: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    default_locale: str = "vi"
    files_dir: Path = Path("data/files")
    clock: Callable[[], datetime] = utcnow
    # Where `/web` sign-in links point (PUBLIC_BASE_URL or the local web port).
    web_base_url: str = "http://127.0.0.1:8080"
    # The Telegram bot's username once known (bot/run.py), for t.me invite links in /moi.
    telegram_username: str | None = None

    async def process(self, incoming: Incoming, caps: Capabilities) -> list[Reply]:
        incoming = _without_nul(incoming)
        metrics = turn_metrics(incoming.channel)
        metrics.received(_kind(incoming))
        started = time.perf_counter()
        try:
            return await self._process(incoming, caps)
        except Exception as exc:  # the one guard: no traceback reaches a user
            metrics.failed.inc()
            # Only ids and the exception class: user text and names stay out of logs.
            log.error(
                "message %s/%s failed: %s",
                incoming.channel,
                incoming.key,
                type(exc).__name__,
                exc_info=log.isEnabledFor(logging.DEBUG),
                extra={"channel": incoming.channel, "message_key": incoming.key},
            )
            await self._keep_failed(incoming)
            t = translator(self.default_locale)
            return [
                Reply(
                    t._("Sorry, something went wrong. Please try again in a moment."),
                    lang=t.lang,
                )
            ]
        finally:
            metrics.seconds.observe(time.perf_counter() - started)

    async def _process(self, incoming: Incoming, caps: Capabilities) -> list[Reply]:
        async with self.sessionmaker() as session, session.begin():
            # The per-turn bookkeeping runs as prebuilt Core statements on the session's own
            # connection and transaction: the ORM's per-call overhead is most of a turn's CPU.
            conn = await session.connection()
            received = {
                "channel": incoming.channel,
                "message_key": incoming.key,
                "status": "done",
                "received_at": self.clock(),
            }
            if not await insert_ignore(
                conn, Inbound.__table__, received, conflict=["channel", "message_key"]
            ):
                log.info("duplicate %s/%s ignored", incoming.channel, incoming.key)
                turn_metrics(incoming.channel).duplicates.inc()
                return []
            conv = await load_conversation(
                conn, channel=incoming.channel, chat_id=incoming.chat_id
            )
            member, account = await member_and_account(
                conn, channel=incoming.channel, user_id=incoming.user_id
            )
            # In a group the chat id is the group's: never make it the member's private chat.
            if (
                account is not None
                and incoming.chat_kind == "private"
                and needs_touch(account, chat_id=incoming.chat_id, bot=incoming.bot)
            ):
                await touch_account(
                    conn,
                    channel=incoming.channel,
                    user_id=incoming.user_id,
                    chat_id=incoming.chat_id,
                    bot=incoming.bot,
                )
            ctx = Context(
                session=session,
                incoming=incoming,
                t=translator(member.locale if member else self.default_locale),
                now=self.clock(),
                state=_state_of(conv),
                version=conv.version,
                caps=caps,
                member=MemberView(
                    id=member.id,
                    commune_id=member.commune_id,
                    village_id=member.village_id,
                    name=member.name,
                    role=member.role,
                    locale=member.locale,
                    reminders=member.reminders,
                    commune_name=member.commune_name,
                    village_name=member.village_name,
                    commune_kind=member.commune_kind,
                    commune_demo=member.commune_demo,
                )
                if member
                else None,
                tz=self.tz,
                files_dir=self.files_dir,
                extra={
                    "web_base_url": self.web_base_url,
                    "telegram_username": self.telegram_username,
                },
            )
            result = await handle(ctx)
            replies = _next_state(conv, result)
            if result.state is not None:
                await save_conversation(conn, conv, self.clock())
            return [replace(r, lang=ctx.t.lang) for r in replies]

    async def _keep_failed(self, incoming: Incoming) -> None:
        """Store what the user sent so an operator can replay it; never raises."""
        try:
            async with self.sessionmaker() as session, session.begin():
                payload = asdict(incoming)
                payload["sent_at"] = incoming.sent_at.isoformat()
                await insert_ignore(
                    session,
                    Inbound.__table__,
                    {
                        "channel": incoming.channel,
                        "message_key": incoming.key,
                        "status": "failed",
                        "payload": payload,
                        "received_at": self.clock(),
                    },
                    conflict=["channel", "message_key"],
                )
        except Exception as exc:
            log.error("could not keep failed message %s: %s", incoming.key, type(exc).__name__)


def _kind(incoming: Incoming) -> str:
    if incoming.choice is not None:
        return "choice"
    if incoming.kind == "text" and incoming.text and incoming.text.startswith("/"):
        return "command"
    return incoming.kind


def _without_nul(incoming: Incoming) -> Incoming:
    """PostgreSQL cannot store NUL in text, and no person types it: drop it at the door."""
    changes = {
        name: value.replace("\x00", "")
        for name, value in vars(incoming).items()
        if isinstance(value, str) and "\x00" in value
    }
    return replace(incoming, **changes) if changes else incoming


def _state_of(conv: ConversationRow) -> State:
    return State(
        flow=conv.flow,
        step=conv.step,
        data=dict(conv.data or {}),
        choices=[Choice(k, label) for k, label in (conv.choices or [])],
        multi=conv.multi,
    )


def _next_state(conv: ConversationRow, result: Result) -> list[Reply]:
    replies = result.replies
    state = result.state
    if state is not None:
        if not state.choices:
            asking = next((r for r in reversed(replies) if r.choices), None)
            if asking is not None and state.flow is not None:
                state.choices = list(asking.choices)
                state.multi = asking.multi
        conv.flow, conv.step = state.flow, state.step
        conv.data = state.data if state.flow else {}
        conv.choices = [[c.key, c.label] for c in state.choices] if state.flow else []
        conv.multi = state.multi
        conv.version += 1
    version = conv.version
    return [replace(r, version=version) if r.choices else r for r in replies]
