"""Plan page: download the commune's workbook, upload a changed one, preview, apply, audit."""

from __future__ import annotations

import io

import openpyxl
from aiohttp import FormData
from sqlalchemy import select

from models import AuditEntry, Commune, Indicator, Target
from tests.web.conftest import csrf_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _dien_percent(sessionmaker) -> float | None:
    async with sessionmaker() as session:
        indicator = await session.scalar(select(Indicator.id).where(Indicator.code == "DIEN"))
        return await session.scalar(
            select(Target.target_percent).where(
                Target.indicator_id == indicator, Target.village_id.is_(None)
            )
        )


def _set_goal(data: bytes, goal: str, commune: str | None = None) -> bytes:
    """The DIEN whole-commune target's goal changed, as an official would in Excel."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = next(ws for ws in wb.worksheets if ws.title.lower().startswith("mục tiêu"))
    rows = list(ws.iter_rows())
    head = next(i for i, r in enumerate(rows) if any(c.value == "Chỉ tiêu" for c in r))
    col = {c.value: c.column - 1 for c in rows[head] if c.value}
    for r in rows[head + 1 :]:
        if r[col["Chỉ tiêu"]].value == "DIEN" and "xã" in str(r[col["Địa bàn"]].value).lower():
            r[col["Mục tiêu"]].value = goal
    if commune:
        xa = next(ws for ws in wb.worksheets if ws.title.lower() in ("xã", "xa"))
        for r in xa.iter_rows():
            for c in r:
                if c.value == "Quảng Trường":
                    c.value = commune
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def _real_commune(sessionmaker) -> None:
    """The demo commune taken as a real one: a plan is never applied over the demo."""
    async with sessionmaker() as session, session.begin():
        for commune in (await session.scalars(select(Commune))).all():
            commune.is_demo = False


def _upload(csrf: str, data: bytes) -> FormData:
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", data, filename="kehoach.xlsx", content_type=XLSX)
    return form


async def test_official_previews_then_applies_a_changed_plan(member_client, client, sessionmaker):
    await member_client("off", "official", name="Trần Văn Cán")
    await _real_commune(sessionmaker)
    page = await (await client.get("/web/caidat/kehoach")).text()
    csrf = csrf_of(page)
    got = await client.post("/web/caidat/kehoach/tai", data={"csrf": csrf})
    assert got.status == 200 and "attachment" in got.headers["Content-Disposition"]
    data = await got.read()
    before = await _dien_percent(sessionmaker)

    same = await client.post("/web/caidat/kehoach/xem", data=_upload(csrf, data))
    assert same.status == 200 and 'id="preview"' in await same.text()

    changed = _set_goal(data, "80%")
    shown = await client.post("/web/caidat/kehoach/xem", data=_upload(csrf, changed))
    html = await shown.text()
    assert shown.status == 200 and 'id="apply"' in html
    assert await _dien_percent(sessionmaker) == before  # a preview changes nothing
    upload = html.split('name="upload" value="')[1].split('"')[0]

    applied = await client.post(
        "/web/caidat/kehoach/apdung", data={"csrf": csrf, "upload": upload}
    )
    assert applied.status == 200 and 'id="applied"' in await applied.text()
    assert await _dien_percent(sessionmaker) == 80
    async with sessionmaker() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.entity == "plan"))
    assert entry is not None and entry.action == "apply" and entry.member_id
    # The uploaded copy is gone once applied.
    again = await client.post("/web/caidat/kehoach/apdung", data={"csrf": csrf, "upload": upload})
    assert again.status == 400
    # Exported again and uploaded, the applied plan changes nothing more.
    now = await (await client.post("/web/caidat/kehoach/tai", data={"csrf": csrf})).read()
    settled = await (await client.post("/web/caidat/kehoach/xem", data=_upload(csrf, now))).text()
    assert 'id="preview"' in settled and 'id="apply"' not in settled


async def test_plan_upload_refusals(member_client, client, sessionmaker):
    await member_client("off", "official")
    await _real_commune(sessionmaker)
    page = await (await client.get("/web/caidat/kehoach")).text()
    csrf = csrf_of(page)
    data = await (await client.post("/web/caidat/kehoach/tai", data={"csrf": csrf})).read()
    before = await _dien_percent(sessionmaker)
    not_xlsx = await client.post("/web/caidat/kehoach/xem", data=_upload(csrf, b"hello"))
    assert not_xlsx.status == 400 and 'id="problems"' in await not_xlsx.text()
    bad_goal = await client.post(
        "/web/caidat/kehoach/xem", data=_upload(csrf, _set_goal(data, "150%"))
    )
    assert bad_goal.status == 400 and 'id="apply"' not in await bad_goal.text()
    other = await client.post(
        "/web/caidat/kehoach/xem", data=_upload(csrf, _set_goal(data, "80%", "Thiệu Trung"))
    )
    assert other.status == 400 and "Thiệu Trung" in await other.text()
    forged = await client.post(
        "/web/caidat/kehoach/apdung", data={"csrf": csrf, "upload": "../../etc/passwd"}
    )
    assert forged.status == 400
    no_csrf = await client.post("/web/caidat/kehoach/xem", data=_upload("0" * 64, data))
    assert no_csrf.status == 403
    assert await _dien_percent(sessionmaker) == before


async def test_leader_cannot_reach_the_plan(member_client, client):
    _, html = await member_client("lead", "leader")
    assert (await client.get("/web/caidat/kehoach")).status == 403
    tai = await client.post("/web/caidat/kehoach/tai", data={"csrf": csrf_of(html)})
    assert tai.status == 403
