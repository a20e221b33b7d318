"""Household and target lists as offices send them (issue 20, item 11): numbers typed as numbers,
any header spelling and order, .xlsx/.ods/CSV in the encodings in use, corrupt files refused in
one line; and `cdsbot … | head` ends quietly."""

import random
import sqlite3
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from models import Household
from models.importer import TableError, parse_households, read_table
from models.keys import normalize_phone
from tests.reports.test_import import run_import
from tests.test_cli import ROOT, cdsbot

ROWS = [
    ["ho_ten", "ma_khach_hang", "so_dien_thoai", "thon", "kinh_doanh"],
    ["Nguyễn Văn Đức", "PA12010000901", 912000111, "Thôn 1", "x"],
    ["Trần Thị Hải", "PA12010000902", "0084912000112", "Thôn 1", ""],
    ["Lê Văn Ba", "PA12010000903", "912 000 113", "Thôn 2", "Hộ gia đình"],
]
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """What Excel's "CSV" on a Vietnamese Windows writes: base letters with the tone apart."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in parts if c in TONES)
        out.append(
            unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tone
        )
    return "".join(out).encode("cp1258")


def csv_text(rows) -> str:
    return "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"


def xlsx(path: Path, rows) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def ods(path: Path, rows) -> Path:
    """A minimal OpenDocument spreadsheet, as LibreOffice would save it."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="float" office:value="{c}"><text:p>{c}</text:p>'
            "</table:table-cell>"
            if isinstance(c, int)
            else f'<table:table-cell office:value-type="string"><text:p>{c}</text:p>'
            "</table:table-cell>"
            for c in row
        )
        + "</table:table-row>"
        for row in rows
    )
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Ho">{cells}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return path


def expected(items) -> list[tuple]:
    return [(i.head_name, i.customer_code, i.phone, i.village, i.is_business) for i in items]


GOOD = [
    ("Nguyễn Văn Đức", "PA12010000901", "0912000111", "Thôn 1", True),
    ("Trần Thị Hải", "PA12010000902", "0912000112", "Thôn 1", None),
    ("Lê Văn Ba", "PA12010000903", "0912000113", "Thôn 2", False),
]


def test_phones_as_offices_type_them():
    assert normalize_phone("912000111") == "0912000111"
    assert normalize_phone("0084 912 000 111") == "0912000111"
    assert normalize_phone("012000111") is None and normalize_phone("12345") is None


@pytest.mark.parametrize(
    "write",
    [
        lambda p: xlsx(p / "ho.xlsx", ROWS),
        lambda p: ods(p / "ho.ods", ROWS),
        lambda p: _bytes(p / "ho.csv", csv_text(ROWS).encode("utf-8")),
        lambda p: _bytes(p / "ho.csv", csv_text(ROWS).encode("utf-8-sig")),
        lambda p: _bytes(p / "ho.csv", csv_text(ROWS).encode("utf-16")),
        lambda p: _bytes(p / "ho.csv", cp1258(csv_text(ROWS))),
        lambda p: _bytes(p / "ho.csv", csv_text(ROWS).replace(",", ";").encode("utf-8")),
    ],
    ids=["xlsx", "ods", "utf-8", "utf-8-bom", "utf-16", "cp1258", "semicolons"],
)
def test_every_format_reads_the_same_rows(tmp_path, write):
    items, skipped = parse_households(read_table(write(tmp_path)))
    assert skipped == [] and expected(items) == GOOD


def _bytes(path: Path, raw: bytes) -> Path:
    path.write_bytes(raw)
    return path


def test_missing_column_names_the_headers_seen_before_any_row():
    table = [["Tên", "Mã KH", "SĐT"], ["Lê Văn A", "PA12010000001", "0911111111"]]
    with pytest.raises(TableError) as caught:
        parse_households(table)
    message = str(caught.value)
    assert "no 'Họ tên chủ hộ' column" in message
    assert "headers seen: 'Tên', 'Mã KH', 'SĐT'" in message and "Lê Văn" not in message


