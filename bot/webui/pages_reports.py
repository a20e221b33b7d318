"""Reports page: the reporting rhythm with the next due date, and any period's workbook.

The download runs `/baocao`'s own export (`handlers.report.flow.export_report`): the same file,
the same scope (a leader gets their area), the same audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from sqlalchemy import select

from bot.webui.core import Page, chat_context, page
from handlers.report.flow import export_report
from handlers.report.period import command_args, rhythm_text, title
from models.communes import Commune
from models.members import Role
from models.reporting import Period, containing, rhythm


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/baocao", reports_page)
    router.add_post("/baocao", download)


@dataclass(frozen=True)
class Choice:
    period: Period
    words: str  # what /baocao would be typed with


def recent(kind: str, today, n: int) -> list[Choice]:
    out, period = [], containing(kind, today)
    for _ in range(n):
        out.append(Choice(period, command_args(period)))
        period = containing(kind, period.start - timedelta(days=1))
    return out


@page(Role.LEADER)
async def reports_page(p: Page) -> web.Response:
    return await show(p)


async def show(p: Page, *, error: str | None = None) -> web.Response:
    settings = (
        await p.session.scalar(select(Commune.settings).where(Commune.id == p.viewer.commune_id))
        or {}
    )
    # The commune's reporting rhythm, read where /baocao and the reminder read it.
    rules = rhythm(settings)
    today = p.ui.today()
    due = rules.due_next(today)
    choices = [
        *recent("month", today, 6),
        *recent("quarter", today, 4),
        *recent("half", today, 2),
        *recent("nine_months", today, 1),
        *recent("year", today, 2),
    ]
    return p.render(
        "reports.html",
        rhythm=rhythm_text(p.t, rules),
        period_title=lambda period: title(p.t, period),
        due=Choice(due, command_args(due)),
        due_on=rules.due_date(due),
        choices=choices,
        error=error,
    )


@page(Role.LEADER)
async def download(p: Page) -> web.StreamResponse:
    words = (await p.form()).get("ky", "").strip()
    result = await export_report(chat_context(p), words)
    reply = result.replies[0] if result.replies else None
    if reply is None or reply.document is None:
        # /baocao's own answer (a period it does not understand, or not started yet).
        return await show(p, error=reply.text if reply else None)
    doc = reply.document
    return web.FileResponse(
        doc.path,
        headers={
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Content-Disposition": f'attachment; filename="{doc.filename}"',
        },
    )
