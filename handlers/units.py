"""Counts in the plan's units: people and subscribers per household, business households.

A counted unit (people, subscribers) asks how many; a household already counted for that
indicator is asked how many more, and the household's total never passes the unit's cap.
A business unit (QR) counts only households that are businesses; the visit can mark one.
"""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Choice, Reply
from handlers.numbers import parse_int
from handlers.visits.fieldlog import label
from locales import N_
from models.fieldwork import IndicatorRow
from models.indicators import COUNT_CAP, COUNTED_UNITS, Unit

FIRST = {
    Unit.PERSON: N_("{indicator}: how many people in the household? ({low}–{max})"),
    Unit.SUBSCRIBER: N_("{indicator}: how many subscribers in the household? ({low}–{max})"),
}
MORE = {
    Unit.PERSON: N_(
        "{indicator}: this household already has {count}; how many more people? "
        "({low}–{max}, 0 if nobody new)"
    ),
    Unit.SUBSCRIBER: N_(
        "{indicator}: this household already has {count}; how many more subscribers? "
        "({low}–{max}, 0 if none new)"
    ),
}
OUT_OF_RANGE = {
    Unit.PERSON: N_(
        "The number of people must be from {low} to {max} (one household). Please type it again."
    ),
    Unit.SUBSCRIBER: N_(
        "The number of subscribers must be from {low} to {max} (one household). "
        "Please type it again."
    ),
}
FULL = N_(
    "{indicator}: this household already has {count}, the most one household can have. "
    "Type 0, or /sua to correct an earlier entry."
)


def counted(ind: IndicatorRow) -> bool:
    return ind.unit in COUNTED_UNITS


def cap(ind: IndicatorRow) -> int:
    return COUNT_CAP[Unit(ind.unit)]


def amount(ctx: Context, unit: str, n: int) -> str:
    """ "3 people" / "2 subscribers" in the member's language."""
    if unit == Unit.SUBSCRIBER:
        return ctx.t.ngettext("{n} subscriber", "{n} subscribers", n)
    return ctx.t.ngettext("{n} person", "{n} people", n)


def bounds(ind: IndicatorRow, had: int | None) -> tuple[int, int]:
    """What may be typed: 1..cap for a first count, 0..(cap − total) for an addition."""
    return (0, max(0, cap(ind) - had)) if had is not None else (1, cap(ind))


def question(ctx: Context, ind: IndicatorRow, had: int | None) -> Reply:
    low, high = bounds(ind, had)
    unit = Unit(ind.unit)
    if had is None:
        text = ctx._(FIRST[unit], indicator=label(ctx, ind), low=low, max=high)
    elif high == 0:
        text = ctx._(FULL, indicator=label(ctx, ind), count=amount(ctx, unit, had))
    else:
        text = ctx._(
            MORE[unit], indicator=label(ctx, ind), count=amount(ctx, unit, had), low=low, max=high
        )
    return Reply(text)


def parse(text: str, ind: IndicatorRow, had: int | None) -> int | None:
    """The typed count when it is within bounds, else None."""
    low, high = bounds(ind, had)
    return parse_int(text, lo=low, hi=high)


def refusal(ctx: Context, ind: IndicatorRow, had: int | None) -> str:
    low, high = bounds(ind, had)
    if had is None:
        return ctx._(OUT_OF_RANGE[Unit(ind.unit)], low=low, max=high)
    return ctx._(
        "This household already has {count}, so at most {max} more can be added "
        "(a household has at most {cap}). Please type it again.",
        count=amount(ctx, ind.unit, had),
        max=high,
        cap=cap(ind),
    )


def summary_part(ctx: Context, ind: IndicatorRow, n: int, had: int | None) -> str:
    text = label(ctx, ind)
    if had is None:
        return text + ": " + amount(ctx, ind.unit, n)
    if n == 0:
        already = amount(ctx, ind.unit, had)
        return text + ": " + ctx._("nobody new (already {count})", count=already)
    return (
        text
        + ": "
        + ctx._(
            "{count} more (total {total})",
            count=amount(ctx, ind.unit, n),
            total=ctx.t.num(had + n),
        )
    )


def total_line(ctx: Context, ind: IndicatorRow, name: str, total: int) -> str:
    return ctx._(
        "{indicator}: household {name} now has {count} in total.",
        indicator=label(ctx, ind),
        name=name,
        count=amount(ctx, ind.unit, total),
    )


def business_question(ctx: Context, inds: list[IndicatorRow]) -> Reply:
    names = ", ".join(label(ctx, i) for i in inds)
    choices = (
        Choice("yes", ctx._("Yes, it is a business")),
        Choice("no", ctx._("No, a home only")),
    )
    text = ctx._(
        "{indicators} counts business households. Is this household a business "
        "(shop, stall, café…)?",
        indicators=names,
    )
    return Reply(text, choices)
