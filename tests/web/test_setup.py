"""Reports and setup pages: the /baocao file, targets with the chat's checks, invites, audit."""

from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import select

from models import AuditEntry, Indicator, InviteCode, Target, Village
from tests.web.conftest import csrf_of


async def _dien_target(sessionmaker, village: str | None = None) -> Target:
    async with sessionmaker() as session:
        indicator = await session.scalar(select(Indicator.id).where(Indicator.code == "DIEN"))
        stmt = select(Target).where(Target.indicator_id == indicator)
        if village is None:
            stmt = stmt.where(Target.village_id.is_(None))
        else:
            vid = await session.scalar(select(Village.id).where(Village.name == village))
            stmt = stmt.where(Target.village_id == vid)
        return (await session.scalars(stmt)).one()


async def test_reports_page_gives_the_baocao_workbook_and_audits_it(
    member_client, client, sessionmaker
):
    _, html = await member_client("off", "official")
    page = await (await client.get("/web/baocao")).text()
    assert 'id="due"' in page and "15" in page
    words = re.search(r'name="ky" value="([^"]+)"', page).group(1)
    response = await client.post("/web/baocao", data={"csrf": csrf_of(page), "ky": words})
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(await response.read()))
    assert len(wb.sheetnames) >= 2
    async with sessionmaker() as session:
        actions = (await session.execute(select(AuditEntry.action, AuditEntry.entity))).all()
    assert ("export", "report") in actions


async def test_reports_page_refuses_a_period_the_chat_would_refuse(member_client, client):
    await member_client("off", "official")
    page = await (await client.get("/web/baocao")).text()
    response = await client.post("/web/baocao", data={"csrf": csrf_of(page), "ky": "hom qua"})
    assert response.status == 200
    assert 'id="error"' in await response.text()
    assert (await client.post("/web/baocao", data={"ky": "nam 2026"})).status == 403


async def test_leader_report_is_their_own_area(member_client, client):
    await member_client("lead", "leader")
    page = await (await client.get("/web/baocao")).text()
    words = re.search(r'name="ky" value="([^"]+)"', page).group(1)
    response = await client.post("/web/baocao", data={"csrf": csrf_of(page), "ky": words})
    wb = openpyxl.load_workbook(io.BytesIO(await response.read()))
    text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)
    assert "Thôn 1" in text and "Thôn 2" not in text


async def test_official_edits_a_target_and_progress_shows_it(member_client, client, sessionmaker):
    await member_client("off", "official")
    target = await _dien_target(sessionmaker)
    form_page = await (await client.get(f"/web/caidat/muctieu/{target.id}")).text()
    assert 'value="1857"' in form_page
    response = await client.post(
        f"/web/caidat/muctieu/{target.id}",
        data={
            "csrf": csrf_of(form_page),
            "population": "1.857",
            "baseline": str(target.baseline),
            "baseline_date": f"{target.baseline_date:%d/%m/%Y}",
            "goal": "80%",
            "deadline": f"{target.deadline:%d/%m/%Y}",
        },
    )
    assert response.status == 200 and 'id="saved"' in await response.text()
    changed = await _dien_target(sessionmaker)
    assert changed.target_percent == 80 and changed.population == 1857
    progress = await (await client.get("/web/tiendo")).text()
    card = re.search(r'data-code="DIEN">(.*?)</article>', progress, re.S).group(1)
    assert "80% = 1.486" in card  # ⌈0,8 × 1.857⌉
    async with sessionmaker() as session:
        entry = (
            await session.scalars(select(AuditEntry).where(AuditEntry.entity == "target"))
        ).one()
    assert entry.action == "set" and entry.entity_id == target.id and entry.member_id


async def test_target_form_refuses_what_the_rules_refuse(member_client, client, sessionmaker):
    await member_client("off", "official")
    target = await _dien_target(sessionmaker)
    form_page = await (await client.get(f"/web/caidat/muctieu/{target.id}")).text()
    good = {
        "csrf": csrf_of(form_page),
        "population": "1857",
        "baseline": "532",
        "baseline_date": "30/08/2024",
        "goal": "70%",
        "deadline": "30/11/2024",
    }
    cases = [
        ({"baseline": "2000"}, "số ban đầu 2.000 lớn hơn tổng số 1.857"),
        ({"goal": "120%"}, "phải lớn hơn 0 và không quá 100%"),
        ({"goal": "0%"}, "phải lớn hơn 0 và không quá 100%"),
        ({"goal": "5000"}, "số mục tiêu 5.000 lớn hơn tổng số 1.857"),
        ({"deadline": "01/01/2024"}, "hạn 01/01/2024 trước ngày ban đầu 30/08/2024"),
        ({"deadline": "hôm nay"}, "ngày/tháng/năm"),
        ({"population": "nhiều"}, "số nguyên"),
    ]
    for change, message in cases:
        response = await client.post(f"/web/caidat/muctieu/{target.id}", data={**good, **change})
        assert response.status == 400, change
        assert message in await response.text(), change
    assert (await _dien_target(sessionmaker)).target_percent == target.target_percent
    # Without the CSRF token nothing is saved.
    bare = {k: v for k, v in good.items() if k != "csrf"} | {"goal": "90%"}
    assert (await client.post(f"/web/caidat/muctieu/{target.id}", data=bare)).status == 403
    assert (await _dien_target(sessionmaker)).target_percent == target.target_percent


