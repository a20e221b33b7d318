"""Recognise a picked choice: button data, then exact label, unaccented label, then number."""

from __future__ import annotations

import re

from handlers.core.messages import Choice
from handlers.numbers import is_number, parse_int
from models.keys import fold

_EMOJI_EDGE = re.compile(r"^[^\w]+|[^\w]+$")


def _label_key(label: str) -> str:
    return fold(_EMOJI_EDGE.sub("", label))


def resolve(text: str, choices: list[Choice]) -> str | None:
    """The key of the choice a free-text answer names, or None."""
    raw = text.strip()
    if not raw:
        return None
    for choice in choices:
        if raw in (choice.label, choice.key):
            return choice.key
    key = _label_key(raw)
    for choice in choices:
        if key and key in (_label_key(choice.label), fold(choice.key)):
            return choice.key
    number = parse_int(raw.rstrip(".)"), lo=1, hi=len(choices))
    if number is not None:
        return choices[number - 1].key
    return _by_leading_words(key, choices)


def _by_leading_words(key: str, choices: list[Choice]) -> str | None:
    """ "gap" picks "Gặp, đã hướng dẫn": the first words of exactly one label."""
    if not key or is_number(key):
        return None
    hits = [
        c.key
        for c in choices
        if (label := _label_key(c.label)).startswith(key)
        and (len(label) == len(key) or not label[len(key)].isalnum())
    ]
    return hits[0] if len(hits) == 1 else None


def resolve_many(text: str, choices: list[Choice]) -> list[str] | None:
    """Several picks in one answer: "1 3", "1,3", "dien nuoc". None if any part is unknown."""
    whole = resolve(text, choices)
    if whole is not None:
        return [whole]
    parts = [p for p in re.split(r"[\s,;+]+", text.strip()) if p]
    picked: list[str] = []
    for part in parts:
        key = resolve(part, choices)
        if key is None:
            return None
        if key not in picked:
            picked.append(key)
    return picked or None


def from_button(data: str, choices: list[Choice], version: int) -> str | None:
    """Button data "<version>:<index>"; None when it belongs to an older question."""
    try:
        ver, index = (int(x) for x in data.split(":", 1))
    except ValueError:
        return None
    if ver != version or not 0 <= index < len(choices):
        return None
    return choices[index].key
