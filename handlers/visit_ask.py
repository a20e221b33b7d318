"""The visit flow's questions: `advance` asks for the first thing still missing from the data.

The full flow, the quick log and /henlai all fill the same data and call `advance`, so every
path ends at the same confirmation screen.
"""

from __future__ import annotations

from datetime import date

from handlers.context import Context
from handlers.fieldlog import OUTCOMES, already_line, household_line, label
from handlers.messages import Choice, Reply, Result, State
from models.fieldwork import already_counted, indicators
from models.household_search import get_household
from models.indicator import Unit
from models.visit import Outcome

FLOW = "visit"


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
    return Reply(ctx._('When to come back? Pick one or type a date, e.g. "28/11".'), choices)


async def indicators_reply(ctx: Context, selected: list[str]) -> Reply:
    inds = await indicators(ctx.session)
    choices = [Choice(i.code, ("✓ " if i.code in selected else "") + label(ctx, i)) for i in inds]
    choices.append(Choice("none", ctx._("None")))
    text = ctx._('What was converted? Type one or more numbers, e.g. "1 3".')
    if ctx.caps.buttons:
        # Buttons are pressed one at a time: each press toggles ✓, "Done" moves on.
        choices.append(Choice("done", ctx._("Done")))
        text = ctx._("What was converted? Tap each one, then Done.")
    return Reply(text, tuple(choices), multi=not ctx.caps.buttons)


async def count_reply(ctx: Context, code: str) -> Reply:
    ind = next(i for i in await indicators(ctx.session) if i.code == code)
    return Reply(
        ctx._("{indicator}: how many people in the household? (1–30)", indicator=label(ctx, ind))
    )


def note_reply(ctx: Context) -> Reply:
    return Reply(
        ctx._('A note or a photo (optional). Type "xong" to skip.'),
        (Choice("skip", ctx._("Skip")),),
    )


def location_reply(ctx: Context) -> Reply:
    return Reply(
        ctx._("Share your location (optional), or skip."), (Choice("skip", ctx._("Skip")),)
    )


def _missing_count(data: dict, person: set[str]) -> str | None:
    counts = data.get("counts") or {}
    return next((c for c in data.get("inds") or [] if c in person and c not in counts), None)


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
    person = {i.code for i in await indicators(ctx.session) if i.unit == Unit.PERSON}
    code = _missing_count(data, person)
    if code is not None:
        data["asking"] = code
        return ask(ctx, "count", data, await count_reply(ctx, code))
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
    inds = {i.code: i for i in await indicators(ctx.session)}
    counts = data.get("counts") or {}
    for code in data.get("inds") or []:
        text = label(ctx, inds[code])
        if code in counts:
            text += ": " + ctx.t.ngettext("{n} person", "{n} people", counts[code])
        parts.append(text)
    lines.append(" · ".join(parts))
    if data.get("note"):
        lines.append(ctx._("Note: {note}", note=data["note"][:80]))
    if data.get("photo"):
        lines.append(ctx._("📷 Photo attached"))
    if data.get("loc"):
        lines.append(ctx._("📍 Location attached"))
    if row is not None and data.get("inds"):
        for item in await already_counted(ctx.session, household_id=row.id, codes=data["inds"]):
            lines.append(already_line(ctx, row.head_name, item, inds[item.indicator_code]))
    choices = (
        Choice("save", ctx._("💾 Save")),
        Choice("edit", ctx._("✏️ Edit")),
        Choice("cancel", ctx._("✖️ Cancel")),
    )
    return Reply("\n".join(line for line in lines if line), choices)
