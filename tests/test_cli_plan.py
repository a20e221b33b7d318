"""`cdsbot plan template | apply | export` as an IT officer uses them."""

from pathlib import Path

from openpyxl import Workbook, load_workbook

from tests.cli_inproc import cli  # noqa: F401 - fixture

PLANS = Path(__file__).parent / "data" / "plans"


def test_template_apply_twice_dry_run_and_export(cli, tmp_path):  # noqa: F811
    made = cli("plan", "template", str(tmp_path / "trong.xlsx"))
    assert made.returncode == 0, made.stderr
    wb = load_workbook(tmp_path / "trong.xlsx")
    assert wb.sheetnames == ["Hướng dẫn", "Xã", "Địa bàn", "Chỉ tiêu", "Mục tiêu", "Báo cáo"]
    codes = [r[0] for r in wb["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)]
    assert {"DIEN", "NUOC", "TKTT", "VNEID", "HOCPHI", "VIENPHI"} <= set(codes)

    plan = str(PLANS / "003_duc_pho.xlsx")
    dry = cli("plan", "apply", plan, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert 'thêm địa bàn "Chợ Đức Phổ"' in dry.stdout and "--dry-run" in dry.stdout
    assert (
        "Chưa" in cli("commune", "list").stdout or "Đức Phổ" not in cli("commune", "list").stdout
    )
    first = cli("plan", "apply", plan)
    assert first.returncode == 0, first.stderr
    assert 'tạo xã "Đức Phổ"' in first.stdout
    assert "Đã áp dụng kế hoạch của Đức Phổ" in first.stdout
    # Not a terminal: plain progress lines on stderr, ending in a one-line summary.
    assert "Đang áp dụng kế hoạch" in first.stderr and "Traceback" not in first.stderr
    again = cli("plan", "apply", plan)
    assert again.stdout.strip() == "Kế hoạch của Đức Phổ đã được áp dụng: không có gì thay đổi."
    out = tmp_path / "xuat.xlsx"
    assert cli("plan", "export", "--commune", "duc pho", str(out)).returncode == 0
    areas = [r[0] for r in load_workbook(out)["Địa bàn"].iter_rows(min_row=2, values_only=True)]
    assert areas == [
        "Chợ Đức Phổ",
        "Đường chính phường Nguyễn Nghiêm",
        "Đường chính phường Phổ Hòa",
        "Đường chính phường Phổ Ninh",
    ]
    back = cli("plan", "apply", str(out))
    assert "không có gì thay đổi" in back.stdout


def _broken(path: Path) -> None:
    wb = Workbook()
    wb.active.title = "xa"  # no diacritics, lower case: still the commune sheet
    wb["xa"].append(["ten", "loai", "tinh"])
    wb["xa"].append(["Xã Thử", "xã", "Hà Tĩnh"])
    areas = wb.create_sheet("Areas")  # English name
    areas.append(["Name", "Kind", "Note"])
    areas.append(["Thôn 1", "thôn", None])
    areas.append(["Thôn 2", "kho", None])
    targets = wb.create_sheet("MUC TIEU")
    targets.append(
        ["Chỉ tiêu", "Địa bàn", "Tổng số", "Ban đầu", "Ngày ban đầu", "Mục tiêu", "Hạn"]
    )
    targets.append(["DIEN", "Toàn xã", "1.857", "532", "30/8/2024", "70%", "30/11/2024"])
    targets.append(["DIEN", "Thôn 1", "100", "150", "30/8/2024", "70%", "30/11/2024"])
    targets.append(["NUOC", "Thôn 9", "100", "0", "30/8/2024", "80%", "30/11/2024"])
    targets.append(["TKTT", "Toàn xã", "mười", "0", "31/2/2024", "50%", "1/1/2025"])
    targets.append(["NUOC", "Toàn xã", "100", "0", "30/8/2024", "120%", "30/11/2024"])
    wb.save(path)


def test_a_wrong_workbook_names_every_problem_and_applies_nothing(cli, tmp_path):  # noqa: F811
    path = tmp_path / "sai.xlsx"
    _broken(path)
    proc = cli("plan", "apply", str(path))
    assert proc.returncode == 2
    lines = proc.stdout.splitlines()
    assert 'Địa bàn, dòng 3: "kho" không phải loại cột Loại dùng được' in lines[0]
    assert "Mục tiêu, dòng 3: số ban đầu 150 lớn hơn tổng số 100" in lines
    assert 'Mục tiêu, dòng 4: xã không có địa bàn "Thôn 9"' in lines
    assert "Mục tiêu, dòng 6: tỷ lệ mục tiêu 120% phải lớn hơn 0 và không quá 100%" in lines
    assert 'Mục tiêu, dòng 5: "mười" ở cột Tổng số không phải số nguyên' in lines
    assert (
        'Mục tiêu, dòng 5: "31/2/2024" ở cột Ngày ban đầu không phải ngày (ngày/tháng/năm)'
        in lines
    )
    assert "6 lỗi: chưa áp dụng gì" in proc.stderr
    assert "Xã Thử" not in cli("commune", "list").stdout


def test_a_corrected_workbook_updates_the_commune_in_place(cli, tmp_path):  # noqa: F811
    assert cli("plan", "apply", str(PLANS / "000_quang_truong.xlsx")).returncode == 0
    wb = load_workbook(PLANS / "000_quang_truong.xlsx")
    targets = wb["Mục tiêu"]
    assert targets["C2"].value == 1857
    targets["C2"] = "1.900"
    targets["F2"] = "72,5%"
    wb["Địa bàn"].append(["Chợ Quảng Trường", "chợ", None])
    path = tmp_path / "sua.xlsx"
    wb.save(path)
    proc = cli("plan", "apply", str(path))
    assert proc.returncode == 0, proc.stderr
    assert '  thêm địa bàn "Chợ Quảng Trường"' in proc.stdout.splitlines()
    assert (
        "  cập nhật mục tiêu DIEN cho Toàn xã: Tổng số 1857 → 1900, Mục tiêu 70 → 72,5"
        in proc.stdout.splitlines()
    )
    listed = cli("target", "list").stdout
    assert "DIEN · toàn xã: 532/1.900 ngày 30/08/2024, mục tiêu 72,5% đến 30/11/2024" in listed
    assert len(cli("commune", "list").stdout.splitlines()) == 1
