"""/baocao [thang|quy|nam] [period]: the Excel report for the district, as a file.

No steps. Officials get the whole commune; leaders get their own village. Every export is
written to the audit trail (who, which period, how many rows).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from sqlalchemy import select

from handlers.core.context import Context
from handlers.core.messages import Document, Reply, Result, done, keep
from handlers.core.router import Router
from handlers.report.period import Period, parse_period, title
from locales import N_
from models.audit import audit
from models.communes import Commune
from models.leaderboard import weights
from models.members import Role
from models.progress import local_start, progress, untargeted
from models.report import conversions_in, member_activity

router = Router()


@router.command(
    "baocao",
    "report",
    role=Role.LEADER,
    help=N_("/baocao — Excel report (/baocao thang 10/2026, quy 3, 6 thang, 9 thang, nam 2026)"),
    order=30,
)
async def report_command(ctx: Context) -> Result:
    return await export_report(ctx, ctx.args)


async def export_report(ctx: Context, args: str) -> Result:
    member = ctx.member
    assert member is not None
    if not member.at_least(Role.LEADER):
        return done(Reply(ctx._("This command is not available for your role.")))
    today = ctx.local().date()
    settings = await ctx.session.scalar(
        select(Commune.settings).where(Commune.id == member.commune_id)
    )
    period = parse_period(args, settings or {}, today)
    if period is None:
        return keep(
            Reply(
                ctx._(
                    "Please name the period like this: /baocao thang 10/2026, "
                    "/baocao quy 3/2026, /baocao 6 thang 2026, /baocao 9 thang 2026 "
                    "or /baocao nam 2026."
                )
            )
        )
    if period.start > today:
        return keep(Reply(ctx._("That period has not started yet.")))
    village_id = None if member.at_least(Role.OFFICIAL) else member.village_id
    path, rows = await _write(ctx, period, village_id)
    audit(
        ctx.session,
        action="export",
        entity="report",
        member_id=member.id,
        commune_id=member.commune_id,
        detail={"period": f"{period.kind} {period.label}", "village_id": village_id, "rows": rows},
        at=ctx.now,
    )
    label = f"{period.number}-{period.year}" if period.kind == "half" else period.label
    filename = f"baocao-{period.kind}-{label.replace('/', '-')}.xlsx"
    caption = title(ctx.t, period)
    return done(Reply(caption, document=Document(path, filename, caption)))


async def _write(ctx: Context, period: Period, village_id: int | None):
    # openpyxl is loaded on the first report only: most workers never build one.
    from handlers.report.excel import build_workbook, save  # noqa: PLC0415

    member = ctx.member
    since, until = local_start(period.start, ctx.tz), local_start(period.end, ctx.tz)
    until = min(until, ctx.now)
    as_of = min(period.end - timedelta(days=1), ctx.local().date())
    summary = await progress(
        ctx.session, commune_id=member.commune_id, today=as_of, until=until, tz=ctx.tz
    )
    if village_id is not None:
        summary = [r for r in summary if r.village_id in (None, village_id)]
    counts = await untargeted(
        ctx.session,
        commune_id=member.commune_id,
        today=as_of,
        village_ids=[village_id] if village_id is not None else None,
        tz=ctx.tz,
    )
    common = {"commune_id": member.commune_id, "since": since, "until": until}
    conversions = await conversions_in(ctx.session, village_id=village_id, **common)
    activity = await member_activity(ctx.session, village_id=village_id, **common)
    points = await weights(ctx.session, commune_id=member.commune_id)
    place = member.village_name if village_id else member.commune_name
    wb = build_workbook(
        ctx.t,
        title=f"{title(ctx.t, period)} — {place}",
        generated=ctx.now,
        summary=summary,
        conversions=conversions,
        activity=activity,
        points=points,
        tz=ctx.tz,
        counts=counts,
    )
    path = ctx.files_dir / f"baocao-{uuid.uuid4().hex[:12]}.xlsx"
    await asyncio.to_thread(save, wb, path)
    return path, len(conversions)
