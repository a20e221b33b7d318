"""Translations and Vietnamese-style formatting of numbers, percents and dates.

Catalogues are the `.po` files under `locales/<lang>/LC_MESSAGES/`, one per feature, merged at
load time through Babel: no compiled `.mo` files and no compile step.

A count next to a noun goes through `ngettext` as `{n}` (vi has one form, en two). A second count
in the same sentence is its own `ngettext` piece passed in as a placeholder, e.g.
"{n} visits, {conversions}" with conversions = "{n} conversions".
"""

from __future__ import annotations

import string
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_group_symbol

LOCALES_DIR = Path(__file__).parent
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


def N_(msgid: str) -> str:
    """Marks a string for extraction; it is translated later, where the locale is known."""
    return msgid


@cache
def load_catalog(lang: str) -> dict[Any, str]:
    """Merged msgid → translation for one language (plural ids map to a tuple of forms)."""
    merged: dict[Any, str] = {}
    for po in sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            # A plural entry counts only with every form its language needs (vi 1, en 2).
            if not message.id or not all(forms):
                continue
            merged[message.id] = message.string
    return merged


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Translator:
    """gettext-style lookups for one language plus the number and date formats it uses."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._catalog = load_catalog(self.lang)

    def _(self, msgid: str, /, **values: Any) -> str:
        text = self._catalog.get(msgid) or msgid
        return text.format(**values) if values else text

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        forms = self._catalog.get((singular, plural))
        if forms:
            # Vietnamese has one form; English two.
            text = forms[0] if len(forms) == 1 or n == 1 else forms[1]
        else:
            text = singular if n == 1 else plural
        return text.format(n=self.num(n), **values)

    # -- formats -------------------------------------------------------------------------------
    def num(self, value: float, digits: int = 0) -> str:
        """1857 → "1.857" (vi) / "1,857" (en); digits fixes the decimals: 8.345 → "8,34"."""
        if not digits and isinstance(value, int):
            # Whole numbers are most of what a turn prints; Babel parses its pattern every call.
            return f"{value:,}".replace(",", _group_symbol(self.lang))
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.lang)

    def pct(self, value: float, digits: int = 1) -> str:
        """28.647 → "28,6%"."""
        return self.num(value, digits) + "%"

    def date(self, value: date) -> str:
        return value.strftime("%d/%m/%Y")

    def short_date(self, value: date) -> str:
        return value.strftime("%d/%m")

    def time(self, value: datetime) -> str:
        return value.strftime("%H:%M")


@cache
def _group_symbol(lang: str) -> str:
    return get_group_symbol(lang)


@cache
def translator(lang: str) -> Translator:
    return Translator(lang)
