"""The core's replies as Bot API calls: HTML-escaped text, inline keyboards, photos, documents."""

from __future__ import annotations

import html

from aiogram import Bot
from aiogram.types import (
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)

from bot.channels.base import split_text
from handlers.core.messages import Reply
from locales import translator

MAX_TEXT = 4096
MAX_CAPTION = 1024
# Callback data is "c:<version>:<index>": short, and never the choice's key itself.
PREFIX = "c:"
CLOSED = "This question has closed."


def esc(text: str) -> str:
    # Replies are plain text; escaping all of it keeps anything a user typed inert in HTML mode.
    return html.escape(text, quote=False)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if reply.ask_location:
        return location_keyboard(reply)
    if not reply.choices:
        return None
    rows = [
        [InlineKeyboardButton(text=c.label, callback_data=f"{PREFIX}{reply.version}:{i}")]
        for i, c in enumerate(reply.choices)
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def location_keyboard(reply: Reply) -> ReplyKeyboardMarkup:
    """Telegram's own "send my location" button; the other options are typed by their label,
    which the core reads like a pressed choice. Gone after one use."""
    label = translator(reply.lang)._("📍 Send my location")
    rows = [[KeyboardButton(text=label, request_location=True)]]
    rows += [[KeyboardButton(text=c.label)] for c in reply.choices]
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)


def choice_of(data: str | None) -> str | None:
    """Callback data → the core's "<version>:<index>", or None for data that is not ours."""
    if not data or not data.startswith(PREFIX):
        return None
    return data[len(PREFIX) :]


def is_closed(replies: list[Reply]) -> bool:
    """The core answered a press of an old button: show it as the button's alert instead."""
    return (
        len(replies) == 1
        and not replies[0].choices
        and replies[0].text == translator(replies[0].lang)._(CLOSED)
    )


async def send_replies(bot: Bot, chat_id: int | str, replies: list[Reply]) -> None:
    for reply in replies:
        await send_reply(bot, chat_id, reply)


async def send_reply(bot: Bot, chat_id: int | str, reply: Reply) -> None:
    text = reply.text
    if reply.image is not None:
        caption, text = _caption(reply.image.caption, text, reply)
        await bot.send_photo(chat_id, FSInputFile(reply.image.path), caption=caption)
    if reply.document is not None:
        doc = reply.document
        caption, text = _caption(doc.caption, text, reply)
        await bot.send_document(
            chat_id, FSInputFile(doc.path, filename=doc.filename), caption=caption
        )
    if not text and not reply.choices:
        return
    parts = split_text(text or "…", MAX_TEXT)
    for part in parts[:-1]:
        await bot.send_message(chat_id, esc(part))
    await bot.send_message(chat_id, esc(parts[-1]), reply_markup=keyboard(reply))


def _caption(own: str, text: str, reply: Reply) -> tuple[str | None, str]:
    """A file's caption, and the text still to send: a short reply rides along as the caption."""
    if own:
        # A reply whose text is the file's caption (a report) is one message, not two.
        return esc(own[:MAX_CAPTION]), "" if text.strip() == own.strip() else text
    if text and not reply.choices and len(text) <= MAX_CAPTION:
        return esc(text), ""
    return None, text


async def show_pick(bot: Bot, query: CallbackQuery) -> None:
    """Edit the question to show what was picked, and take its buttons away."""
    message = query.message
    if not isinstance(message, Message):
        return  # too old to edit (InaccessibleMessage)
    label = _label(message, query.data)
    if label is None or message.text is None:
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
        )
        return
    await bot.edit_message_text(
        text=f"{esc(message.text)}\n\n✅ {esc(label)}",
        chat_id=message.chat.id,
        message_id=message.message_id,
        reply_markup=None,
    )


async def close_question(bot: Bot, query: CallbackQuery) -> None:
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
        )


def _label(message: Message, data: str | None) -> str | None:
    markup = message.reply_markup
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
