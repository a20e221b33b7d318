"""The visit flow's questions: `advance` asks for the first thing still missing from the data.

The full flow, the quick log and /henlai all fill the same data and call `advance`, so every
path ends at the same confirmation screen.
"""

from __future__ import annotations

from datetime import date, timedelta

from handlers import units
from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, State
from handlers.visits.fieldlog import OUTCOMES, already_line, household_line, label
from models.fieldwork import already_counted, household_totals, indicators, is_business
from models.household_search import get_household
from models.indicators import Unit
from models.visit import Outcome

FLOW = "visit"


def area_id(ctx: Context, data: dict) -> int | None:
    """Where a new household goes: the area named in a one-line log, else the member's own."""
    return data.get("area_id") or ctx.member.village_id


def area_name(ctx: Context, data: dict) -> str | None:
    return data.get("area_name") or ctx.member.village_name


def ask(ctx: Context, step: str, data: dict, reply: Reply) -> Result:
    return Result([reply], State(FLOW, step, data))


def find_question(ctx: Context) -> Reply:
    return Reply(
        ctx._(
            "Find the household: type the customer code, phone number, "
            'house number + group (e.g. "so 12 xom 3"), or the head\'s name.'
        )
    )


def outcome_reply(ctx: Context) -> Reply:
    choices = tuple(Choice(key, ctx._(text)) for key, text in OUTCOMES.items())
    return Reply(ctx._("How did the visit go?"), choices)


def later_reply(ctx: Context) -> Reply:
    choices = (
        Choice("1", ctx._("Tomorrow")),
        Choice("3", ctx._("In 3 days")),
        Choice("7", ctx._("Next week")),
    )
    text = ctx._(
        'When to come back? Pick one or type a date, e.g. "{example}".', example=example_day(ctx)
    )
    return Reply(text, choices)


def example_day(ctx: Context) -> str:
    """A day/month a few days ahead of today, so the example is never in the past."""
    return ctx.t.date(ctx.local().date() + timedelta(days=3))[:5]


async def indicators_reply(ctx: Context, selected: list[str]) -> Reply:
    inds = await indicators(ctx.session, ctx.member.commune_id)
    choices = [Choice(i.code, ("✓ " if i.code in selected else "") + label(ctx, i)) for i in inds]
    choices.append(Choice("none", ctx._("None")))
    text = ctx._('What was converted? Type one or more numbers, e.g. "1 3".')
    if ctx.caps.buttons:
        # Buttons are pressed one at a time: each press toggles ✓, "Done" moves on.
        choices.append(Choice("done", ctx._("Done")))
        text = ctx._("What was converted? Tap each one, then Done.")
    return Reply(text, tuple(choices), multi=not ctx.caps.buttons)


async def count_reply(ctx: Context, code: str, had: int | None = None) -> Reply:
    ind = next(i for i in await indicators(ctx.session, ctx.member.commune_id) if i.code == code)
    return units.question(ctx, ind, had)


def had_total(data: dict, code: str) -> int | None:
    """What the household already had for a counted code when the member was asked."""
    had = (data.get("had") or {}).get(code)
    return had[0] if had else None


def note_reply(ctx: Context) -> Reply:
    return Reply(
        ctx._('A note or a photo (optional). Type "xong" to skip.'),
        (Choice("skip", ctx._("Skip")),),
    )


def location_reply(ctx: Context) -> Reply:
    return Reply(
        ctx._("Share your location (optional), or skip."),
        (Choice("skip", ctx._("Skip")),),
        ask_location=True,
    )


