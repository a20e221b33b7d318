"""Formula-looking text is written as text in every workbook; names are checked where made."""

import ast
import re
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import select, update

from models import Household
from models.cells import append, put
from models.importer import parse_households
from models.keys import head_name

ROOT = Path(__file__).parent.parent.parent
SHEET = re.compile(r"\b(ws|sheet|worksheet|active)\b")
FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", '=HYPERLINK("http://x","y")']


def test_put_and_append_write_formula_looking_text_as_text(tmp_path):
    wb = Workbook()
    ws = wb.active
    for row, value in enumerate(FORMULAS, 1):
        put(ws, row, 1, value)
    append(ws, ["=1+2", 5, "Lê Văn Một"])
    wb.save(tmp_path / "x.xlsx")
    back = load_workbook(tmp_path / "x.xlsx").active
    cells = [back.cell(row, 1) for row in range(1, len(FORMULAS) + 2)]
    assert [c.value for c in cells] == [*FORMULAS, "=1+2"]
    assert {c.data_type for c in cells} == {"s"} and all(c.quotePrefix for c in cells)
    assert back.cell(len(FORMULAS) + 1, 2).value == 5


def test_every_workbook_writer_goes_through_the_cell_helper():
    """A module that uses openpyxl must write cells through models.cells."""
    offenders, checked = [], 0
    sources = [p for top in ("bot", "handlers", "models") for p in ROOT.glob(f"{top}/**/*.py")]
    for path in sources:
        source = path.read_text(encoding="utf-8")
        if path.name == "cells.py" or "openpyxl" not in source:
            continue
        checked += 1
        tree = ast.parse(source)
        writes = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                # ws.cell(..., value=...) and ws.append([...]) bypass the helper.
                if node.func.attr == "cell" and any(k.arg == "value" for k in node.keywords):
                    writes = True
                if node.func.attr == "append" and SHEET.search(ast.unparse(node.func.value)):
                    writes = True
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript)
                and "ws" in ast.unparse(t.value)
                or isinstance(t, ast.Attribute)
                and t.attr == "value"
                for t in node.targets
            ):
                writes = True
        if writes:
            offenders.append(str(path.relative_to(ROOT)))
    assert checked >= 2 and offenders == []


def test_household_names_drop_formula_characters():
    assert head_name("=Nguyen Van A") == "Nguyen Van A"
    assert head_name(" @+-=Lê  Văn\tMột ") == "Lê Văn Một"
    assert head_name("=1+2") is None and head_name("-5") is None and head_name("=") is None
    good, skipped = parse_households(
        [["Tên chủ hộ", "Thôn"], ["=1+2", "Thôn 1"], ["@Trần Văn Bốn", "Thôn 1"]]
    )
    assert [g.head_name for g in good] == ["Trần Văn Bốn"]
    assert [s.row for s in skipped] == [2]


async def test_formula_names_through_chat_and_into_baocao(joined, sessionmaker, clock):
    lan = await joined("lan")
    # A quick log whose "name" is a formula: the bot asks for a real name instead.
    await lan.say("=1+2 tktt")
    await lan.say("1")
    assert "Họ tên chủ hộ" in lan.text, lan.text
    await lan.say("=1+2")
    assert "tên chủ hộ bằng chữ" in lan.text.lower(), lan.text
    for step in ("=Nguyễn Văn Mười", "12 xom 3", "xong", "2", "1"):
        await lan.say(step)
    assert "✅ Đã lưu" in lan.text, lan.text
    # /ghinhan with the name typed straight away.
    for step in ("/ghinhan @Đỗ Thị Mai", "1", "xom 5", "xong", "1", "3", "1", "xong", "1"):
        await lan.say(step)
    async with sessionmaker() as session:
        names = set((await session.execute(select(Household.head_name))).scalars())
    assert {"Nguyễn Văn Mười", "Đỗ Thị Mai"} <= names
    assert not [n for n in names if n and n[0] in "=+-@"]

    # A household stored before names were checked (an old database) still reaches the
    # workbook as text, never as a live formula.
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(Household)
            .where(Household.head_name == "Nguyễn Văn Mười")
            .values(head_name="=1+2")
        )
    clock.advance(minutes=5)
    chi = await joined("o1", "official", "Lê Thị Chi")
    await chi.say("/baocao thang 11/2026")
    wb = load_workbook(chi.replies[0].document.path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value == "=1+2"]
    seen = [[c.value for c in row] for row in wb.worksheets[1].iter_rows()]
    assert cells and {c.data_type for c in cells} == {"s"}, seen
    assert not [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
