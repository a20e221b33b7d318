"""/nhatky: the latest audit entries of the official's commune (who, what, when)."""

from __future__ import annotations

from handlers.core.context import Context
from handlers.core.messages import Reply, Result, done
from handlers.core.router import Router
from locales import N_
from models import privacy
from models.members import Role

router = Router()

SHOWN = 20
# (action, entity) → how it reads; the entity id points at the row without naming anyone.
ACTIONS = {
    ("member_remove", "member"): N_("removed member #{id}"),
    ("household_export", "household"): N_("exported household #{id}"),
    ("household_erase", "household"): N_("erased household #{id}"),
    ("export", "report"): N_("exported a report"),
    ("import", "household"): N_("imported a household list"),
    ("set", "target"): N_("set a target"),
    ("undo", "visit"): N_("deleted visit #{id}"),
    ("remove_conversion", "visit"): N_("removed a conversion from visit #{id}"),
    ("edit_note", "visit"): N_("changed the note of visit #{id}"),
    ("edit_people", "visit"): N_("changed the number of people of visit #{id}"),
}
# An action added later without a line above still reads as words, never as its code.
OTHER = N_("made another change")


@router.command(
    "nhatky", role=Role.OFFICIAL, help=N_("/nhatky — who changed or exported what"), order=81
)
async def audit_log(ctx: Context) -> Result:
    member = ctx.member
    assert member is not None
    rows = await privacy.latest_audit(ctx.session, commune_id=member.commune_id, limit=SHOWN)
    if not rows:
        return done(Reply(ctx._("The audit log is empty.")))
    lines = [
        ctx.t.ngettext(
            "Latest {n} entry of the audit log:", "Latest {n} entries of the audit log:", len(rows)
        )
    ]
    for row in rows:
        when = ctx.local(row.at)
        what = ACTIONS.get((row.action, row.entity), OTHER)
        text = ctx._(what, id=row.entity_id if row.entity_id is not None else "")
        who = row.actor or ctx._("system")
        lines.append(f"{ctx.t.date(when.date())} {ctx.t.time(when)} — {who}: {text}")
    return done(Reply("\n".join(lines)))
