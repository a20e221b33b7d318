"""What every channel shares: the numbered-text rendering of choices and text splitting."""

from __future__ import annotations

from handlers.messages import Reply
from locales import Translator


def answer_hint(t: Translator, count: int) -> str:
    if count == 1:
        return t._("Reply 1.")
    if count == 2:
        return t._("Reply 1 or 2.")
    if count == 3:
        return t._("Reply 1, 2 or 3.")
    return t._("Reply with a number from 1 to {last}.", last=count)


def numbered(reply: Reply, t: Translator) -> str:
    """Choices as a numbered list with a one-line hint: the fallback where there are no buttons."""
    if not reply.choices:
        return reply.text
    lines = [reply.text] if reply.text else []
    lines += [f"{i}. {c.label}" for i, c in enumerate(reply.choices, 1)]
    if reply.multi:
        lines.append(t._('Type one or more numbers, e.g. "1 3".'))
    else:
        lines.append(answer_hint(t, len(reply.choices)))
    return "\n".join(lines)


def split_text(text: str, limit: int) -> list[str]:
    """Split on paragraph, then line, then word boundaries so each part fits `limit`."""
    if len(text) <= limit:
        return [text]
    for sep in ("\n\n", "\n", " "):
        parts, current = [], ""
        for piece in text.split(sep):
            candidate = f"{current}{sep}{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
                continue
            if current:
                parts.append(current)
            current = piece
        if current:
            parts.append(current)
        if all(len(p) <= limit for p in parts):
            return parts
    return [text[i : i + limit] for i in range(0, len(text), limit)]
