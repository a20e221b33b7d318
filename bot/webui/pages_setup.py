"""Setup pages for officials: targets, invite codes with link and QR, the audit log.

Every change goes through the same model functions as the chat and the CLI (`set_target`,
`create_invite`) and is written to the audit trail the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import segno
from aiohttp import web
from sqlalchemy import select

from bot.webui.core import Page, not_found, page
from handlers.flows.auditlog import ACTIONS
from handlers.numbers import MAX_COUNT, parse_int
from handlers.roles import ROLE_NAMES
from locales import N_
from models.audit import audit
from models.commune import Village
from models.indicator import Indicator, Target
from models.keys import fold_digits
from models.member import Role
from models.membership import create_invite, show_code
from models.privacy import latest_audit
from models.targets import TargetIn, set_target

AUDIT_SHOWN = 200
# What the chat's /nhatky does not name yet, keyed by (action, entity).
MORE_ACTIONS = {
    ("set", "target"): N_("changed a target"),
    ("create", "invite"): N_("made an invite code"),
    ("export", "report"): N_("exported a report"),
}


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/caidat/muctieu", targets_page)
    router.add_get("/caidat/muctieu/{target_id}", target_form)
    router.add_post("/caidat/muctieu/{target_id}", target_save)
    router.add_get("/caidat/moi", invites_page)
    router.add_post("/caidat/moi", invite_make)
    router.add_get("/caidat/nhatky", audit_page)


# -- targets ------------------------------------------------------------------------------------


async def _targets(p: Page) -> list[tuple[Target, Indicator, str | None]]:
    stmt = (
        select(Target, Indicator, Village.name)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .outerjoin(Village, Village.id == Target.village_id)
        .where(Target.commune_id == p.viewer.commune_id)
        .order_by(Indicator.sort, Target.village_id.is_not(None), Village.name)
    )
    return [tuple(r) for r in (await p.session.execute(stmt)).all()]


@page(Role.OFFICIAL)
async def targets_page(p: Page) -> web.Response:
    return p.render("targets.html", targets=await _targets(p), saved=p.request.query.get("ok"))


async def _one(p: Page) -> tuple[Target, Indicator, str | None] | None:
    raw = p.request.match_info["target_id"]
    if not raw.isdigit():
        return None
    found = await p.session.execute(
        select(Target, Indicator, Village.name)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .outerjoin(Village, Village.id == Target.village_id)
        .where(Target.id == int(raw), Target.commune_id == p.viewer.commune_id)
    )
    row = found.first()
    return tuple(row) if row else None


@page(Role.OFFICIAL)
async def target_form(p: Page) -> web.Response:
    found = await _one(p)
    if found is None:
        return not_found(p)
    target, indicator, place = found
    values = {
        "population": str(target.population),
        "baseline": str(target.baseline),
        "baseline_date": p.t.date(target.baseline_date),
        "goal": _goal_text(p, target),
        "deadline": p.t.date(target.deadline),
    }
    return p.render(
        "target.html", target=target, indicator=indicator, place=place, values=values, errors=[]
    )


def _goal_text(p: Page, target: Target) -> str:
    if target.target_count is not None:
        return str(target.target_count)
    percent = target.target_percent or 0
    return p.t.num(percent, 0 if float(percent).is_integer() else 1) + "%"


@dataclass(frozen=True)
class Goal:
    percent: float | None
    count: int | None


def parse_goal(text: str) -> Goal | None:
    """`70%`, `28,6%` or a count like `1.300`."""
    text = fold_digits(text).replace(" ", "")
    match = re.fullmatch(r"([0-9]{1,3}(?:[,.][0-9]{1,2})?)%", text)
    if match:
        return Goal(float(match.group(1).replace(",", ".")), None)
    count = parse_int(text.replace(".", ""), lo=0, hi=MAX_COUNT)
    return Goal(None, count) if count is not None else None


def parse_date(text: str) -> date | None:
    text = fold_digits(text).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    return None


def check_target(
    form: dict[str, str],
) -> tuple[dict[str, object], list[str]]:
    """The form's values and every refusal, each a msgid (the chat's and the CLI's rules)."""
    errors: list[str] = []
    population = parse_int(form.get("population", "").replace(".", ""), lo=0, hi=MAX_COUNT)
    baseline = parse_int(form.get("baseline", "").replace(".", ""), lo=0, hi=MAX_COUNT)
    baseline_date = parse_date(form.get("baseline_date", ""))
    deadline = parse_date(form.get("deadline", ""))
    goal = parse_goal(form.get("goal", ""))
    if population is None or population < 1:
        errors.append(N_("The total must be a whole number from 1."))
    if baseline is None:
        errors.append(N_("The baseline must be a whole number."))
    elif population is not None and baseline > population:
        errors.append(N_("The baseline cannot be above the total."))
    if baseline_date is None or deadline is None:
        errors.append(N_("Type dates as day/month/year, e.g. 30/11/2024."))
    elif deadline < baseline_date:
        errors.append(N_("The deadline cannot be before the baseline date."))
    if goal is None:
        errors.append(N_("Type the target as a percent like 70% or a number like 1300."))
    elif goal.percent is not None and not 0 < goal.percent <= 100:
        errors.append(N_("A percent target must be above 0 and at most 100%."))
    elif goal.count is not None and population is not None and not 0 < goal.count <= population:
        errors.append(N_("A target count must be from 1 to the total."))
    values = {
        "population": population,
        "baseline": baseline,
        "baseline_date": baseline_date,
        "deadline": deadline,
        "goal": goal,
    }
    return values, errors


