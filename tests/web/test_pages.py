"""Each page and role: the right figures (from the chat's own queries), nothing outside scope."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from locales import translator
from models import Indicator, Member, Village
from models.progress import progress
from tests.conftest import TZ
from tests.reports import factories as f
from tests.web.conftest import csrf_of


def card(html: str, code: str) -> str:
    found = re.search(
        rf'<article class="card[^"]*" data-code="{code}">(.*?)</article>', html, re.S
    )
    assert found, f"no card {code}"
    return found.group(1)


def area_rows(html: str) -> list[str]:
    body = re.search(r'<table class="sortable" id="areas">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body
    return re.findall(r"<a href=\"/web/diaban/\d+\">([^<]+)</a>", body.group(1))


async def convert_today(sessionmaker, clock, village="Thôn 1", code="DIEN", days_ago=0):
    async with sessionmaker() as session, session.begin():
        villages = await f.ids(session, Village)
        indicators = await f.ids(session, Indicator)
        someone = (await session.scalars(select(Member))).first()
        day = clock.now.astimezone(TZ).date() - timedelta(days=days_ago)
        await f.convert(
            session,
            member_row=someone,
            village_id=villages[village],
            indicator_id=indicators[code],
            at=f.local(day, 0) + timedelta(minutes=30),
        )


async def test_progress_cards_show_the_figures_of_tiendo(
    member_client, client, sessionmaker, clock, demo
):
    await member_client("off", "official")
    await convert_today(sessionmaker, clock)
    html = await (await client.get("/web/tiendo")).text()
    t = translator("vi")
    today = clock.now.astimezone(TZ).date()
    async with sessionmaker() as session:
        rows = await progress(session, commune_id=demo.commune_id, today=today, tz=TZ)
    commune_rows = [r for r in rows if r.village_id is None]
    assert commune_rows
    for row in commune_rows:
        block = card(html, row.code)
        assert (
            f'<span class="current">{t.num(row.current)}</span>/{t.num(row.population)}' in block
        )
        assert t.pct(row.percent) in block
        assert t.date(row.deadline) in block
        assert f'<dd class="remaining">{t.num(row.remaining)}</dd>' in block
    assert f"Tính đến ngày {t.date(today)}" in html
    # The table lists every area of the first indicator, with a bar each.
    assert sorted(area_rows(html)) == ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4"]
    assert html.count('<svg class="bar"') >= len(commune_rows) + 4
    assert '<polyline class="actual"' in html


async def test_progress_as_of_a_date_leaves_out_later_conversions(
    member_client, client, sessionmaker, clock
):
    await member_client("off", "official")
    today = clock.now.astimezone(TZ).date()
    before = card(await (await client.get("/web/tiendo")).text(), "DIEN")
    await convert_today(sessionmaker, clock)
    now = card(await (await client.get("/web/tiendo")).text(), "DIEN")
    yesterday = today - timedelta(days=1)
    then_html = await (await client.get(f"/web/tiendo?ngay={yesterday.isoformat()}")).text()
    current = re.compile(r'<span class="current">([\d.]+)</span>')
    n_before = int(current.search(before).group(1).replace(".", ""))
    assert int(current.search(now).group(1).replace(".", "")) == n_before + 1
    assert int(current.search(card(then_html, "DIEN")).group(1).replace(".", "")) == n_before
    assert f"Tính đến ngày {translator('vi').date(yesterday)}" in then_html
    # dd/mm/yyyy works too, as typed in the chat.
    typed = await (await client.get(f"/web/tiendo?ngay={yesterday:%d/%m/%Y}")).text()
    assert card(typed, "DIEN") == card(then_html, "DIEN")


async def test_leader_sees_only_their_own_area(member_client, client, sessionmaker):
    await member_client("lead", "leader", name="Lê Văn Tổ")
    html = await (await client.get("/web/tiendo")).text()
    assert area_rows(html) == ["Thôn 1"]
    area = await client.get("/web/diaban", allow_redirects=True)
    assert area.status == 200
    assert "Lê Văn Tổ" in await area.text()
    async with sessionmaker() as session:
        villages = await f.ids(session, Village)
    other = await client.get(f"/web/diaban/{villages['Thôn 2']}")
    assert other.status == 404
    assert "Thôn 2" not in await other.text()
    assert (await client.get("/web/diaban/999999")).status == 404
    assert (await client.get("/web/diaban/abc")).status == 404
    # Odd digits read as digits, numbers the database cannot hold are no ids (never a 500).
    for raw in ("²²²²²²", "⑳⑳⑳", "½", "9" * 40):
        assert (await client.get(f"/web/diaban/{raw}")).status == 404, raw


async def test_area_page_shows_team_periods_idle_members_and_points(
    member_client, client, joined, sessionmaker, clock
):
    await joined("vol", "volunteer", name="Phạm Thị Chăm")
    await member_client("lead", "leader", name="Lê Văn Tổ")
    async with sessionmaker() as session, session.begin():
        villages = await f.ids(session, Village)
        lead = (await session.scalars(select(Member).where(Member.name == "Lê Văn Tổ"))).one()
        today = clock.now.astimezone(TZ).date()
        await f.visit(
            session, member_row=lead, village_id=villages["Thôn 1"], at=f.local(today, 7)
        )
        await f.visit(
            session, member_row=lead, village_id=villages["Thôn 1"], at=f.local(today, 8)
        )
    html = await (await client.get(f"/web/diaban/{villages['Thôn 1']}")).text()
    row = re.search(r"<td>Lê Văn Tổ</td>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'data-value="(\d+)"', row)[:2] == ["2", "0"]
    idle = re.search(r'<p id="idle">(.*?)</p>', html, re.S).group(1)
    assert "Phạm Thị Chăm" in idle and "Lê Văn Tổ" not in idle
    assert "1 điểm mỗi lượt thăm, 3 điểm mỗi chuyển đổi" in html


async def test_official_sees_every_area(member_client, client, sessionmaker):
    await member_client("off", "official")
    async with sessionmaker() as session:
        villages = await f.ids(session, Village)
    listing = await (await client.get("/web/diaban")).text()
    for vid in villages.values():
        assert f'href="/web/diaban/{vid}"' in listing
        assert (await client.get(f"/web/diaban/{vid}")).status == 200


async def test_volunteer_gets_their_own_tally_only(member_client, client, sessionmaker):
    chat, html = await member_client("vol", "volunteer")
    assert 'id="mine"' in html
    for path in ("/web/tiendo", "/web/diaban", "/web/baocao"):
        response = await client.get(path)
        assert response.status in (403, 404), path
        assert "1.857" not in await response.text()


async def test_english_switch(member_client, client):
    _, html = await member_client("off", "official")
    assert "Tiến độ Quảng Trường" in html
    response = await client.post(
        "/web/ngonngu", data={"csrf": csrf_of(html), "lang": "en", "next": "/web/tiendo"}
    )
    english = await response.text()
    assert "Progress of Quảng Trường" in english and "1,857" in english
    assert "As of" in english


async def test_indicator_without_a_target_shows_its_count(
    member_client, client, sessionmaker, clock
):
    await member_client("off", "official")
    await convert_today(sessionmaker, clock, code="VNEID")
    html = await (await client.get("/web/tiendo")).text()
    block = re.search(
        r'<article class="card untargeted" data-code="VNEID">(.*?)</article>', html, re.S
    )
    assert block, "no card for the untargeted indicator"
    assert '<span class="current">1</span>' in block.group(1)
    assert "Chưa đặt mục tiêu" in block.group(1)
