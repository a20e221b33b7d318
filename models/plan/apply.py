"""A checked plan against the database: the problems only the database can tell, the changes
a workbook would make (a preview), applying them in place, and a commune exported back.

Matching is by name (unaccented): the commune by name and province, areas by their name,
indicators by code, targets by (indicator, area). Nothing the plan does not name is removed,
except the commune's list of indicators when the sheet Chỉ tiêu is present (the plan's set)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.communes import DEFAULT_SETTINGS, Commune, Village, villages
from models.indicators import CommuneIndicator, Indicator, Target
from models.indicators.catalogue import BY_CODE, commune_indicators, ensure_catalogue, forget
from models.indicators.rules import check_area_sum
from models.keys import fold
from models.plan import sheets as s


def N_(msgid: str) -> str:
    return msgid


@dataclass(frozen=True)
class Change:
    """One change a plan makes, said by the caller: msgid and values (like a Problem)."""

    msgid: str
    values: dict[str, Any] = field(default_factory=dict)


CREATE_COMMUNE = N_('create the commune "{name}"')
UPDATE_COMMUNE = N_('update the commune "{name}": {fields}')
CREATE_AREA = N_('add the area "{name}"')
UPDATE_AREA = N_('update the area "{name}": {fields}')
CREATE_INDICATOR = N_('add the new indicator {code} "{name}"')
USE_INDICATORS = N_("indicators of the commune: {codes}")
CREATE_TARGET = N_("add the target {code} for {place}")
UPDATE_TARGET = N_("update the target {code} for {place}: {fields}")
SET_REPORT = N_("reporting rhythm: {periods}")


async def find_commune(session: AsyncSession, c: s.CommuneIn) -> Commune | None:
    return (
        await session.execute(select(Commune).where(Commune.name_key == fold(c.name)))
    ).scalar_one_or_none()


async def check_plan(session: AsyncSession, plan: s.Plan) -> list[s.PlanProblem]:
    """Problems that need the database: a namesake commune, unknown codes and areas, and the
    warning when area denominators add up to more than the commune's."""
    out: list[s.PlanProblem] = []
    c = plan.commune
    if c is None:
        return out
    commune = await find_commune(session, c)
    if commune is not None and commune.is_demo:
        out.append(s.PlanProblem(s.COMMUNE.title, None, s.DEMO_NAMESAKE, {"name": c.name}))
    elif commune is not None and commune.province_key != fold(c.province):
        out.append(
            s.PlanProblem(
                s.COMMUNE.title,
                None,
                s.OTHER_PROVINCE,
                {"name": commune.name, "province": commune.province},
            )
        )
    areas = {fold(a.name) for a in plan.areas}
    codes = {i.code for i in plan.indicators}
    if commune is not None:
        areas |= {v.name_key for v in await villages(session, commune_id=commune.id)}
        if "indicators" not in plan.present:
            codes |= {i.code for i in await commune_indicators(session, commune.id)}
    known_codes = set(BY_CODE) | set((await session.execute(select(Indicator.code))).scalars())
    from models.indicators.rules import UNKNOWN_AREA, UNKNOWN_INDICATOR

    sums: dict[str, dict[str | None, int]] = {}
    for t in plan.targets:
        if (plan.indicators and t.code not in codes) or t.code not in known_codes | codes:
            msgid = s.NOT_IN_PLAN if plan.indicators else UNKNOWN_INDICATOR
            key = "value" if plan.indicators else "name"
            out.append(s.PlanProblem(s.TARGETS.title, t.row, msgid, {key: t.code}))
        if t.area is not None and fold(t.area) not in areas:
            out.append(s.PlanProblem(s.TARGETS.title, t.row, UNKNOWN_AREA, {"name": t.area}))
        sums.setdefault(t.code, {})[t.area and fold(t.area)] = t.population
    for code, by_area in sums.items():
        whole = by_area.pop(None, None)
        for p in check_area_sum(whole, by_area.values()):
            values = {**p.values, "code": code}
            out.append(
                s.PlanProblem(s.TARGETS.title, None, AREA_SUM_WARNING, values, warning=True)
            )
    return out


AREA_SUM_WARNING = N_(
    "{code}: the areas' totals add up to {areas}, more than the commune's {population}"
)


# Changed fields are named by the workbook's own column titles (the workbook is Vietnamese).
_TITLES = {
    "name": "Tên",
    "kind": "Loại",
    "province": "Tỉnh",
    "note": "Ghi chú",
    "population": "Tổng số",
    "baseline": "Ban đầu",
    "baseline_date": "Ngày ban đầu",
    "target_percent": "Mục tiêu",
    "target_count": "Mục tiêu",
    "deadline": "Hạn",
}


