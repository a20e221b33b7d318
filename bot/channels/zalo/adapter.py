"""Zalo updates → neutral `Incoming`; neutral `Reply` → the texts and photos Zalo can send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.channels.base import numbered, split_text
from bot.channels.zalo.client import MAX_TEXT
from bot.files import FileLinks
from handlers.core.context import Capabilities
from handlers.core.messages import Incoming, Kind, Reply, clean_text
from locales import translator

CHANNEL = "zalo"
KINDS: dict[str, Kind] = {
    "message.text.received": "text",
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
    "message.voice.received": "voice",
}


def caps(public: bool) -> Capabilities:
    return Capabilities(
        buttons=False,
        max_text=MAX_TEXT,
        location=False,
        documents=False,
        edit=False,
        images=public,
        files=public,
    )


def unwrap(body: Any) -> dict[str, Any] | None:
    """Webhook bodies come wrapped in {ok, result} or bare; both give the update."""
    if not isinstance(body, dict):
        return None
    if body.get("ok") is True and isinstance(body.get("result"), dict):
        return body["result"]
    return body


def to_incoming(update: dict[str, Any], bot: str, now: datetime) -> Incoming | None:
    """None for what we cannot answer: no sender, no message id, or another bot."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    if sender.get("is_bot"):
        return None
    user_id = str(sender.get("id") or chat.get("id") or "")
    chat_id = str(chat.get("id") or user_id)
    message_id = str(message.get("message_id") or "")
    if not user_id or not message_id or len(user_id) > 64 or len(message_id) > 100:
        return None
    kind = KINDS.get(str(update.get("event_name") or ""), "unsupported")
    text = message.get("text") if kind == "text" else message.get("caption")
    photo = message.get("photo_url") or message.get("photo") if kind == "photo" else None
    name = sender.get("display_name") or sender.get("name") or sender.get("first_name")
    return Incoming(
        channel=CHANNEL,
        user_id=user_id,
        chat_id=chat_id,
        message_id=message_id,
        sent_at=_sent_at(message.get("date"), now),
        text=clean_text(text) if isinstance(text, str) else None,
        kind=kind,
        chat_kind="group" if str(chat.get("chat_type", "")).upper() == "GROUP" else "private",
        photo=str(photo) if photo else None,
        display_name=clean_text(str(name))[:120] if name else None,
        bot=bot,
    )


def _sent_at(raw: Any, now: datetime) -> datetime:
    # Zalo dates are epoch milliseconds.
    try:
        return datetime.fromtimestamp(int(raw) / 1000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now


@dataclass(frozen=True)
class Send:
    """One API call: a text, or a photo by public URL with a caption."""

    text: str = ""
    photo_url: str | None = None


def render(reply: Reply, links: FileLinks | None) -> list[Send]:
    t = translator(reply.lang)
    text = numbered(reply, t) if (reply.text or reply.choices) else ""
    extra: list[str] = []
    photo: str | None = None
    if reply.image is not None:
        if links is not None:
            photo = links.url_for(reply.image.path)
        else:
            extra.append(_unless_said(reply.image.caption, reply.text))
            extra.append(t._("(A chart was left out: the admin must set PUBLIC_BASE_URL.)"))
    if reply.document is not None:
        if links is not None:
            extra.append(
                t.ngettext(
                    "Download {name}: {url} (valid for {n} hour)",
                    "Download {name}: {url} (valid for {n} hours)",
                    links.hours,
                    name=reply.document.filename,
                    url=links.url_for(reply.document.path),
                )
            )
        else:
            extra.append(_unless_said(reply.document.caption, reply.text))
            extra.append(t._("(A file was left out: the admin must set PUBLIC_BASE_URL.)"))
    sends: list[Send] = []
    if photo is not None:
        caption = reply.image.caption if reply.image else ""
        if len(caption) > MAX_TEXT:  # too long for a caption: it follows as text
            extra.insert(0, caption)
            caption = ""
        sends.append(Send(caption, photo))
    body = "\n".join(p for p in [text, *extra] if p)
    sends += [Send(part) for part in split_text(body, MAX_TEXT) if part.strip()]
    return sends


def _unless_said(caption: str, text: str) -> str:
    # A report's reply text is its caption: say it once.
    return "" if caption.strip() == (text or "").strip() else caption
