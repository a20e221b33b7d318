"""Progress text: one block per indicator, then the areas with text bars (§4 of the plan)."""

from __future__ import annotations

from datetime import date

from locales import N_, Translator
from models.indicators import Unit
from models.progress import CountRow, ProgressRow, by_percent

UNIT_WORDS = {
    Unit.HOUSEHOLD: N_("households"),
    Unit.PERSON: N_("people"),
    Unit.BUSINESS: N_("businesses"),
    Unit.CUSTOMER_CODE: N_("customer codes"),
    Unit.SUBSCRIBER: N_("subscribers"),
}
BAR_WIDTH = 10
# "cả xã", "cả phường": whose figure it is, by the commune's own kind.
WHOLE = {
    "xa": N_("commune-wide"),
    "phuong": N_("ward-wide"),
    "thi_tran": N_("township-wide"),
    "thi_xa": N_("town-wide"),
}


def whole_of(t: Translator, kind: str = "xa") -> str:
    return t._(WHOLE.get(kind, WHOLE["xa"]))


# More areas than this go on their own screen (a choice away) instead of inside the detail.
AREAS_INLINE = 8


def bar(percent: float | None) -> str:
    filled = min(BAR_WIDTH, max(0, round((percent or 0) / 10)))
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def percent_text(t: Translator, row: ProgressRow) -> str:
    return t.pct(row.percent) if row.percent is not None else "—"


def goal_text(t: Translator, row: ProgressRow) -> str:
    """ "70%" for a percent target, the count for a count target."""
    if row.target_percent is None:
        return t.num(row.target)
    digits = 0 if float(row.target_percent).is_integer() else 1
    return t.num(row.target_percent, digits) + "%"


def headline(t: Translator, row: ProgressRow) -> str:
    unit = t._(UNIT_WORDS.get(row.unit, N_("households")))
    values = {
        "current": t.num(row.current),
        "population": t.num(row.population),
        "unit": unit,
        "percent": percent_text(t, row),
        "target": t.num(row.target),
        "deadline": t.date(row.deadline),
    }
    if row.target_percent is None:
        return t._(
            "Reached {current}/{population} {unit} ({percent}) · target {target} by {deadline}",
            **values,
        )
    return t._(
        "Reached {current}/{population} {unit} ({percent}) · target {goal} = {target} "
        "by {deadline}",
        goal=goal_text(t, row),
        **values,
    )


def status_lines(t: Translator, row: ProgressRow) -> list[str]:
    if row.reached:
        return [t._("Target reached ✅")]
    if row.overdue:
        return [
            t._(
                "Past the deadline {deadline}: reached {current}/{target}, {remaining} short.",
                deadline=t.date(row.deadline),
                current=t.num(row.current),
                target=t.num(row.target),
                remaining=t.num(row.remaining),
            )
        ]
    need = t.ngettext(
        "{remaining} to go in {n} day → {per_day} a day needed",
        "{remaining} to go in {n} days → {per_day} a day needed",
        row.days_left,
        remaining=t.num(row.remaining),
        per_day=t.num(row.needed_per_day or 0, 2),
    )
    return [need, pace_line(t, row)]


# Beyond this many days late a projected date says nothing useful ("chậm 15.129 ngày").
LATE_DATE_LIMIT = 60


def pace_window(t: Translator, row: ProgressRow) -> str:
    """ "7 ngày qua", or "3 ngày qua" in a campaign younger than a week (what pace divides by)."""
    return t.ngettext("Last {n} day", "Last {n} days", row.pace_days)


def pace_line(t: Translator, row: ProgressRow) -> str:
    window = pace_window(t, row)
    if row.pace <= 0 or row.projected is None:
        return t._("{window}: 0 a day — no new conversions yet", window=window)
    values = {
        "window": window,
        "pace": t.num(row.pace, 1),
        "goal": goal_text(t, row),
        "date": t.date(row.projected),
        "deadline": t.date(row.deadline),
    }
    if row.days_late and row.days_late > LATE_DATE_LIMIT:
        return t._(
            "{window}: {pace} a day → at this pace {goal} will not be reached by {deadline}.",
            **values,
        )
    if row.days_late:
        return t.ngettext(
            "{window}: {pace} a day → at this pace {goal} is reached on {date}, {n} day late.",
            "{window}: {pace} a day → at this pace {goal} is reached on {date}, {n} days late.",
            row.days_late,
            **values,
        )
    return t._(
        "{window}: {pace} a day → at this pace {goal} is reached on {date}, on time.",
        **values,
    )


def indicator_block(t: Translator, row: ProgressRow) -> list[str]:
    return [f"{row.emoji} {row.name(t.lang)}".strip(), headline(t, row), *status_lines(t, row)]


def village_lines(t: Translator, rows: list[ProgressRow]) -> list[str]:
    width = max((len(r.village_name or "") for r in rows), default=0)
    return [
        f"{(r.village_name or '').ljust(width)}  {bar(r.percent)} {percent_text(t, r)}"
        for r in by_percent(rows)
    ]


def commune_line(t: Translator, row: ProgressRow, kind: str = "xa") -> str:
    whole = whole_of(t, kind)
    text = t._(
        "{whole}: {current}/{population} ({percent})",
        whole=whole[:1].upper() + whole[1:],
        current=t.num(row.current),
        population=t.num(row.population),
        percent=percent_text(t, row),
    )
    if row.needed_per_day is not None:
        text += " · " + t._("{per_day} a day needed", per_day=t.num(row.needed_per_day, 2))
    return text


