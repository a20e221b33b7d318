"""Reports page: the reporting rhythm with the next due date, and any period's workbook.

The download runs `/baocao`'s own export (`handlers.flows.report.export_report`): the same file,
the same scope (a leader gets their area), the same audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aiohttp import web
from sqlalchemy import select

from bot.webui.core import Page, chat_context, page
from handlers.flows.report import KIND_TITLES, export_report
from handlers.reports.period import Period, containing, default_period, previous
from locales import N_
from models.commune import Commune
from models.member import Role

KIND_WORDS = {"month": "thang", "quarter": "quy", "year": "nam"}
RHYTHM_NAMES = {
    "month": N_("every month"),
    "quarter": N_("every quarter"),
    "year": N_("every year"),
}


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/baocao", reports_page)
    router.add_post("/baocao", download)


@dataclass(frozen=True)
class Choice:
    period: Period
    words: str  # what /baocao would be typed with


def as_words(period: Period) -> str:
    return f"{KIND_WORDS[period.kind]} {period.label}"


def due_date(period: Period, due_day: int) -> date:
    """Due by the due day of the month after the period ends."""
    end = period.end
    return end.replace(day=min(max(due_day, 1), 28))


def recent(kind: str, today: date, n: int) -> list[Choice]:
    out, period = [], containing(kind, today)
    for _ in range(n):
        out.append(Choice(period, as_words(period)))
        period = previous(period)
    return out


@page(Role.LEADER)
async def reports_page(p: Page) -> web.Response:
    return await show(p)


async def show(p: Page, *, error: str | None = None) -> web.Response:
    settings = (
        await p.session.scalar(select(Commune.settings).where(Commune.id == p.viewer.commune_id))
        or {}
    )
    report = settings.get("report") or {}
    rhythm = report.get("rhythm", "month")
    due_day = int(report.get("due_day", 15))
    today = p.ui.today()
    due = default_period(settings, today)
    choices = [*recent("month", today, 6), *recent("quarter", today, 4), *recent("year", today, 2)]
    return p.render(
        "reports.html",
        rhythm=p.t._(RHYTHM_NAMES.get(rhythm, rhythm)),
        titles=KIND_TITLES,
        due_day=due_day,
        due=Choice(due, as_words(due)),
        due_on=due_date(due, due_day),
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
