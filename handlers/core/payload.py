"""Replies as plain JSON for the outbox payload, and back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handlers.core.messages import Choice, Document, Image, Reply


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    out: dict[str, Any] = {"text": reply.text, "lang": reply.lang}
    if reply.choices:
        out["choices"] = [[c.key, c.label] for c in reply.choices]
        out["multi"] = reply.multi
        # Buttons carry the conversation version: without it a queued question reads as stale.
        out["version"] = reply.version
    if reply.ask_location:
        out["ask_location"] = True
    if reply.image:
        out["image"] = {"path": str(reply.image.path), "caption": reply.image.caption}
    if reply.document:
        doc = reply.document
        out["document"] = {"path": str(doc.path), "filename": doc.filename, "caption": doc.caption}
    return out


def reply_from_dict(data: dict[str, Any]) -> Reply:
    image = data.get("image")
    doc = data.get("document")
    return Reply(
        text=data.get("text", ""),
        choices=tuple(Choice(k, label) for k, label in data.get("choices", ())),
        multi=bool(data.get("multi", False)),
        ask_location=bool(data.get("ask_location", False)),
        image=Image(Path(image["path"]), image.get("caption", "")) if image else None,
        document=Document(Path(doc["path"]), doc["filename"], doc.get("caption", ""))
        if doc
        else None,
        version=int(data.get("version", 0)),
        lang=data.get("lang", "vi"),
    )


def to_payload(replies: list[Reply]) -> dict[str, Any]:
    return {"replies": [reply_to_dict(r) for r in replies]}


def from_payload(payload: dict[str, Any]) -> list[Reply]:
    return [reply_from_dict(r) for r in payload.get("replies", ())]
