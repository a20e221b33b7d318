"""`cdsbot commune list | rename | delete`: communes side by side, one deleted cleanly."""

import io
import sqlite3
from pathlib import Path

from tests.cli_inproc import cli  # noqa: F401 - fixture

PLANS = Path(__file__).parent / "data" / "plans"


def _count(db: Path, table: str, commune_id: int) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            f"SELECT count(*) FROM {table} WHERE commune_id = ?", (commune_id,)
        ).fetchone()[0]


def _id(db: Path, name: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id FROM commune WHERE name = ?", (name,)).fetchone()[0]


def test_list_rename_and_delete_one_commune(cli, tmp_path, monkeypatch):  # noqa: F811
    assert cli("commune", "list").stdout.startswith("Chưa có xã nào.")
    assert cli("demo").returncode == 0
    # A volunteer of the demo logs one visit, so the demo has people, households and visits.
    monkeypatch.setattr("sys.stdin", io.StringIO("PA12010000001 dien\n1\n"))
    chat = cli("chat", "--user", "lan", "--name", "Lan", "--join", "volunteer")
    assert chat.returncode == 0, chat.stderr
    assert cli("plan", "apply", str(PLANS / "003_duc_pho.xlsx")).returncode == 0
    listed = cli("commune", "list").stdout.splitlines()
    assert sorted(listed) == [
        "thị xã Đức Phổ (Quảng Ngãi): 4 địa bàn, 0 thành viên, 0 hộ",
        "xã Quảng Trường (bản dùng thử) (Thanh Hóa): 4 địa bàn, 1 thành viên, 40 hộ",
    ]
    missing = cli("target", "list")
    assert missing.returncode == 2
    assert "Đức Phổ (Quảng Ngãi)" in missing.stderr
    assert "Quảng Trường (Thanh Hóa) (dùng thử)" in missing.stderr

    renamed = cli("commune", "rename", "--commune", "duc pho", "Đức Phổ Mới")
    assert renamed.stdout.strip() == 'Xã "Đức Phổ" nay đổi tên là "Đức Phổ Mới".'
    db = tmp_path / "db.sqlite3"
    demo, duc_pho = _id(db, "Quảng Trường"), _id(db, "Đức Phổ Mới")
    assert _count(db, "visit", demo) == 1

    monkeypatch.setattr("sys.stdin", io.StringIO("Quang Truong 2\n"))
    wrong = cli("commune", "delete", "--commune", "Quảng Trường")
    assert wrong.returncode == 2 and "Tên không khớp" in wrong.stderr
    assert _count(db, "household", demo) == 40

    monkeypatch.setattr("sys.stdin", io.StringIO("quang truong\n"))
    gone = cli("commune", "delete", "--commune", "Quảng Trường")
    assert gone.returncode == 0, gone.stderr
    assert "Đã sao lưu vào" in gone.stdout
    backups = list((tmp_path / "data" / "backups").glob("cdsbot-*.sqlite3"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 40
    for table in ("member", "household", "visit", "conversion", "target", "village"):
        assert _count(db, table, demo) == 0, table
    assert _count(db, "village", duc_pho) == 4 and _count(db, "target", duc_pho) == 4
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM channel_account").fetchone()[0] == 0
    assert cli("commune", "list").stdout.splitlines() == [
        "thị xã Đức Phổ Mới (Quảng Ngãi): 4 địa bàn, 0 thành viên, 0 hộ"
    ]
    # No demo beside a real commune, from `cdsbot demo` or the console.
    again = cli("demo")
    assert again.returncode == 2 and "không thêm xã dùng thử" in again.stderr


def test_village_add_names_the_area_by_its_kind(cli):  # noqa: F811
    assert cli("plan", "apply", str(PLANS / "002_quang_lac.xlsx")).returncode == 0
    made = cli("village", "add", "Bến xe", "--kind", "chợ")
    assert made.stdout.strip() == 'Đã thêm địa bàn "Chợ Bến xe" vào Quảng Lạc.'
    assert cli("village", "add", "6").stdout.strip() == 'Đã thêm địa bàn "Thôn 6" vào Quảng Lạc.'
    twice = cli("village", "add", "Chợ Bến Xe")
    assert twice.returncode == 2 and 'Đã có địa bàn "Chợ Bến Xe"' in twice.stderr
    assert "Chợ Bến xe" in cli("village", "list").stdout.splitlines()
    english = cli("village", "add", "7", "--kind", "kho", locale="en")
    assert english.returncode == 2 and '"kho" is not a kind of area.' in english.stderr
