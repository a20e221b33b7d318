"""Setup pages for officials: targets, invite codes with link and QR, the audit log.

Every change goes through the same model functions as the chat and the CLI (`set_target`,
`create_invite`) and is written to the audit trail the same way.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.webui.core import Page, not_found, page
from handlers.flows.auditlog import ACTIONS
from handlers.flows.invite import start_link
from handlers.numbers import parse_int as parse_small
from handlers.problems import problem_text
from handlers.roles import ROLE_NAMES
from locales import N_
from models.audit import audit
from models.communes import Village, villages
from models.indicators import Indicator, Target
from models.indicators.rules import Draft, check_target, refused
from models.indicators.targets import TargetIn, set_target
from models.members import Role
from models.members.joining import create_invite, show_code
from models.privacy import latest_audit
from models.values import parse_date, parse_goal, parse_int

AUDIT_SHOWN = 200
FIELDS = ("population", "baseline", "baseline_date", "goal", "deadline")
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
    return p.render(
        "targets.html", targets=await _targets(p), saved=p.request.query.get("ok"), warnings=[]
    )


async def _one(p: Page) -> tuple[Target, Indicator, str | None] | None:
    target_id = parse_small(p.request.match_info["target_id"])
    if target_id is None:
        return None
    found = await p.session.execute(
        select(Target, Indicator, Village.name)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .outerjoin(Village, Village.id == Target.village_id)
        .where(Target.id == target_id, Target.commune_id == p.viewer.commune_id)
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


def read_form(form: dict[str, str]) -> tuple[Draft | None, list[str]]:
    """The form as a target draft, or what could not be read (msgids); the rules come after."""
    unread: list[str] = []
    population = parse_int(form.get("population", ""))
    baseline = parse_int(form.get("baseline", ""))
    baseline_date = parse_date(form.get("baseline_date", ""))
    deadline = parse_date(form.get("deadline", ""))
    goal = parse_goal(form.get("goal", ""))
    if population is None or baseline is None:
        unread.append(N_("Type the total and the baseline as whole numbers, e.g. 1.857."))
    if baseline_date is None or deadline is None:
        unread.append(N_("Type dates as day/month/year, e.g. 30/11/2024."))
    if goal is None:
        unread.append(N_("Type the target as a percent like 70% or a number like 1300."))
    if unread:
        return None, unread
    percent, count = goal
    return Draft(population, baseline, baseline_date, deadline, percent, count), []


@page(Role.OFFICIAL)
async def target_save(p: Page) -> web.Response:
    found = await _one(p)
    if found is None:
        return not_found(p)
    target, indicator, place = found
    form = await p.form()
    draft, unread = read_form(form)
    problems = []
    if draft is not None:
        # The one check of a target, as the CLI, the plan workbook and /muctieu use it.
        problems = await check_target(
            p.session,
            commune_id=p.viewer.commune_id,
            indicator_id=indicator.id,
            village_id=target.village_id,
            draft=draft,
        )
    if draft is None or refused(problems):
        errors = [p.t._(e) for e in unread] + [
            problem_text(p.t, x) for x in problems if not x.warning
        ]
        shown = {k: form.get(k, "") for k in FIELDS}
        return p.render(
            "target.html",
            status=400,
            target=target,
            indicator=indicator,
            place=place,
            values=shown,
            errors=errors,
        )
    await set_target(
        p.session,
        commune_id=p.viewer.commune_id,
        target=TargetIn(
            indicator_id=indicator.id,
            village_id=target.village_id,
            population=draft.population,
            baseline=draft.baseline,
            baseline_date=draft.baseline_date,
            deadline=draft.deadline,
            percent=draft.percent,
            count=draft.count,
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
            "population": draft.population,
            "baseline": draft.baseline,
            "via": "web",
        },
        at=p.ui.clock(),
    )
    warnings = [problem_text(p.t, x) for x in problems if x.warning]
    if warnings:
        # Saved, with what the official should check (area totals above the commune's).
        return p.render("targets.html", targets=await _targets(p), saved="1", warnings=warnings)
    raise web.HTTPSeeOther("/web/caidat/muctieu?ok=1")


# -- invite codes -------------------------------------------------------------------------------

INVITE_ROLES = (Role.VOLUNTEER, Role.LEADER, Role.OFFICIAL)


async def _villages(p: Page) -> list[tuple[int, str]]:
    return [(v.id, v.name) for v in await villages(p.session, commune_id=p.viewer.commune_id)]


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
    uses = parse_small(form.get("uses", ""), lo=1, hi=1000)
    days = parse_small(form.get("days", ""), lo=1, hi=365)
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
    link = start_link(p.ui.telegram_username, code)
    import segno  # noqa: PLC0415 - loads when an invite is made, not in every worker

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