@page(Role.OFFICIAL)
async def target_save(p: Page) -> web.Response:
    found = await _one(p)
    if found is None:
        return not_found(p)
    target, indicator, place = found
    form = await p.form()
    values, errors = check_target(form)
    if errors:
        shown = {k: form.get(k, "") for k in ("population", "baseline", "baseline_date", "goal")}
        shown["deadline"] = form.get("deadline", "")
        return p.render(
            "target.html",
            status=400,
            target=target,
            indicator=indicator,
            place=place,
            values=shown,
            errors=[p.t._(e) for e in errors],
        )
    goal: Goal = values["goal"]
    await set_target(
        p.session,
        commune_id=p.viewer.commune_id,
        target=TargetIn(
            indicator_id=indicator.id,
            village_id=target.village_id,
            population=values["population"],
            baseline=values["baseline"],
            baseline_date=values["baseline_date"],
            deadline=values["deadline"],
            percent=goal.percent,
            count=goal.count,
        ),
    )
    audit(
        p.session,
        action="set",
        entity="target",
        entity_id=target.id,
        member_id=p.viewer.member_id,
        commune_id=p.viewer.commune_id,
        detail={
            "indicator": indicator.id,
            "village": target.village_id,
            "population": values["population"],
            "baseline": values["baseline"],
            "via": "web",
        },
        at=p.ui.clock(),
    )
    raise web.HTTPSeeOther("/web/caidat/muctieu?ok=1")


# -- invite codes -------------------------------------------------------------------------------

INVITE_ROLES = (Role.VOLUNTEER, Role.LEADER, Role.OFFICIAL)


async def _villages(p: Page) -> list[tuple[int, str]]:
    stmt = (
        select(Village.id, Village.name)
        .where(Village.commune_id == p.viewer.commune_id)
        .order_by(Village.name)
    )
    return [tuple(r) for r in (await p.session.execute(stmt)).all()]


def _invite_page(p: Page, villages, *, made=None, error=None, status=200) -> web.Response:
    return p.render(
        "invites.html",
        status=status,
        villages=villages,
        roles=[(r.value, p.t._(ROLE_NAMES[r.value])) for r in INVITE_ROLES],
        made=made,
        error=error,
    )


@page(Role.OFFICIAL)
async def invites_page(p: Page) -> web.Response:
    return _invite_page(p, await _villages(p))


@page(Role.OFFICIAL)
async def invite_make(p: Page) -> web.Response:
    form = await p.form()
    villages = await _villages(p)
    role = form.get("role", "")
    raw_village = form.get("village", "")
    village = next((v for v in villages if str(v[0]) == raw_village), None)
    uses = parse_int(form.get("uses", ""), lo=1, hi=1000)
    days = parse_int(form.get("days", ""), lo=1, hi=365)
    error = None
    if role not in {r.value for r in INVITE_ROLES}:
        error = N_("Pick a role.")
    elif role != Role.OFFICIAL and village is None:
        error = N_("Volunteers and leaders need an area.")
    elif uses is None or days is None:
        error = N_("Uses must be from 1 to 1000 and days from 1 to 365.")
    if error:
        return _invite_page(p, villages, error=p.t._(error), status=400)
    now = p.ui.clock()
    village_id = village[0] if village and role != Role.OFFICIAL else None
    code = await create_invite(
        p.session,
        commune_id=p.viewer.commune_id,
        village_id=village_id,
        role=Role(role),
        uses=uses,
        days=days,
        created_by=p.viewer.member_id,
        now=now,
    )
    audit(
        p.session,
        action="create",
        entity="invite",
        member_id=p.viewer.member_id,
        commune_id=p.viewer.commune_id,
        detail={"role": role, "village": village_id, "uses": uses, "days": days, "via": "web"},
        at=now,
    )
    link = (
        f"https://t.me/{p.ui.telegram_username}?start={code}" if p.ui.telegram_username else None
    )
    qr = segno.make(link or f"/start {show_code(code)}", error="m")
    made = {
        "code": show_code(code),
        "link": link,
        "qr": qr.svg_data_uri(scale=4, border=2),
        "role": p.t._(ROLE_NAMES[role]),
        "place": village[1] if village_id else p.viewer.commune_name,
        "uses": uses,
        "days": days,
    }
    return _invite_page(p, villages, made=made)


# -- audit log ----------------------------------------------------------------------------------


@page(Role.OFFICIAL)
async def audit_page(p: Page) -> web.Response:
    rows = await latest_audit(p.session, commune_id=p.viewer.commune_id, limit=AUDIT_SHOWN)
    entries = []
    for row in rows:
        when = row.at.astimezone(p.ui.tz)
        what = ACTIONS.get(row.action) or MORE_ACTIONS.get((row.action, row.entity))
        entries.append(
            {
                "date": p.t.date(when.date()),
                "time": p.t.time(when),
                "who": row.actor or p.t._("system"),
                "what": p.t._(what, id=row.entity_id) if what else f"{row.action} {row.entity}",
            }
        )
    return p.render("audit.html", entries=entries)
