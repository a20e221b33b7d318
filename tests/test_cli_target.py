"""`cdsbot target set | delete | list` as an operator types them, on a real SQLite file."""

import pytest

from tests.cli_inproc import cli  # noqa: F401 - fixture

COMMON = ("--baseline-date", "30/08/2024", "--deadline", "30/11/2024")


@pytest.fixture
def db(cli):  # noqa: F811
    assert cli("demo").returncode == 0
    return cli


def test_set_with_vietnamese_dates_list_and_delete(db):
    made = db("target", "set", "QR", "--population", "120", "--percent", "80", *COMMON)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "Đã tạo mục tiêu QR cho Quảng Trường."
    again = db("target", "set", "qr", "--population", "120", "--count", "90", *COMMON)
    assert again.stdout.strip() == "Đã cập nhật mục tiêu QR cho Quảng Trường."
    listed = db("target", "list")
    assert "QR · toàn xã: 0/120 ngày 30/08/2024, mục tiêu 90 đến 30/11/2024" in listed.stdout
    gone = db("target", "delete", "QR")
    assert gone.returncode == 0 and gone.stdout.strip() == "Đã xóa mục tiêu QR."
    assert "QR ·" not in db("target", "list").stdout
    twice = db("target", "delete", "QR")
    assert twice.returncode == 2 and "Không có mục tiêu này." in twice.stderr


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["DIEN", "--population", "100", "--baseline", "150", "--percent", "70"],
         "số ban đầu 150 lớn hơn tổng số 100"),
        (["DIEN", "--population", "100", "--percent", "120"],
         "tỷ lệ mục tiêu 120% phải lớn hơn 0 và không quá 100%"),
        (["DIEN", "--population", "100", "--count", "101"],
         "số mục tiêu 101 lớn hơn tổng số 100"),
        (["KHONGCO", "--population", "100", "--count", "10"],
         'xã không dùng chỉ tiêu "KHONGCO"'),
        (["DIEN", "--area", "Thôn 9", "--population", "100", "--count", "10"],
         'xã không có địa bàn "Thôn 9"'),
    ],
)  # fmt: skip
def test_refusals_are_one_vietnamese_line_and_change_nothing(db, args, reason):
    before = db("target", "list").stdout
    proc = db("target", "set", *args, *COMMON)
    assert proc.returncode == 2 and reason in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert db("target", "list").stdout == before


def test_deadline_before_baseline_and_bad_date(db):
    proc = db(
        "target", "set", "DIEN", "--population", "10", "--count", "5",
        "--baseline-date", "30/08/2024", "--deadline", "29/08/2024",
    )  # fmt: skip
    assert proc.returncode == 2
    assert "hạn 29/08/2024 trước ngày ban đầu 30/08/2024" in proc.stderr
    bad = db(
        "target", "set", "DIEN", "--population", "10", "--count", "5",
        "--baseline-date", "31/02/2024", "--deadline", "30/11/2024",
    )  # fmt: skip
    assert bad.returncode == 2 and "--baseline-date: ghi ngày theo dạng" in bad.stderr


def test_area_totals_above_the_commune_warn_but_save(db):
    # The demo's electricity areas hold 420+510+447+480 = 1.857; one more area pushes it over.
    proc = db(
        "target", "set", "DIEN", "--area", "Thôn 1", "--population", "500",
        "--baseline", "143", "--percent", "70", *COMMON,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Lưu ý: tổng số của các địa bàn cộng lại là 1.937" in proc.stdout
    assert "Đã cập nhật mục tiêu DIEN cho Thôn 1." in proc.stdout


def test_english_with_default_locale(db):
    proc = db(
        "target", "set", "DIEN", "--population", "100", "--count", "101", *COMMON, locale="en"
    )
    assert proc.returncode == 2 and "the target count 101 is above the total 100" in proc.stderr


def test_missing_commune_lists_the_known_ones(cli):  # noqa: F811
    proc = cli("target", "list")
    assert proc.returncode == 2
    assert "Anh/chị chọn một xã bằng --commune. Các xã hiện có: chưa có" in proc.stderr
