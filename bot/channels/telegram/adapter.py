"""The one aiogram Router: Telegram updates → the core's `Incoming` → replies sent back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiogram import Bot, Router
from aiogram.enums import ChatAction
from aiogram.types import CallbackQuery, Message

from bot.channels.locks import ChatLocks
from bot.channels.telegram import render
from handlers.core.context import Capabilities
from handlers.core.messages import Incoming, Kind, Reply

log = logging.getLogger(__name__)

CHANNEL = "telegram"
CAPS = Capabilities(
    buttons=True, max_text=render.MAX_TEXT, location=True, documents=True, edit=True
)
GROUP_TYPES = ("group", "supergroup")
TYPING_AFTER = 1.0  # seconds

Process = Callable[[Incoming, Capabilities], Awaitable[list[Reply]]]


def incoming_from_message(message: Message) -> Incoming | None:
    user = message.from_user
    if user is None or user.is_bot or message.chat.type == "channel":
        return None
    kind, extra = _content(message)
    return Incoming(
        channel=CHANNEL,
        user_id=str(user.id),
        chat_id=str(message.chat.id),
        # Chat and message id: the same in polling and webhook mode, and on a redelivery.
        message_id=f"{message.chat.id}:{message.message_id}",
        sent_at=message.date,
        text=message.text or message.caption,
        kind=kind,
        chat_kind="group" if message.chat.type in GROUP_TYPES else "private",
        display_name=user.full_name,
        language_code=user.language_code,
        **extra,
    )


def _content(message: Message) -> tuple[Kind, dict]:
    if message.photo:
        return "photo", {"photo": message.photo[-1].file_id}
    if message.location:
        return "location", {"location": (message.location.latitude, message.location.longitude)}
    if message.contact:
        contact = message.contact
        # Only the sender's own number: a forwarded card of someone else is not their phone.
        own = message.from_user is not None and contact.user_id == message.from_user.id
        return "contact", {"contact_phone": contact.phone_number if own else None}
    if message.document:
        return "document", {}
    if message.sticker:
        return "sticker", {}
    if message.voice or message.audio or message.video_note:
        return "voice", {}
    if message.text is not None:
        return "text", {}
    return "unsupported", {}


def incoming_from_callback(query: CallbackQuery, now: datetime) -> Incoming | None:
    choice = render.choice_of(query.data)
    message = query.message
    if choice is None or message is None:
        return None
    return Incoming(
        channel=CHANNEL,
        user_id=str(query.from_user.id),
        chat_id=str(message.chat.id),
        message_id=f"cb:{query.id}",
        # A press carries no date of its own; the question's date would be too old.
        sent_at=now,
        choice=choice,
        chat_kind="group" if message.chat.type in GROUP_TYPES else "private",
        display_name=query.from_user.full_name,
        language_code=query.from_user.language_code,
    )


def make_router(process: Process, clock: Callable[[], datetime], guard: Guard) -> Router:
    router = Router(name=CHANNEL)
    locks = ChatLocks()

    @router.message()
    async def on_message(message: Message, bot: Bot) -> None:
        incoming = incoming_from_message(message)
        if incoming is None:
            return
        async with locks.hold(incoming.chat_id):
            typing = asyncio.create_task(_typing_soon(bot, message.chat.id, guard))
            try:
                replies = await process(incoming, CAPS)
            finally:
                typing.cancel()
            await guard(incoming.chat_id, render.send_replies(bot, message.chat.id, replies))

    @router.callback_query()
    async def on_press(query: CallbackQuery, bot: Bot) -> None:
        incoming = incoming_from_callback(query, clock())
        if incoming is None:
            await guard(str(query.from_user.id), query.answer())
            return
        async with locks.hold(incoming.chat_id):
            replies = await process(incoming, CAPS)
            if not replies:  # a redelivered press: already handled
                return
            if render.is_closed(replies):
                await guard(incoming.chat_id, query.answer(replies[0].text, show_alert=True))
                await guard(incoming.chat_id, render.close_question(bot, query))
                return
            # Independent calls: the next question need not wait two round trips to Telegram
            # for the spinner and the old question's tick. The replies keep their own order.
            await asyncio.gather(
                guard(incoming.chat_id, query.answer()),
                guard(incoming.chat_id, render.show_pick(bot, query)),
                guard(incoming.chat_id, render.send_replies(bot, incoming.chat_id, replies)),
            )

    return router


async def _typing_soon(bot: Bot, chat_id: int, guard: Guard) -> None:
    """Show "typing…" only when a turn is slow (a report, a chart): fast turns cost no call."""
    await asyncio.sleep(TYPING_AFTER)
    await guard(str(chat_id), bot.send_chat_action(chat_id, ChatAction.TYPING))


# Runs one send for a chat; Telegram's refusals are logged and recorded, never raised.
Guard = Callable[[str, Awaitable[object]], Awaitable[None]]