async def test_leader_is_refused_every_setup_page(member_client, client, sessionmaker):
    _, html = await member_client("lead", "leader")
    target = await _dien_target(sessionmaker, "Thôn 1")
    for path in (
        "/web/caidat/muctieu",
        f"/web/caidat/muctieu/{target.id}",
        "/web/caidat/moi",
        "/web/caidat/nhatky",
    ):
        assert (await client.get(path)).status == 403, path
    response = await client.post(
        f"/web/caidat/muctieu/{target.id}",
        data={
            "csrf": csrf_of(html),
            "population": "1",
            "baseline": "0",
            "baseline_date": "01/01/2026",
            "goal": "1",
            "deadline": "01/02/2026",
        },
    )
    assert response.status == 403
    assert (await _dien_target(sessionmaker, "Thôn 1")).population != 1
    made = await client.post(
        "/web/caidat/moi",
        data={"csrf": csrf_of(html), "role": "official", "uses": "5", "days": "5"},
    )
    assert made.status == 403


async def test_invite_code_with_qr_and_audit(member_client, client, sessionmaker):
    await member_client("off", "official")
    page = await (await client.get("/web/caidat/moi")).text()
    async with sessionmaker() as session:
        before = len((await session.scalars(select(InviteCode))).all())
        village = await session.scalar(select(Village.id).where(Village.name == "Thôn 3"))
    response = await client.post(
        "/web/caidat/moi",
        data={
            "csrf": csrf_of(page),
            "role": "volunteer",
            "village": str(village),
            "uses": "10",
            "days": "7",
        },
    )
    html = await response.text()
    code = re.search(r"Mã mới: ([A-Z0-9]{3}-[A-Z0-9]{3})", html).group(1)
    assert 'src="data:image/svg+xml' in html and "Thôn 3" in html
    async with sessionmaker() as session:
        rows = (await session.scalars(select(InviteCode))).all()
        row = next(r for r in rows if r.code == code.replace("-", ""))
        assert len(rows) == before + 1
        assert (row.village_id, row.max_uses, row.role) == (village, 10, "volunteer")
        audited = await session.scalar(select(AuditEntry).where(AuditEntry.entity == "invite"))
    assert audited is not None
    refused = await client.post(
        "/web/caidat/moi", data={"csrf": csrf_of(page), "role": "leader", "uses": "1", "days": "1"}
    )
    assert refused.status == 400


async def test_audit_log_table_lists_changes(member_client, client, sessionmaker):
    await member_client("off", "official", name="Trần Văn Cán")
    page = await (await client.get("/web/caidat/moi")).text()
    await client.post(
        "/web/caidat/moi",
        data={"csrf": csrf_of(page), "role": "official", "uses": "1", "days": "1"},
    )
    html = await (await client.get("/web/caidat/nhatky")).text()
    row = re.search(r'<table class="sortable" id="audit">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert "Trần Văn Cán" in row.group(1) and "đã tạo mã mời" in row.group(1)


async def test_area_totals_above_the_commune_save_with_a_warning(
    member_client, client, sessionmaker
):
    await member_client("off", "official")
    target = await _dien_target(sessionmaker, "Thôn 1")
    form_page = await (await client.get(f"/web/caidat/muctieu/{target.id}")).text()
    response = await client.post(
        f"/web/caidat/muctieu/{target.id}",
        data={
            "csrf": csrf_of(form_page),
            "population": "1.800",
            "baseline": str(target.baseline),
            "baseline_date": f"{target.baseline_date:%d/%m/%Y}",
            "goal": "70%",
            "deadline": f"{target.deadline:%d/%m/%Y}",
        },
    )
    html = await response.text()
    assert response.status == 200 and 'id="saved"' in html
    assert "nhiều hơn tổng số toàn xã 1.857" in html
    assert (await _dien_target(sessionmaker, "Thôn 1")).population == 1800