async def _missing_count(ctx: Context, data: dict, inds: dict) -> str | None:
    """The first counted code without a count. A household counted before is asked how many
    more. A quick-log count no larger than what it has already is taken as the same people
    (a re-sent message must not count them twice); a larger one is ambiguous (3 in all or 3
    new?), so it is asked."""
    chosen = [c for c in data.get("inds") or [] if units.counted(inds[c])]
    counts = data.setdefault("counts", {})
    had = data.setdefault("had", {})
    unchecked = [c for c in chosen if c not in had]
    if unchecked and data.get("hh"):
        totals = await household_totals(ctx.session, household_id=data["hh"], codes=unchecked)
        for code in unchecked:
            found = totals.get(code)
            had[code] = [found.total, found.seq] if found else None
            if found and code in counts:
                if counts[code] <= found.total:
                    counts[code] = 0
                else:
                    del counts[code]
    return next((c for c in chosen if c not in counts), None)


async def _business(ctx: Context, data: dict, inds: dict) -> Reply | None:
    """Asks whether the household is a business when a business-unit indicator was chosen."""
    chosen = [inds[c] for c in data.get("inds") or [] if inds[c].unit == Unit.BUSINESS]
    if not chosen or data.get("business") is not None:
        return None
    if data.get("hh") and await is_business(ctx.session, household_id=data["hh"]):
        data["business"] = True
        return None
    return units.business_question(ctx, chosen)


async def advance(ctx: Context, data: dict) -> Result:
    """Ask for the first missing piece; when nothing is missing, show the summary."""
    if data.get("hh") is None and data.get("new") is None:
        return ask(ctx, "find", data, find_question(ctx))
    outcome = data.get("outcome")
    if outcome is None:
        return ask(ctx, "outcome", data, outcome_reply(ctx))
    if outcome == Outcome.LATER and not data.get("later"):
        return ask(ctx, "later", data, later_reply(ctx))
    if outcome == Outcome.MET and data.get("inds") is None:
        data["sel"] = []
        return ask(ctx, "inds", data, await indicators_reply(ctx, []))
    inds = {i.code: i for i in await indicators(ctx.session, ctx.member.commune_id)}
    business = await _business(ctx, data, inds)
    if business is not None:
        return ask(ctx, "business", data, business)
    code = await _missing_count(ctx, data, inds)
    if code is not None:
        data["asking"] = code
        return ask(ctx, "count", data, await count_reply(ctx, code, had_total(data, code)))
    asked = data.setdefault("asked", [])
    if "note" not in asked:
        return ask(ctx, "note", data, note_reply(ctx))
    if ctx.caps.location and "loc" not in asked:
        return ask(ctx, "loc", data, location_reply(ctx))
    return ask(ctx, "confirm", data, await summary(ctx, data))


async def summary(ctx: Context, data: dict) -> Reply:
    row = await get_household(ctx.session, household_id=data["hh"]) if data.get("hh") else None
    lines = [household_line(ctx, row, data.get("new"))]
    parts = [ctx._(OUTCOMES[Outcome(data["outcome"])])]
    if data.get("later"):
        parts[0] += " " + ctx.t.date(date.fromisoformat(data["later"]))
    inds = {i.code: i for i in await indicators(ctx.session, ctx.member.commune_id)}
    counts = data.get("counts") or {}
    for code in data.get("inds") or []:
        if code in counts:
            parts.append(units.summary_part(ctx, inds[code], counts[code], had_total(data, code)))
        else:
            parts.append(label(ctx, inds[code]))
    lines.append(" · ".join(parts))
    if data.get("note"):
        lines.append(ctx._("Note: {note}", note=data["note"][:80]))
    if data.get("photo"):
        lines.append(ctx._("📷 Photo attached"))
    if data.get("loc"):
        lines.append(ctx._("📍 Location attached"))
    # Codes being added to say so on their own line above; the others are counted once.
    plain = [c for c in data.get("inds") or [] if had_total(data, c) is None]
    if row is not None and plain:
        for item in await already_counted(ctx.session, household_id=row.id, codes=plain):
            lines.append(already_line(ctx, row.head_name, item, inds[item.indicator_code]))
    choices = (
        Choice("save", ctx._("💾 Save")),
        Choice("edit", ctx._("✏️ Edit")),
        Choice("cancel", ctx._("✖️ Cancel")),
    )
    return Reply("\n".join(line for line in lines if line), choices)
