"""How households, indicators and visits read in field-logging replies (shared by the flows)."""

from __future__ import annotations

from datetime import datetime

from handlers.core.context import Context
from handlers.numbers import parse_int
from locales import N_
from models.fieldwork import Counted, IndicatorRow
from models.household_search import HouseholdRow
from models.indicators import Unit, catalogue
from models.keys import fold
from models.visit import Outcome

MAX_PEOPLE = 30
MAX_NOTE = 1000
SKIP_WORDS = {"xong", "bo qua", "khong", "skip", "done", "no", "-", "k", "ko"}

OUTCOMES = {
    Outcome.MET: N_("Met, helped them"),
    Outcome.NOT_HOME: N_("Not at home"),
    Outcome.REFUSED: N_("Refused"),
    Outcome.LATER: N_("Come back later"),
}
UNITS = {
    Unit.HOUSEHOLD: N_("households"),
    Unit.PERSON: N_("people"),
    Unit.BUSINESS: N_("businesses"),
    Unit.CUSTOMER_CODE: N_("customer codes"),
    Unit.SUBSCRIBER: N_("subscribers"),
}


def short(ctx: Context, ind: IndicatorRow) -> str:
    return ind.short_vi if ctx.t.lang == "vi" else ind.short_en


def label(ctx: Context, ind: IndicatorRow) -> str:
    return f"{ind.emoji} {short(ctx, ind)}".strip()


def inline(ctx: Context, ind: IndicatorRow) -> str:
    """The short name inside a sentence: "điện", but "QR", "VNeID" and "4G" kept as written."""
    name = short(ctx, ind)
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def conversion_text(ctx: Context, ind: IndicatorRow | None, code: str, people: int) -> str:
    """ "⚡ Điện" or "🏦 Tài khoản thanh toán: 2 người"; an indicator no longer listed by name."""
    if ind is None:
        return ctx._("another indicator")
    text = label(ctx, ind)
    if ind.unit == Unit.PERSON:
        text += ": " + ctx.t.ngettext("{n} person", "{n} people", people)
    return text


def aliases(ind: IndicatorRow) -> set[str]:
    """Words that name an indicator in a quick log: code, short names, typed words."""
    return catalogue.aliases(ind)


def codes_hint(inds: list[IndicatorRow]) -> str:
    return ", ".join(fold(i.code) for i in inds)


def household_line(ctx: Context, row: HouseholdRow | None, new: dict | None = None) -> str:
    if row is None and new is None:
        return ""
    if row is not None:
        name, house, hamlet = row.head_name, row.house_number, row.hamlet
        village, code = row.village_name, row.customer_code
    else:
        name, house, hamlet = new.get("name", ""), new.get("house"), new.get("hamlet")
        # A new household goes to the area named in a one-line log, else the member's own.
        village = new.get("village") or (ctx.member.village_name if ctx.member else None)
        code = new.get("code")
    parts = []
    if house:
        parts.append(ctx._("no. {house}", house=house))
    if hamlet:
        parts.append(ctx._("group {hamlet}", hamlet=hamlet))
    if village:
        parts.append(village)
    text = ctx._("Household {name}", name=name)
    if parts:
        text += " — " + ", ".join(parts)
    if code:
        text += " " + ctx._("(customer code {code})", code=code)
    if new is not None and row is None:
        text += " " + ctx._("(new)")
    return text


def already_line(ctx: Context, name: str, item: Counted, ind: IndicatorRow) -> str:
    local = item.at.astimezone(ctx.tz)
    return ctx._(
        'Household {name} was already logged for "{indicator}" by {member} at {time} on {date}, '
        "so it is not counted again.",
        name=name,
        indicator=ind.name_vi if ctx.t.lang == "vi" else ind.name_en,
        member=item.member_name,
        time=local.strftime("%H:%M"),
        date=ctx.t.date(local.date()),
    )


def parse_people(text: str) -> int | None:
    """A count of people 1–30, or None."""
    return parse_int(text, lo=1, hi=MAX_PEOPLE)


def is_skip(text: str) -> bool:
    return fold(text).strip(".!") in SKIP_WORDS


def has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def clock_time(ctx: Context, at: datetime) -> str:
    return at.astimezone(ctx.tz).strftime("%H:%M")
