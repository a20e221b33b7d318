"""/muctieu (officials): see the targets, then set, change or delete one in short questions.

| step              | waits for                                  | next              |
|-------------------|--------------------------------------------|-------------------|
| target/indicator  | an indicator (choice)                      | target/place      |
| target/place      | the commune or an area: a choice, or part  | target/numbers    |
|                   | of its name when there are many            |                   |
| target/numbers    | "total reached", e.g. 1857 532; or delete  | target/base_date  |
| target/base_date  | the day "reached" was counted, or today    | target/goal       |
| target/goal       | "70%" or a count "300"                     | target/deadline   |
| target/deadline   | dd/mm/yyyy, not before the baseline date   | target/confirm    |
| target/confirm    | Save / Cancel                              | done              |
What is refused, and why, is models/target_rules: the same rules as the workbook, CLI and web.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from handlers import area_pick
from handlers.core.context import Context
from handlers.core.messages import Choice, Reply, Result, State, done, keep
from handlers.core.router import Router
from handlers.numbers import whole_numbers
from handlers.problems import problem_text
from handlers.progress.text import goal_text
from locales import N_
from models.audit import audit
from models.indicators import Target
from models.indicators.catalogue import commune_indicators
from models.indicators.rules import Draft, check_numbers, check_target, refused
from models.indicators.targets import TargetIn, delete_target, set_target
from models.keys import fold_digits
from models.members import Role
from models.progress import progress
from models.values import parse_date

router = Router()

FLOW = "target"
# Placeholders that no rule can trip over, for checking a target before all of it is typed.
EARLY, LATE = date(1900, 1, 1), date(9999, 12, 31)


def _ask(step_name: str, data: dict, reply: Reply) -> Result:
    return Result([reply], State(FLOW, step_name, data, list(reply.choices)))


@router.command("muctieu", "target", role=Role.OFFICIAL, help=N_("/muctieu — see and set targets"))
async def target_command(ctx: Context) -> Result:
    rows = await progress(
        ctx.session, commune_id=ctx.member.commune_id, today=ctx.local().date(), tz=ctx.tz
    )
    # One line per indicator, in its choice: 12 indicators and 34 areas still fit a phone.
    whole = {r.indicator_id: r for r in rows if r.village_id is None}
    lines = [ctx._("🎯 Targets of the whole commune — pick an indicator to see or set it:")]
    areas = sum(1 for r in rows if r.village_id is not None)
    if areas:
        lines.append(
            ctx.t.ngettext(
                "(and {n} area target: pick the indicator, then the area)",
                "(and {n} area targets: pick the indicator, then the area)",
                areas,
            )
        )
    indicators = await commune_indicators(ctx.session, ctx.member.commune_id)
    en = ctx.t.lang == "en"
    choices = []
    for ind in indicators:
        name = f"{ind.emoji} {ind.short_en if en else ind.short_vi}".strip()
        row = whole.get(ind.id)
        if row is None:
            label = ctx._("{indicator}: no target yet", indicator=name)
        else:
            label = ctx._(
                "{indicator}: {goal} = {target} by {deadline}",
                indicator=name,
                goal=goal_text(ctx.t, row),
                target=ctx.t.num(row.target),
                deadline=ctx.t.date(row.deadline),
            )
        choices.append(Choice(str(ind.id), label))
    return _ask("indicator", {}, Reply("\n".join(lines), tuple(choices)))


@router.step(FLOW, "indicator")
async def on_indicator(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(
            Reply(ctx._("Please pick an indicator from the list."), tuple(ctx.state.choices))
        )
    question = ctx._("For the whole commune or for one area?")
    reply = await area_pick.question(ctx, question, commune=True)
    return _ask("place", {"indicator": int(picked)}, reply)


@router.step(FLOW, "place")
async def on_place(ctx: Context) -> Result:
    found = await area_pick.answer(ctx, commune=True)
    data = dict(ctx.state.data)
    if not found.done:
        return _ask("place", data, found.reply)
    data.update(village=found.village_id, place=found.name)
    current = await _current(ctx, data)
    text = _numbers_question(ctx)
    choices: tuple[Choice, ...] = ()
    if current is not None:
        text = _current_line(ctx, current) + "\n" + text
        choices = (Choice("delete", ctx._("🗑 Delete this target")),)
    return _ask("numbers", data, Reply(text, choices))


async def _current(ctx: Context, data: dict) -> Target | None:
    village = (
        Target.village_id.is_(None)
        if data["village"] is None
        else Target.village_id == data["village"]
    )
    stmt = select(Target).where(
        Target.commune_id == ctx.member.commune_id,
        Target.indicator_id == data["indicator"],
        village,
    )
    return (await ctx.session.execute(stmt)).scalars().first()


def _current_line(ctx: Context, row: Target) -> str:
    goal = (
        ctx.t.num(row.target_percent, 0 if float(row.target_percent).is_integer() else 1) + "%"
        if row.target_percent is not None
        else ctx.t.num(row.target_count or 0)
    )
    return ctx._(
        "Now: {population} in total, {baseline} on {baseline_date}, target {goal} by {deadline}.",
        population=ctx.t.num(row.population),
        baseline=ctx.t.num(row.baseline),
        baseline_date=ctx.t.date(row.baseline_date),
        goal=goal,
        deadline=ctx.t.date(row.deadline),
    )


def _numbers_question(ctx: Context) -> str:
    return ctx._(
        "How many in total (the plan's denominator: households, people, businesses…), and how "
        "many were already reached at the start? Type two numbers, e.g.: 1857 532"
    )


def _refusal(ctx: Context, problems, again: str) -> Reply:
    lines = [ctx._("Not saved:")]
    lines += ["• " + problem_text(ctx.t, p) for p in problems if not p.warning]
    lines.append(again)
    return Reply("\n".join(lines), tuple(ctx.state.choices))


@router.step(FLOW, "numbers")
async def on_numbers(ctx: Context) -> Result:
    data = dict(ctx.state.data)
    if ctx.pick() == "delete":
        return await _delete(ctx, data)
    numbers = whole_numbers(ctx.text)
    if len(numbers) != 2:
        # One number alone may already be refused (too large); say so rather than re-ask.
        alone = check_numbers(Draft(numbers[0], 0, EARLY, LATE, percent=100)) if numbers else []
        if refused(alone):
            return keep(_refusal(ctx, alone, _numbers_question(ctx)))
        return keep(Reply(_numbers_question(ctx), tuple(ctx.state.choices)))
    population, baseline = numbers
    problems = check_numbers(Draft(population, baseline, EARLY, LATE, percent=100))
    if refused(problems):
        return keep(_refusal(ctx, problems, _numbers_question(ctx)))
    data.update(population=population, baseline=baseline)
    return _ask("base_date", data, _base_date_question(ctx, baseline))


def _base_date_question(ctx: Context, baseline: int) -> Reply:
    today = ctx.local().date()
    text = ctx._(
        "On which day were the {baseline} counted? Type day/month/year, e.g. 30/08/2024.",
        baseline=ctx.t.num(baseline),
    )
    return Reply(text, (Choice("today", ctx._("Today ({date})", date=ctx.t.date(today))),))


def _date(text: str) -> date | None:
    return parse_date(fold_digits(text).strip())


@router.step(FLOW, "base_date")
async def on_base_date(ctx: Context) -> Result:
    data = dict(ctx.state.data)
    today = ctx.local().date()
    day = today if ctx.pick() == "today" else _date(ctx.text)
    if day is None or day > today:
        text = ctx._("Please type a date that is not after today, like 30/08/2024, or pick Today.")
        return keep(Reply(text, tuple(ctx.state.choices)))
    data["baseline_date"] = day.isoformat()
    return _ask("goal", data, Reply(_goal_question(ctx)))


def _goal_question(ctx: Context) -> str:
    return ctx._("The target: a percent (e.g. 70%) or a number (e.g. 300)?")


@router.step(FLOW, "goal")
async def on_goal(ctx: Context) -> Result:
    data = dict(ctx.state.data)
    text = fold_digits(ctx.text).replace(" ", "")
    match = re.fullmatch(r"([0-9]{1,12}(?:[.,][0-9]{1,6})?)(%?)", text)
    value = float(match.group(1).replace(",", ".")) if match else None
    if value is None or (not match.group(2) and not value.is_integer()):
        return keep(Reply(ctx._("Please type a percent like 70% or a number like 300.")))
    percent, count = (value, None) if match.group(2) else (None, int(value))
    draft = Draft(data["population"], data["baseline"], EARLY, LATE, percent, count)
    problems = check_numbers(draft)
    if refused(problems):
        return keep(_refusal(ctx, problems, _goal_question(ctx)))
    data.update(percent=percent, count=count)
    return _ask("deadline", data, Reply(_deadline_question(ctx)))


def _deadline_question(ctx: Context) -> str:
    return ctx._("The deadline? Type day/month/year, e.g. 25/02/2027.")


def _draft(data: dict, deadline: date) -> Draft:
    return Draft(
        data["population"], data["baseline"], date.fromisoformat(data["baseline_date"]),
        deadline, data["percent"], data["count"],
    )  # fmt: skip


@router.step(FLOW, "deadline")
async def on_deadline(ctx: Context) -> Result:
    data = dict(ctx.state.data)
    deadline = _date(ctx.text)
    if deadline is None:
        return keep(Reply(_deadline_question(ctx)))
    problems = await check_target(
        ctx.session, commune_id=ctx.member.commune_id, indicator_id=data["indicator"],
        village_id=data["village"], draft=_draft(data, deadline),
    )  # fmt: skip
    if refused(problems):
        return keep(_refusal(ctx, problems, _deadline_question(ctx)))
    data["deadline"] = deadline.isoformat()
    goal = (
        ctx.t.num(data["percent"], 0 if float(data["percent"]).is_integer() else 1) + "%"
        if data["percent"] is not None
        else ctx.t.num(data["count"])
    )
    lines = [
        ctx._(
            "Save this target? {place}: {population} in total, {baseline} on {baseline_date}, "
            "target {goal} by {deadline}.",
            place=data["place"],
            population=ctx.t.num(data["population"]),
            baseline=ctx.t.num(data["baseline"]),
            baseline_date=ctx.t.date(date.fromisoformat(data["baseline_date"])),
            goal=goal,
            deadline=ctx.t.date(deadline),
        )
    ]
    lines += ["⚠️ " + problem_text(ctx.t, p) for p in problems if p.warning]
    choices = (Choice("save", ctx._("Save")), Choice("cancel", ctx._("Cancel")))
    return _ask("confirm", data, Reply("\n".join(lines), choices))


@router.step(FLOW, "confirm")
async def on_confirm(ctx: Context) -> Result:
    picked = ctx.pick()
    if picked is None:
        return keep(Reply(ctx._("Reply 1 to save or 2 to cancel."), tuple(ctx.state.choices)))
    if picked == "cancel":
        return done(Reply(ctx._("Cancelled. Nothing was saved.")))
    data = ctx.state.data
    draft = _draft(data, date.fromisoformat(data["deadline"]))
    target = TargetIn(
        indicator_id=data["indicator"], village_id=data["village"], population=draft.population,
        baseline=draft.baseline, baseline_date=draft.baseline_date, deadline=draft.deadline,
        percent=draft.percent, count=draft.count,
    )  # fmt: skip
    await set_target(ctx.session, commune_id=ctx.member.commune_id, target=target)
    detail = {k: data[k] for k in ("indicator", "village", "population", "baseline")}
    _audit(ctx, "set", {**detail, "baseline_date": data["baseline_date"], "via": "chat"})
    return done(Reply(ctx._("Saved ✅ Type /tiendo to see the progress.")))


async def _delete(ctx: Context, data: dict) -> Result:
    await delete_target(
        ctx.session, commune_id=ctx.member.commune_id, indicator_id=data["indicator"],
        village_id=data["village"],
    )  # fmt: skip
    _audit(ctx, "delete", {"indicator": data["indicator"], "village": data["village"]})
    return done(Reply(ctx._("Target deleted: {place}.", place=data["place"])))


def _audit(ctx: Context, action: str, detail: dict) -> None:
    audit(
        ctx.session, action=action, entity="target", member_id=ctx.member.id,
        commune_id=ctx.member.commune_id, detail=detail, at=ctx.now,
    )  # fmt: skip
