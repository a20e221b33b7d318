"""Incoming → dedupe → one session → handlers → state → commit → replies to send.

Everything the user sent is committed before any reply goes out. A crash after the commit
loses no data; with `reply_lease` the replies are committed with it too (an outbox row the
caller sends itself, which the sender takes over if the caller dies). A message the database
cannot take (an outage) goes to the local spool before the caller hears anything.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.bookkeeping import open_turn
from bot.metrics import turn_metrics
from bot.spool import Spool, payload_of, saved_for_later
from handlers.core.context import Capabilities, Context, MemberView
from handlers.core.dispatch import handle
from handlers.core.messages import Choice, Incoming, Reply, Result, State, clean_text
from handlers.core.payload import to_payload
from locales import translator
from models.base import utcnow
from models.conversation import ConversationRow, save_conversation
from models.inbound import keep_failed
from models.indicators.catalogue import note_rev
from models.members.joining import member_and_account, needs_touch, touch_account
from models.outbox import queue as outbox_queue

log = logging.getLogger(__name__)


class _DeadConnection(Exception):  # noqa: N818 - the turn's first statement found it dead
    pass


class NotKept(Exception):  # noqa: N818 - reads as what happened
    """Neither the database nor the spool took the message: the platform must send it again."""


def reply_key(incoming: Incoming) -> str:
    """The outbox key of a turn's own replies (see `Pipeline.process(reply_lease=…)`)."""
    return f"reply:{incoming.channel}:{incoming.key}"


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
    spool: Spool | None = None
    # Called after each committed private turn with (incoming, member role or None, language):
    # the Telegram channel keeps each chat's command menu in step with the member's role.
    turn_hooks: list[Callable[[Incoming, str | None, str], None]] = field(default_factory=list)

    async def process(
        self, incoming: Incoming, caps: Capabilities, *, reply_lease: timedelta | None = None
    ) -> list[Reply]:
        """The replies to send. With `reply_lease` they are also committed with the turn, as
        an outbox row claimed for that long (`reply_key`): the caller sends them and settles
        the row, or the sender sends them once the claim runs out."""
        incoming = _without_nul(incoming)
        metrics = turn_metrics(incoming.channel)
        metrics.received(_kind(incoming))
        started = time.perf_counter()
        try:
            try:
                replies, who = await self._process(incoming, caps, reply_lease)
            except _DeadConnection:
                # The pooled connection had died (a database restart) before the turn did
                # anything on it; the pool has dropped it, so the turn runs once more.
                replies, who = await self._process(incoming, caps, reply_lease, again=True)
            self._after_turn(incoming, who)
            return replies
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
            kept = await self._keep_failed(incoming)
            t = translator(self.default_locale)
            if kept == "spool":
                return [Reply(saved_for_later(t), lang=t.lang)]
            return [
                Reply(
                    t._("Sorry, something went wrong. Please try again in a moment."),
                    lang=t.lang,
                )
            ]
        finally:
            metrics.seconds.observe(time.perf_counter() - started)

    def _after_turn(self, incoming: Incoming, who: tuple[str | None, str] | None) -> None:
        if who is None or incoming.chat_kind != "private":
            return
        for hook in self.turn_hooks:
            try:
                hook(incoming, *who)
            except Exception as exc:  # a menu never fails the turn
                log.warning("turn hook failed: %s", type(exc).__name__)

    async def _process(
        self,
        incoming: Incoming,
        caps: Capabilities,
        reply_lease: timedelta | None,
        *,
        again: bool = False,
    ) -> tuple[list[Reply], tuple[str | None, str] | None]:
        async with self.sessionmaker() as session, session.begin():
            # The per-turn bookkeeping runs as prebuilt Core statements on the session's own
            # connection and transaction: the ORM's per-call overhead is most of a turn's CPU.
            conn = await session.connection()
            try:
                opening = await open_turn(
                    conn,
                    channel=incoming.channel,
                    message_key=incoming.key,
                    chat_id=incoming.chat_id,
                    user_id=incoming.user_id,
                    received_at=self.clock(),
                )
            except DBAPIError as exc:
                # No pre-ping (bot/db.py): a connection the server dropped an instant ago
                # fails here, in the turn's first statements, with nothing committed.
                if exc.connection_invalidated and not again:
                    raise _DeadConnection from exc
                raise
            if opening is None:
                log.info("duplicate %s/%s ignored", incoming.channel, incoming.key)
                turn_metrics(incoming.channel).duplicates.inc()
                return [], None
            conv, member, account = opening.conversation, opening.member, opening.account
            if member is not None:
                note_rev(session, member.commune_id, member.catalogue_rev)
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
            replies = [replace(r, lang=ctx.t.lang) for r in replies]
            if reply_lease is not None and replies:
                now = self.clock()
                await outbox_queue.enqueue(
                    session, key=reply_key(incoming), channel=incoming.channel,
                    bot=incoming.bot, chat_id=incoming.chat_id, payload=to_payload(replies),
                    now=now, job="reply", claimed_until=now + reply_lease,
                )  # fmt: skip
            who = (member.role, member.locale) if member else None
            if member is None and self.turn_hooks and incoming.chat_kind == "private":
                # Only someone not yet a member can have joined in this turn.
                joined, _ = await member_and_account(
                    conn, channel=incoming.channel, user_id=incoming.user_id
                )
                who = (joined.role, joined.locale) if joined else (None, ctx.t.lang)
            return replies, who

    async def _keep_failed(self, incoming: Incoming) -> str:
        """Store what the user sent so it can be replayed: "db" (an operator replays it),
        "spool" (replayed when the database is back, under `cdsbot run`). Raises NotKept when
        neither took it, so that the platform is not told the message arrived."""
        try:
            async with self.sessionmaker() as session, session.begin():
                await keep_failed(
                    session, channel=incoming.channel, key=incoming.key,
                    payload=payload_of(incoming), now=self.clock(),
                )  # fmt: skip
            return "db"
        except Exception as exc:
            log.error("message %s/%s: database unreachable (%s)", incoming.channel,
                      incoming.key, type(exc).__name__)  # fmt: skip
        if self.spool is not None:
            try:
                await self.spool.keep(incoming)
                return "spool"
            except OSError as exc:
                log.error("message %s/%s: spool failed (%s)", incoming.channel, incoming.key,
                          type(exc).__name__)  # fmt: skip
            log.error("message %s/%s NOT KEPT: the platform must send it again",
                      incoming.channel, incoming.key)  # fmt: skip
            raise NotKept(incoming.key)
        return "lost"  # a one-off command (`cdsbot chat`): the person sees the apology


def _kind(incoming: Incoming) -> str:
    if incoming.choice is not None:
        return "choice"
    if incoming.kind == "text" and incoming.text and incoming.text.startswith("/"):
        return "command"
    return incoming.kind


def _without_nul(incoming: Incoming) -> Incoming:
    """PostgreSQL cannot store NUL in text, and no person types it: drop it at the door."""
    changes = {
        name: clean_text(value)
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