async def test_a_business_column_marks_the_household(sessionmaker, demo, tmp_path):
    async with sessionmaker() as session, session.begin():
        await run_import(session, demo.commune_id, read_table(xlsx(tmp_path / "h.xlsx", ROWS)))
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Household.customer_code, Household.is_business, Household.phone).where(
                Household.customer_code.like("PA1201000090%")
            )
        )
        assert sorted(rows.all()) == [
            ("PA12010000901", True, "0912000111"),
            ("PA12010000902", False, "0912000112"),
            ("PA12010000903", False, "0912000113"),
        ]


def test_cli_refuses_unreadable_files_in_one_line(tmp_path):
    assert cdsbot(tmp_path, "demo").returncode == 0
    broken = tmp_path / "ho.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    junk = tmp_path / "ho.csv"
    rng = random.Random(1)
    junk.write_bytes(bytes(rng.randrange(256) for _ in range(3000)))
    headless = tmp_path / "lai.csv"
    headless.write_text("ten,sdt\nLê Văn A,0911111111\n", encoding="utf-8")
    for path, words in (
        (broken, "không đọc được tệp .xlsx"),
        (junk, "không nhận ra bảng mã chữ"),
        (headless, "tiêu đề đã thấy: 'ten', 'sdt'"),
    ):
        proc = cdsbot(tmp_path, "import", "households", str(path))
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
        assert words in proc.stderr, proc.stderr
        assert "Lê Văn" not in proc.stderr


def test_cli_imports_with_progress_on_stderr_and_the_report_on_stdout(tmp_path):
    assert cdsbot(tmp_path, "demo").returncode == 0
    proc = cdsbot(tmp_path, "import", "households", str(xlsx(tmp_path / "h.xlsx", ROWS)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["thêm 3, cập nhật 0, giữ nguyên 0, bỏ qua 0"]
    # The operator's locale (vi by default), like backups and restores.
    assert "Đang nhập danh sách hộ: xong, 3/3" in proc.stderr, proc.stderr


def test_targets_csv_with_vietnamese_headers_in_cp1258(tmp_path):
    assert cdsbot(tmp_path, "demo").returncode == 0
    path = tmp_path / "muctieu.csv"
    path.write_bytes(
        cp1258(
            "Chỉ tiêu;Thôn;Dân số;Hiện trạng;Ngày hiện trạng;Mục tiêu (%);Hạn\r\n"
            "Nước;Thôn 1;1.380;442;30/08/2024;70,5;25/02/2027\r\n"
            "Điện;;1.857;532;30/08/2024;70;25/02/2027\r\n"
        )
    )
    proc = cdsbot(tmp_path, "import", "targets", str(path))
    assert proc.returncode == 0 and proc.stdout.strip() == "Đã đặt 2 mục tiêu.", proc.stderr
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        rows = db.execute(
            "SELECT population, baseline, target_percent FROM target "
            "WHERE population IN (1380, 1857) ORDER BY population"
        ).fetchall()
    assert rows == [(1380, 442, 70.5), (1857, 532, 70.0)]
    bad = tmp_path / "thieu.csv"
    bad.write_text("Chỉ tiêu,Thôn,Mục tiêu (%)\nNước,Thôn 1,70\n", encoding="utf-8")
    proc = cdsbot(tmp_path, "import", "targets", str(bad))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "'Dân số'" in proc.stderr and "tiêu đề đã thấy: 'Chỉ tiêu', 'Thôn'" in proc.stderr


def test_piping_a_listing_into_head_ends_without_a_traceback(tmp_path):
    assert cdsbot(tmp_path, "demo").returncode == 0
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        db.executemany(
            "INSERT INTO village (commune_id, name, name_key, created_at) "
            "VALUES (1, ?, ?, '2026-11-30 00:00:00')",
            [(f"Thôn {n}", f"thon {n}") for n in range(100, 6100)],
        )
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        f"{sys.executable} -m bot village list | head -n 2",
        shell=True, cwd=tmp_path, env={**__import__("os").environ, **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.stdout.splitlines() == ["Thôn 1", "Thôn 100"]
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
