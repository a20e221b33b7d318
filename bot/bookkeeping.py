"""A turn's opening bookkeeping in as few round trips as the dialect allows (issue 18).

Every update starts the same way: the message key goes into `inbound` (a platform's retry is
dropped), the chat is locked, its conversation read, and the member behind the account read.
Four statements, each a round trip through SQLAlchemy and the driver; here they are two:

1. the key: on PostgreSQL `INSERT … ON CONFLICT DO NOTHING` and the chat's advisory lock in one
   statement (the lock only when the key was new, after the insert: the order of the separate
   statements before); on SQLite the insert alone (its one connection serialises turns).
2. the conversation (`FOR UPDATE` on PostgreSQL) and the member with their account, in one
   SELECT (two CTEs, outer-joined to one row). The member's commune brings its
   `catalogue_rev`: the worker's cached indicator list is good for the turn if it is under
   that number (models.indicators.catalogue.note_rev), so a visit step reads no catalogue.

Why not one statement on PostgreSQL: every part of a statement reads the snapshot taken when
the statement started. A turn that waits for the chat's lock must then read what the turn
holding it committed (the conversation it created, the member who just joined); within one
statement it would read the state from before the wait. The second statement starts after the
lock is held, exactly as the separate reads did.

The key already there (a retry, or an update stored as pending before the turn): the pending
row is claimed and the chat locked by the statements used before this module existed
(`models.inbound.claim_pending`, `models.throttle.serialize`), in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam, case, cast, func, literal, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Conversation, Inbound
from models.base import UTCDateTime, dialect_insert, insert_ignore
from models.conversation import ConversationRow
from models.inbound import claim_pending
from models.members.joining import MEMBER_FOR_ACCOUNT, AccountRow, MemberRow, member_from
from models.throttle import lock_params, serialize

_CONV_STATE = ("flow", "step", "data", "choices", "multi", "version")


@dataclass
class Opening:
    conversation: ConversationRow
    member: MemberRow | None
    account: AccountRow | None


@cache
def _key_and_lock() -> Any:
    """PostgreSQL: the key inserted unless present, then (only if it was new) the chat's lock.

    The lock is taken while projecting the row of an aggregate over the insert's RETURNING,
    so the insert (and any wait on a concurrent insert of the same key) always comes first."""
    table = Inbound.__table__
    inserted = (
        dialect_insert("postgresql", table)
        .values(
            channel=bindparam("channel"),
            message_key=bindparam("message_key"),
            status="done",
            received_at=bindparam("received_at", type_=UTCDateTime),
        )
        .on_conflict_do_nothing(index_elements=[table.c.channel, table.c.message_key])
        .returning(literal(1).label("one"))
        .cte("inserted")
    )
    counted = select(func.count().label("n")).select_from(inserted).subquery("counted")
    lock = func.pg_advisory_xact_lock(
        cast(bindparam("lock_ns"), Integer), cast(bindparam("lock_key"), Integer)
    )
    return select(counted.c.n, case((counted.c.n > 0, lock))).select_from(counted)


def _state_and_member() -> Any:
    conv_t = Conversation.__table__
    conv = (
        select(literal(1).label("has_conv"), *(conv_t.c[name] for name in _CONV_STATE))
        .where(
            conv_t.c.channel == bindparam("channel"),
            conv_t.c.chat_id == bindparam("chat_id"),
        )
        .with_for_update()  # a no-op on SQLite
        .cte("conv")
    )
    member = MEMBER_FOR_ACCOUNT.cte("mem")
    one = select(literal(1).label("x")).subquery("one")
    return select(*conv.c, *member.c).select_from(
        one.outerjoin(conv, true()).outerjoin(member, true())
    )


_STATE_AND_MEMBER = _state_and_member()


async def open_turn(
    conn: AsyncConnection,
    *,
    channel: str,
    message_key: str,
    chat_id: str,
    user_id: str,
    received_at: datetime,
) -> Opening | None:
    """Record the message key, lock the chat, read its state and the member; None when the key
    was already handled (nothing else was read or locked then)."""
    key = {"channel": channel, "message_key": message_key}
    if conn.dialect.name == "postgresql":
        lock = lock_params("chat", channel, chat_id)
        params = {**key, "received_at": received_at}
        params.update(lock_ns=lock["ns"], lock_key=lock["key"])
        fresh = (await conn.execute(_key_and_lock(), params)).scalar_one() > 0
        if not fresh:
            if not await claim_pending(conn, channel=channel, key=message_key):
                return None
            await serialize(conn, "chat", channel, chat_id)
    else:
        values = {**key, "status": "done", "received_at": received_at}
        if not await insert_ignore(
            conn, Inbound.__table__, values, conflict=["channel", "message_key"]
        ) and not await claim_pending(conn, channel=channel, key=message_key):
            return None
    row = (
        await conn.execute(
            _STATE_AND_MEMBER, {"channel": channel, "chat_id": chat_id, "user_id": user_id}
        )
    ).one()
    conversation = ConversationRow(channel, chat_id, *(row[1:7] if row[0] else ()))
    member, account = member_from(row[7:])
    return Opening(conversation, member, account)
