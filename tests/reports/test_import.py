"""Importing household lists and setting targets, through the pure parser, the upsert and the CLI."""

import csv
from datetime import date

from openpyxl import Workbook
from sqlalchemy import func, select

from models import Household, Target, Village
from models.importer import ImportReport, apply_households, parse_households, read_table
from models.keys import fold
from tests.test_cli import cdsbot

HEADER = ["Mã khách hàng", "Họ tên chủ hộ", "Số nhà", "Tổ", "Số điện thoại", "Thôn"]
BAD = {
    10: "bad phone '12345'",
    50: "duplicate customer code PA13000000018 (same as row 20)",
    100: "missing head name",
    500: "bad customer code 'XYZ'",
    700: "unknown area 'Thôn 9'",
}


def rows_2000() -> list[list[str]]:
    rows = [HEADER]
    for number in range(2, 2002):
        i = number - 2
        rows.append(
            [
                f"PA13{i:09d}",
                f"Nguyễn Văn {i}",
                str(i % 300),
                str(i % 5 + 1),
                f"09{i:08d}",
                f"Thôn {i % 4 + 1}",
            ]
        )
    rows[10 - 1][4] = "12345"
    rows[50 - 1][0] = rows[20 - 1][0]
    rows[100 - 1][1] = ""
    rows[500 - 1][0] = "XYZ"
    rows[700 - 1][5] = "Thôn 9"
    return rows


async def run_import(session, commune_id, table) -> ImportReport:
    items, skipped = parse_households(table)
    villages = dict((await session.execute(select(Village.name_key, Village.id))).all())
    return await apply_households(
        session,
        commune_id=commune_id,
        items=items,
        villages=villages,
        report=ImportReport(skipped=skipped),
    )


async def test_2000_rows_report_bad_rows_precisely_and_reimport_changes_nothing(
    sessionmaker, demo, tmp_path
):
    path = tmp_path / "ho.xlsx"
    wb = Workbook()
    for row in rows_2000():
        wb.active.append(row)
    wb.save(path)
    table = read_table(path)
    async with sessionmaker() as session, session.begin():
        first = await run_import(session, demo.commune_id, table)
    assert (first.added, first.updated, first.unchanged) == (1995, 0, 0)
    assert {s.row: s.reason.format(**s.values) for s in first.skipped} == BAD
    async with sessionmaker() as session, session.begin():
        second = await run_import(session, demo.commune_id, table)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 1995)
    assert {s.row: s.reason.format(**s.values) for s in second.skipped} == BAD
    async with sessionmaker() as session:
        total = await session.scalar(select(func.count()).select_from(Household))
        home = (
            await session.execute(
                select(Household).where(Household.customer_code == "PA13000000007")
            )
        ).scalar_one()
    assert total == 40 + 1995
    assert (home.head_name, home.name_key, home.phone, home.hamlet) == (
        "Nguyễn Văn 7",
        fold("Nguyễn Văn 7"),
        "0900000007",
        "3",
    )


async def test_changed_phone_is_an_update(sessionmaker, demo):
    table = [HEADER, ["PA13000000001", "Lê Văn A", "1", "1", "0911111111", "Thôn 1"]]
    async with sessionmaker() as session, session.begin():
        assert (await run_import(session, demo.commune_id, table)).added == 1
    table[1][4] = "+84 912 222 222"
    async with sessionmaker() as session, session.begin():
        report = await run_import(session, demo.commune_id, table)
    assert (report.added, report.updated) == (0, 1)


def test_cli_sets_up_a_commune(tmp_path):
    tmp = tmp_path
    assert cdsbot(tmp, "demo").returncode == 0
    path = tmp / "ho.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [
                HEADER[:5],
                ["PA13000000001", "Lê Văn A", "1", "1", "0911111111"],
                ["PA13000000002", "Lê Văn B", "2", "1", "123"],
            ]
        )
    proc = cdsbot(tmp, "village", "add", "Thôn 5")
    assert proc.returncode == 0, proc.stderr
    proc = cdsbot(tmp, "import", "households", str(path), "--village", "Thon 5")
    assert proc.stdout.splitlines() == [
        "thêm 1, cập nhật 0, giữ nguyên 0, bỏ qua 1",
        "  dòng 3: số điện thoại không đúng '123'",
    ]
    assert "Lê Văn" not in proc.stdout + proc.stderr
    proc = cdsbot(
        tmp,
        "target",
        "set",
        "dien",
        "--village",
        "Thôn 5",
        "--population",
        "300",
        "--baseline",
        "10",
        "--baseline-date",
        "2026-11-01",
        "--count",
        "200",
        "--deadline",
        "2027-02-25",
    )
    # The demo's areas already hold the commune's 1.857: a fifth one is saved with a warning.
    assert proc.stdout.splitlines() == [
        "Lưu ý: tổng số của các địa bàn cộng lại là 2.157, nhiều hơn tổng số toàn xã 1.857 — "
        "anh/chị kiểm tra lại",
        "Đã tạo mục tiêu DIEN cho Thôn 5.",
    ], proc.stderr
    targets = tmp / "muctieu.csv"
    targets.write_text(
        "indicator,village,population,baseline,baseline_date,percent,count,deadline\n"
        "NUOC,Thôn 5,280,40,2026-11-01,70,,2027-02-25\n"
        "Nước,,1930,442,2026-11-01,70,,2027-02-25\n",
        encoding="utf-8",
    )
    proc = cdsbot(tmp, "import", "targets", str(targets))
    assert proc.stdout.strip() == "Đã đặt 2 mục tiêu.", proc.stderr
    proc = cdsbot(tmp, "village", "list")
    assert proc.stdout.split("\n")[:5] == ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4", "Thôn 5"]
    assert "DIEN" in cdsbot(tmp, "indicator", "list").stdout


async def test_set_target_replaces_in_place(sessionmaker, demo):
    from models.indicators.targets import TargetIn, find_indicator, set_target

    async with sessionmaker() as session, session.begin():
        dien = await find_indicator(session, text="Điện")
        target = TargetIn(dien.id, None, 2000, 600, date(2026, 11, 25), date(2027, 3, 1), 80)
        assert await set_target(session, commune_id=demo.commune_id, target=target) is False
    async with sessionmaker() as session:
        row = (
            await session.execute(
                select(Target).where(Target.village_id.is_(None), Target.indicator_id == dien.id)
            )
        ).scalar_one()
    assert (row.population, row.baseline, row.target_percent) == (2000, 600, 80)