def _fields(pairs: dict[str, tuple[Any, Any]]) -> str:
    return ", ".join(f"{_TITLES.get(k, k)} {_show(a)} → {_show(b)}" for k, (a, b) in pairs.items())


def _show(value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _diff(row: Any, wanted: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    changed = {k: (getattr(row, k), v) for k, v in wanted.items() if getattr(row, k) != v}
    for k, (_, v) in changed.items():
        setattr(row, k, v)
    return changed


async def apply_plan(session: AsyncSession, plan: s.Plan) -> list[Change]:
    """Make the database say what the plan says, in the caller's transaction; the changes made.

    The plan must be free of problems (read_plan and check_plan)."""
    assert plan.commune is not None
    changes: list[Change] = []
    ids = await ensure_catalogue(session)
    c = plan.commune
    commune = await find_commune(session, c)
    if commune is None:
        commune = Commune(
            name=c.name,
            name_key=fold(c.name),
            kind=c.kind,
            province=c.province,
            province_key=fold(c.province),
            note=c.note,
            settings=dict(DEFAULT_SETTINGS),
        )
        session.add(commune)
        await session.flush()
        changes.append(Change(CREATE_COMMUNE, {"name": c.name}))
    else:
        changed = _diff(
            commune, {"name": c.name, "kind": c.kind, "province": c.province, "note": c.note}
        )
        commune.province_key = fold(c.province)
        if changed:
            changes.append(Change(UPDATE_COMMUNE, {"name": c.name, "fields": _fields(changed)}))
    by_key = {v.name_key: v for v in await villages(session, commune_id=commune.id)}
    for a in plan.areas:
        row = by_key.get(fold(a.name))
        if row is None:
            row = Village(
                commune_id=commune.id, name=a.name, name_key=fold(a.name), kind=a.kind, note=a.note
            )
            session.add(row)
            by_key[row.name_key] = row
            changes.append(Change(CREATE_AREA, {"name": a.name}))
        else:
            changed = _diff(row, {"name": a.name, "kind": a.kind, "note": a.note})
            if changed:
                changes.append(Change(UPDATE_AREA, {"name": a.name, "fields": _fields(changed)}))
    await session.flush()
    changes += await _indicators(session, plan, commune.id, ids)
    changes += await _targets(session, plan, commune.id, by_key)
    if plan.periods:
        report = {
            "periods": [
                {"kind": p.kind, "months": p.months, "due_day": p.due_day} for p in plan.periods
            ]
        }
        notes = {p.kind: p.note for p in plan.periods if p.note}
        settings = dict(commune.settings or {})
        if settings.get("report") != report or settings.get("report_notes", {}) != notes:
            settings["report"] = report
            settings["report_notes"] = notes
            commune.settings = settings
            shown = ", ".join(s.PERIOD_TITLES[p.kind] for p in plan.periods)
            changes.append(Change(SET_REPORT, {"periods": shown}))
    await session.flush()
    forget(session)
    return changes


async def _indicators(session, plan: s.Plan, commune_id: int, ids: dict[str, int]) -> list[Change]:
    changes: list[Change] = []
    if "indicators" not in plan.present and not plan.indicators:
        return changes
    by_code = {i.code: i for i in (await session.execute(select(Indicator))).scalars()}
    wanted: list[tuple[Indicator, s.IndicatorIn]] = []
    for item in plan.indicators:
        row = by_code.get(item.code)
        if row is None:
            row = Indicator(
                code=item.code,
                name_vi=item.name,
                name_en=item.name,
                short_vi=item.name[:40],
                short_en=item.name[:40],
                unit=item.unit,
                national=False,
                sort=1000,
                words=item.words or "",
            )
            session.add(row)
            await session.flush()
            by_code[item.code] = row
            changes.append(Change(CREATE_INDICATOR, {"code": item.code, "name": item.name}))
        wanted.append((row, item))
    links = {
        link.indicator_id: link
        for link in (
            await session.execute(
                select(CommuneIndicator).where(CommuneIndicator.commune_id == commune_id)
            )
        ).scalars()
    }
    changed = set(links) != {row.id for row, _ in wanted}
    for sort, (row, item) in enumerate(wanted):
        # The plan's wording only where it differs from the indicator's own.
        name = item.name if item.name and item.name != row.name_vi else None
        unit = item.unit if item.unit and item.unit != row.unit else None
        values = {"sort": sort, "name": name, "unit": unit, "note": item.note}
        link = links.pop(row.id, None)
        if link is None:
            session.add(CommuneIndicator(commune_id=commune_id, indicator_id=row.id, **values))
            changed = True
        elif _diff(link, values):
            changed = True
        if item.words and not row.national and row.words != item.words:
            row.words = item.words
            changed = True
    if links:
        await session.execute(
            delete(CommuneIndicator).where(
                CommuneIndicator.id.in_([link.id for link in links.values()])
            )
        )
    if changed:
        changes.append(
            Change(USE_INDICATORS, {"codes": ", ".join(i.code for i in plan.indicators)})
        )
    await session.flush()
    forget(session)
    return changes


async def _targets(session, plan: s.Plan, commune_id: int, villages: dict) -> list[Change]:
    changes: list[Change] = []
    codes = {i.code: i.id for i in await commune_indicators(session, commune_id)}
    all_codes = {
        code: id_ for code, id_ in (await session.execute(select(Indicator.code, Indicator.id)))
    }
    existing = {
        (t.indicator_id, t.village_id): t
        for t in (
            await session.execute(select(Target).where(Target.commune_id == commune_id))
        ).scalars()
    }
    for t in plan.targets:
        indicator_id = codes.get(t.code) or all_codes[t.code]
        village_id = villages[fold(t.area)].id if t.area else None
        place = t.area or s.WHOLE_COMMUNE
        values = {
            "population": t.population,
            "baseline": t.baseline,
            "baseline_date": t.baseline_date,
            "target_percent": t.percent,
            "target_count": t.count,
            "deadline": t.deadline,
            "note": t.note,
        }
        row = existing.get((indicator_id, village_id))
        if row is None:
            session.add(
                Target(
                    commune_id=commune_id,
                    indicator_id=indicator_id,
                    village_id=village_id,
                    **values,
                )
            )
            changes.append(Change(CREATE_TARGET, {"code": t.code, "place": place}))
        else:
            same_percent = row.target_percent is not None and t.percent is not None
            if same_percent and abs(row.target_percent - t.percent) < 1e-9:
                values["target_percent"] = row.target_percent
            changed = _diff(row, values)
            if changed:
                changes.append(
                    Change(
                        UPDATE_TARGET, {"code": t.code, "place": place, "fields": _fields(changed)}
                    )
                )
    await session.flush()
    return changes


async def preview_plan(session: AsyncSession, plan: s.Plan) -> list[Change]:
    """The changes applying the plan would make, leaving the database as it was."""
    nested = await session.begin_nested()
    try:
        return await apply_plan(session, plan)
    finally:
        await nested.rollback()
        forget(session)


async def export_plan(session: AsyncSession, commune_id: int) -> s.Plan:
    """A commune as a plan workbook says it: applying the export changes nothing."""
    commune = await session.get(Commune, commune_id)
    plan = s.Plan(
        commune=s.CommuneIn(commune.name, commune.kind, commune.province, commune.note),
        present={sheet.key for sheet in s.SHEETS},
    )
    areas = sorted(await villages(session, commune_id=commune_id), key=lambda v: v.id)
    names = {v.id: v.name for v in areas}
    plan.areas = [s.AreaIn(v.name, v.kind, v.note, 0) for v in areas]
    links = {
        link.indicator_id: link
        for link in (
            await session.execute(
                select(CommuneIndicator).where(CommuneIndicator.commune_id == commune_id)
            )
        ).scalars()
    }
    rows = await commune_indicators(session, commune_id)
    for row in rows:
        link = links.get(row.id)
        plan.indicators.append(
            s.IndicatorIn(
                row.code,
                row.name_vi,
                row.unit,
                row.words if not row.national and row.words else None,
                link.note if link else None,
                0,
            )
        )
    order = {row.id: n for n, row in enumerate(rows)}
    code_of = {row.id: row.code for row in rows}
    targets = (
        (await session.execute(select(Target).where(Target.commune_id == commune_id)))
        .scalars()
        .all()
    )
    missing = [t.indicator_id for t in targets if t.indicator_id not in code_of]
    if missing:
        for i in (
            await session.execute(select(Indicator).where(Indicator.id.in_(missing)))
        ).scalars():
            code_of[i.id] = i.code
    for t in sorted(
        targets,
        key=lambda t: (
            order.get(t.indicator_id, len(order)),
            t.village_id is not None,
            t.village_id or 0,
        ),
    ):
        plan.targets.append(
            s.TargetIn(
                code_of[t.indicator_id],
                names.get(t.village_id) if t.village_id else None,
                t.population,
                t.baseline,
                t.baseline_date,
                t.target_percent,
                t.target_count,
                t.deadline,
                t.note,
                0,
            )
        )
    report = (commune.settings or {}).get("report") or {}
    notes = (commune.settings or {}).get("report_notes") or {}
    for period in report.get("periods") or []:
        plan.periods.append(
            s.PeriodIn(
                period["kind"],
                list(period.get("months") or []),
                int(period.get("due_day", 15)),
                notes.get(period["kind"]),
                0,
            )
        )
    return plan
