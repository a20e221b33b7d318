"""Plan page for officials: download the commune's plan workbook, upload one, see what it
would change, then apply it — the same `models.plan` functions as `cdsbot plan`.

An uploaded workbook waits on disk under an unguessable name between the preview and the
apply; it must name the viewer's own commune, and it is checked again when applied.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from pathlib import Path
from zipfile import BadZipFile

from aiohttp import web

from bot.webui.core import Page, page
from handlers.problems import problem_text
from locales import N_
from models.audit import audit
from models.keys import fold
from models.members import Role
from models.plan import apply_plan, check_plan, export_plan, preview_plan, read_plan, write_plan

MAX_UPLOAD = 1024 * 1024  # the server's body limit; a plan workbook is a few KiB
UPLOAD = re.compile(r"[A-Za-z0-9_-]{20,64}")
NOT_A_WORKBOOK = N_("That file is not an Excel workbook (.xlsx).")
OTHER_COMMUNE = N_("This workbook is the plan of {name}, not of {commune}.")
EXPIRED = N_("The uploaded workbook is no longer here: upload it again.")


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/caidat/kehoach", plan_page)
    router.add_post("/caidat/kehoach/tai", download)
    router.add_post("/caidat/kehoach/xem", preview)
    router.add_post("/caidat/kehoach/apdung", apply)


def _uploads(p: Page) -> Path:
    folder = p.ui.files_dir / "plan-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@page(Role.OFFICIAL)
async def plan_page(p: Page) -> web.Response:
    return p.render("plan.html", problems=[], changes=None, upload=None, applied=None)


@page(Role.OFFICIAL)
async def download(p: Page) -> web.StreamResponse:
    plan = await export_plan(p.session, p.viewer.commune_id)
    path = p.ui.files_dir / f"kehoach-{secrets.token_hex(6)}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(write_plan, plan, path)
    name = fold(p.viewer.commune_name).replace(" ", "-") or "xa"
    return web.FileResponse(
        path,
        headers={
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Content-Disposition": f'attachment; filename="kehoach-{name}.xlsx"',
        },
    )


def _where(p: Page, problem) -> str:
    reason = problem_text(p.t, problem)
    if problem.row is None:
        return p.t._("{sheet}: {reason}", sheet=problem.sheet, reason=reason)
    return p.t._(
        "{sheet}, row {row}: {reason}", sheet=problem.sheet, row=problem.row, reason=reason
    )


async def _checked(p: Page, data: bytes):
    """(plan, problems said, refused) for a workbook's bytes."""
    try:
        plan, problems = await asyncio.to_thread(read_plan, data)
    except (BadZipFile, OSError, KeyError, ValueError):
        return None, [p.t._(NOT_A_WORKBOOK)], True
    if plan.commune is not None and fold(plan.commune.name) != fold(p.viewer.commune_name):
        said = p.t._(OTHER_COMMUNE, name=plan.commune.name, commune=p.viewer.commune_name)
        return plan, [said], True
    problems = problems + await check_plan(p.session, plan)
    refused = any(not x.warning for x in problems)
    return plan, [_where(p, x) for x in problems], refused


@page(Role.OFFICIAL)
async def preview(p: Page) -> web.Response:
    form = await p.request.post()
    upload = form.get("file")
    data = upload.file.read(MAX_UPLOAD + 1) if isinstance(upload, web.FileField) else b""
    if not data or len(data) > MAX_UPLOAD:
        return p.render(
            "plan.html",
            status=400,
            problems=[p.t._(NOT_A_WORKBOOK)],
            changes=None,
            upload=None,
            applied=None,
        )
    plan, problems, refused = await _checked(p, data)
    if refused:
        return p.render(
            "plan.html", status=400, problems=problems, changes=None, upload=None, applied=None
        )
    changes = [problem_text(p.t, c) for c in await preview_plan(p.session, plan)]
    token = secrets.token_urlsafe(24)
    (_uploads(p) / f"{token}.xlsx").write_bytes(data)
    return p.render("plan.html", problems=problems, changes=changes, upload=token, applied=None)


@page(Role.OFFICIAL)
async def apply(p: Page) -> web.Response:
    token = (await p.form()).get("upload", "")
    path = _uploads(p) / f"{token}.xlsx"
    if not UPLOAD.fullmatch(token) or not path.is_file():
        return p.render(
            "plan.html", status=400, problems=[p.t._(EXPIRED)], changes=None, upload=None,
            applied=None,
        )  # fmt: skip
    data = path.read_bytes()
    plan, problems, refused = await _checked(p, data)
    if refused:
        return p.render(
            "plan.html", status=400, problems=problems, changes=None, upload=None, applied=None
        )
    changes = await apply_plan(p.session, plan)
    if changes:
        audit(
            p.session,
            action="apply",
            entity="plan",
            member_id=p.viewer.member_id,
            commune_id=p.viewer.commune_id,
            detail={"changes": len(changes), "via": "web"},
            at=p.ui.clock(),
        )
    path.unlink(missing_ok=True)
    said = [problem_text(p.t, c) for c in changes]
    return p.render("plan.html", problems=problems, changes=None, upload=None, applied=said)
