"""What the operator's commands print, in DEFAULT_LOCALE (Vietnamese unless set to en)."""

from __future__ import annotations

from typing import Any

from bot.settings import get_settings
from handlers.problems import problem_text
from locales import Translator, translator


def op_t() -> Translator:
    return translator(get_settings().default_locale)


def _(msgid: str, /, **values: Any) -> str:
    return op_t()._(msgid, **values)


def problem(p) -> str:
    return problem_text(op_t(), p)