def count_lines(t: Translator, row: CountRow) -> list[str]:
    """An indicator without a target: what has been logged, and that no target is set."""
    unit = t._(UNIT_WORDS.get(row.unit, N_("households")))
    return [
        f"{row.emoji} {row.name(t.lang)}".strip(),
        t._(
            "Logged so far: {counted} {unit} ({last7} in the last 7 days). No target is set.",
            counted=t.num(row.counted),
            unit=unit,
            last7=t.num(row.last7),
        ),
    ]


def indicator_lines(
    t: Translator,
    mine: list[ProgressRow],
    *,
    village_id: int | None = None,
    village_name: str | None = None,
    areas_inline: int = AREAS_INLINE,
    kind: str = "xa",
) -> list[str]:
    """One indicator's detail. With `village_id`, that area's own figures first, then the
    commune's line; an area without its own target sees the commune's figures, labelled so."""
    whole = next((r for r in mine if r.village_id is None), None)
    villages = [r for r in mine if r.village_id is not None]
    if village_id is not None:
        own = next((r for r in villages if r.village_id == village_id), None)
        if own is not None:
            return [*indicator_block(t, own), *([commune_line(t, whole, kind)] if whole else [])]
        if whole is None:
            return []
        name = t._(
            "{indicator} — {whole} ({area} has no target of its own)",
            indicator=f"{whole.emoji} {whole.name(t.lang)}".strip(),
            whole=whole_of(t, kind),
            area=village_name or "",
        )
        return [name, headline(t, whole), *status_lines(t, whole)]
    if whole is not None:
        lines = indicator_block(t, whole)
    else:
        first = villages[0]
        lines = [f"{first.emoji} {first.name(t.lang)}".strip()]
    if villages and len(villages) <= areas_inline:
        lines += [t._("By area:"), *village_lines(t, villages)]
    elif villages:
        ordered = by_percent(villages)
        lines.append(
            t._(
                "{n} areas: highest {best} {best_pct}, lowest {worst} {worst_pct}.",
                n=t.num(len(villages)),
                best=ordered[0].village_name or "",
                best_pct=percent_text(t, ordered[0]),
                worst=ordered[-1].village_name or "",
                worst_pct=percent_text(t, ordered[-1]),
            )
        )
    return lines


def progress_text(
    t: Translator,
    rows: list[ProgressRow],
    *,
    place: str,
    today: date,
    village_id: int | None = None,
    village_name: str | None = None,
    counts: list[CountRow] | tuple[CountRow, ...] = (),
    areas_inline: int = AREAS_INLINE,
    kind: str = "xa",
) -> str:
    """The detail of every indicator in `rows` (and `counts`, those without a target)."""
    lines = [heading(t, place, today)]
    indicator_ids = list(dict.fromkeys(r.indicator_id for r in rows))
    if not indicator_ids and not counts:
        return "\n".join([*lines, t._("No targets have been set yet.")])
    for indicator_id in indicator_ids:
        mine = [r for r in rows if r.indicator_id == indicator_id]
        lines += indicator_lines(
            t,
            mine,
            village_id=village_id,
            village_name=village_name,
            areas_inline=areas_inline,
            kind=kind,
        )
    for row in counts:
        lines += count_lines(t, row)
    return "\n".join(lines)


def heading(t: Translator, place: str, today: date) -> str:
    return t._("📊 PROGRESS — {place} — {date}", place=place.upper(), date=t.date(today))


def behind_pace(row: ProgressRow) -> bool:
    """Not reached, and either past the deadline or converting slower than needed."""
    if row.reached:
        return False
    return row.overdue or row.pace < (row.needed_per_day or 0)


def village_status_line(t: Translator, row: ProgressRow) -> str:
    """One line for a village and indicator against its target and pace (pushed summaries)."""
    values = {
        "indicator": row.short(t.lang),
        "village": row.village_name or "",
        "current": t.num(row.current),
        "population": t.num(row.population),
        "percent": percent_text(t, row),
    }
    head = t._("{indicator} {village}: {current}/{population} ({percent})", **values)
    if row.reached:
        return head + " · " + t._("Target reached ✅")
    if row.overdue:
        return head + " · " + t._("past the deadline {deadline}", deadline=t.date(row.deadline))
    need = t._("{per_day} a day needed", per_day=t.num(row.needed_per_day or 0, 2))
    # "7 ngày qua 1,0/ngày"; fewer days in a campaign younger than a week.
    window = pace_window(t, row)
    window = window[:1].lower() + window[1:]
    pace = t._("{window} {pace} a day", window=window, pace=t.num(row.pace, 1))
    return f"{head} · {need} · {pace}"


def morning_line(t: Translator, row: ProgressRow) -> str:
    """The village's progress on one indicator and what it needs today to stay on time."""
    values = {
        "village": row.village_name or "",
        "indicator": row.short(t.lang),
        "current": t.num(row.current),
        "population": t.num(row.population),
        "percent": percent_text(t, row),
    }
    if row.reached:
        return t._("{village} — {indicator}: {current}/{population} ({percent}) ✅", **values)
    if row.overdue:
        return t._(
            "{village} — {indicator}: {current}/{population} ({percent}), "
            "past the deadline {deadline}.",
            deadline=t.date(row.deadline),
            **values,
        )
    return t._(
        "{village} — {indicator}: {current}/{population} ({percent}), "
        "{per_day} {unit} a day needed to reach the target by {deadline}.",
        per_day=t.num(row.needed_per_day or 0, 2),
        unit=t._(UNIT_WORDS.get(row.unit, N_("households"))),
        deadline=t.date(row.deadline),
        **values,
    )
