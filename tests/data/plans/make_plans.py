"""Writes the five plans of ../shared/seeds as plan workbooks (000…004), read from each plan.

Every area, indicator, target and reporting period below is what the plan names, in its own
units. The plans are thin on numbers: where one is silent (area names, denominators,
baselines), the value is an example, its `Ghi chú` says "giả định để thử", and so does the
guide sheet. Run: `.venv/bin/python tests/data/plans/make_plans.py` (the .xlsx are committed).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from models.plan.sheets import (  # noqa: E402
    AreaIn,
    CommuneIn,
    IndicatorIn,
    PeriodIn,
    Plan,
    TargetIn,
)
from models.plan.workbook import GUIDE, write_plan  # noqa: E402

HERE = Path(__file__).parent
EXAMPLE = "giả định để thử"


def guide(source: str, said: str) -> list[str]:
    return [
        f"Kế hoạch: {source}.",
        f"Theo kế hoạch: {said}",
        f"Những ô có Ghi chú “{EXAMPLE}” là giá trị ví dụ vì kế hoạch không nêu; "
        "không phải số liệu của kế hoạch. Xã thay bằng số thật trước khi dùng.",
        "",
        *GUIDE,
    ]


def t(code, area, population, baseline, start, goal, deadline, note=None, row=0) -> TargetIn:  # noqa: PLR0917
    percent, count = (goal, None) if isinstance(goal, float) else (None, goal)
    return TargetIn(code, area, population, baseline, start, percent, count, deadline, note, row)


def areas(names: list[str], kind: str = "thon", note: str | None = EXAMPLE) -> list[AreaIn]:
    return [AreaIn(n, kind, note, 0) for n in names]


def ind(code, name=None, unit=None, note=None, words=None) -> IndicatorIn:
    return IndicatorIn(code, name, unit, words, note, 0)


def quang_truong() -> tuple[Plan, list[str]]:
    """000: criterion 3.12, electricity and water paid cashless; 532/1.857 codes on 30/8/2024."""
    start, end = date(2024, 8, 30), date(2024, 11, 30)
    plan = Plan(
        commune=CommuneIn("Quảng Trường", "xa", "Thanh Hóa"),
        areas=areas(["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4"], note=f"4 thôn; tên {EXAMPLE}"),
        indicators=[
            ind("DIEN", unit="customer_code", note="Chỉ tiêu 3.12: đếm theo mã khách hàng"),
            ind("NUOC", note="Chỉ tiêu 3.12: kế hoạch không nêu số liệu"),
        ],
        targets=[
            t(
                "DIEN", None, 1857, 532, start, 70.0, end,
                "532/1.857 mã khách hàng chuyển khoản ngày 30/8/2024; 1.325 còn trả tiền mặt",
            ),
        ],
    )  # fmt: skip
    return plan, guide(
        "xã Quảng Trường (Thanh Hóa), 2024 — chỉ tiêu 3.12",
        "điện: 532/1.857 mã khách hàng ngày 30/8/2024, mục tiêu 70% đến 30/11/2024; 4 thôn.",
    )


def thieu_trung() -> tuple[Plan, list[str]]:
    """001: cashless payment all of 2026, 34 villages and neighbourhoods, monthly reports."""
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    names = [f"Thôn {n}" for n in range(1, 31)] + [f"Khu phố {n}" for n in range(1, 5)]
    plan_areas = areas(names[:30], note=f"34 thôn, khu phố; tên {EXAMPLE}") + areas(
        names[30:], "khu_pho", note=f"34 thôn, khu phố; tên {EXAMPLE}"
    )
    area_targets = [
        t("TKTT", name, 300 + 10 * (n % 7), 90 + 5 * (n % 5), start, 80.0, end, EXAMPLE)
        for n, name in enumerate(names)
    ]
    whole = sum(x.population for x in area_targets)
    plan = Plan(
        commune=CommuneIn("Thiệu Trung", "xa", "Thanh Hóa"),
        areas=plan_areas,
        indicators=[
            ind("TKTT", note="Tài khoản cho mọi người từ 16 tuổi"),
            ind("HOCPHI"),
            ind("VIENPHI"),
            ind("DIEN"),
            ind("NUOC"),
            ind("ASXH", note="Lương hưu, trợ cấp xã hội qua tài khoản"),
            ind("QR", note="Mã QR tại cửa hàng"),
        ],
        targets=[
            t(
                "TKTT",
                None,
                whole,
                sum(x.baseline for x in area_targets),
                start,
                80.0,
                end,
                f"Tổng số người từ 16 tuổi, số ban đầu và 80%: {EXAMPLE}",
            ),
            *area_targets,
        ],  # fmt: skip
        periods=[PeriodIn("month", [], 5, f"Hàng tháng theo kế hoạch; hạn nộp {EXAMPLE}", 0)],
    )
    return plan, guide(
        "xã Thiệu Trung (Thanh Hóa), 2026 — tuyên truyền thanh toán không dùng tiền mặt",
        "34 thôn, khu phố (không nêu tên); báo cáo hàng tháng; không nêu số liệu.",
    )


def quang_lac() -> tuple[Plan, list[str]]:
    """002: with Viettel, April–May 2024, house to house."""
    start, end = date(2024, 4, 4), date(2024, 5, 31)
    plan = Plan(
        commune=CommuneIn("Quảng Lạc", "xa", "Lạng Sơn"),
        areas=areas(["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4", "Thôn 5"], note=f"tên {EXAMPLE}"),
        indicators=[
            ind("VTMONEY", "Tài khoản Viettel Money", "household", words="viettelmoney vtm",
                note="Mục tiêu 50% số hộ"),
            ind("DIEN", note="Thanh toán tiền điện qua Viettel Money"),
            ind("4G", "Hộ dùng thiết bị 2G chuyển sang 4G", "household",
                note="Mục tiêu 90% số hộ đang dùng thiết bị 2G"),
            ind("CDSXL", "Ứng dụng Công dân số Xứ Lạng", "person", words="congdanso xulang",
                note="80% người từ 15 tuổi có điện thoại thông minh"),
            ind("QR", note="100% hộ kinh doanh có mã QR"),
            ind("HOCPHI", note="Thu học phí không dùng tiền mặt"),
        ],
        targets=[
            t("VTMONEY", None, 1200, 0, start, 50.0, end, f"Tổng số hộ: {EXAMPLE}"),
            t("4G", None, 320, 0, start, 90.0, end, f"Số hộ đang dùng thiết bị 2G: {EXAMPLE}"),
            t("CDSXL", None, 2600, 0, start, 80.0, end,
              f"Số người từ 15 tuổi có điện thoại thông minh: {EXAMPLE}"),
            t("QR", None, 85, 0, start, 100.0, end, f"Số hộ kinh doanh: {EXAMPLE}"),
        ],
    )  # fmt: skip
    return plan, guide(
        "xã Quảng Lạc (Lạng Sơn) phối hợp Viettel Lạng Sơn, tháng 4–5/2024",
        "Viettel Money 50% số hộ; 90% hộ dùng 2G lên 4G; 80% người 15+ có điện thoại thông "
        "minh dùng Công dân số Xứ Lạng; 100% hộ kinh doanh có mã QR; thu học phí.",
    )


def duc_pho() -> tuple[Plan, list[str]]:
    """003: "cashless street" on the main streets of three wards and "Market 4.0" in 2024."""
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    streets = [
        "Đường chính phường Nguyễn Nghiêm",
        "Đường chính phường Phổ Hòa",
        "Đường chính phường Phổ Ninh",
    ]
    note = "Trục đường chính của phường (kế hoạch không nêu tên đường)"
    plan = Plan(
        commune=CommuneIn("Đức Phổ", "thi_xa", "Quảng Ngãi"),
        areas=[AreaIn("Chợ Đức Phổ", "cho", "Mô hình Chợ 4.0", 0)]
        + [AreaIn(name, "tuyen_pho", note, 0) for name in streets],
        indicators=[ind("QR", note="Cơ sở kinh doanh nhận thanh toán QR")],
        targets=[
            t("QR", "Chợ Đức Phổ", 240, 30, start, 80.0, end, f"Số hộ kinh doanh, mục tiêu: {EXAMPLE}"),
            *[t("QR", name, 60, 10, start, 80.0, end, f"Số hộ kinh doanh, mục tiêu: {EXAMPLE}")
              for name in streets],
        ],
    )  # fmt: skip
    return plan, guide(
        "thị xã Đức Phổ (Quảng Ngãi), 2024 — Tuyến đường và Chợ 4.0 không dùng tiền mặt",
        "năm 2024: chợ Đức Phổ và trục đường chính các phường Nguyễn Nghiêm, Phổ Hòa, Phổ "
        "Ninh; không nêu số liệu.",
    )


def ngoc_trao() -> tuple[Plan, list[str]]:
    """004: the full indicator set, year-end 2024, reports in months 1,2,4,5,7,8,10,11, Q1,
    6 and 9 months and the year, before the 15th."""
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    indicators = [
        ("VNEID", None, None, 60.0, 2100, "60% dân số trưởng thành đến cuối năm 2024"),
        ("CKS", None, None, 40.0, 2100, "Trên 40% dân số trưởng thành"),
        ("DVC", None, None, 70.0, 2100, "Trên 70% dân số trưởng thành"),
        ("TKTT", None, None, 100.0, 2300, "100% người từ 15 tuổi"),
        ("DIEN", None, None, 100.0, 800, "100% hóa đơn tiền điện"),
        ("VIENTHONG", "Thanh toán cước viễn thông, truyền hình không dùng tiền mặt",
         "household", 100.0, 800, "100% hóa đơn viễn thông, truyền hình"),
        ("NUOC", None, None, 80.0, 600, "80% hóa đơn tiền nước"),
        ("QR", None, None, 80.0, 60, "80% tiểu thương chấp nhận thanh toán không tiền mặt"),
        ("ASXH", None, None, 100.0, 250, "100% người hưởng lương hưu, trợ cấp hàng tháng"),
        ("SKDT", "Hồ sơ sức khỏe điện tử", "person", 100.0, 2900, "100% người dân"),
        ("KHAMTUXA", "Dùng nền tảng tư vấn khám chữa bệnh từ xa", "person", 40.0, 2100,
         "Trên 40% dân số trưởng thành"),
        ("SMARTPHONE", "Thuê bao di động dùng điện thoại thông minh", "subscriber", 100.0,
         2500, "100% thuê bao di động"),
        ("CAPQUANG", "Hộ có Internet cáp quang băng rộng", "household", 100.0, 800,
         "100% hộ gia đình"),
        ("CONGTO", "Hộ lắp công tơ điện tử tự động gửi chỉ số", "household", 100.0, 800,
         "100% hộ gia đình"),
    ]  # fmt: skip
    plan = Plan(
        commune=CommuneIn("Ngọc Trạo", "xa", "Thanh Hóa"),
        areas=areas(["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4", "Thôn 5", "Thôn 6"],
                    note=f"tên {EXAMPLE}"),
        indicators=[ind(code, name, unit, note) for code, name, unit, _, _, note in indicators],
        targets=[
            t(code, None, population, 0, start, goal, end,
              f"Mục tiêu theo kế hoạch; tổng số: {EXAMPLE}")
            for code, _, _, goal, population, _ in indicators
        ],
        periods=[
            PeriodIn("month", [1, 2, 4, 5, 7, 8, 10, 11], 15, "Hàng tháng", 0),
            PeriodIn("quarter", [3], 15, "Quý I", 0),
            PeriodIn("half", [6], 15, "06 tháng", 0),
            PeriodIn("nine_months", [9], 15, "09 tháng", 0),
            PeriodIn("year", [12], 15, "Báo cáo năm", 0),
        ],
    )  # fmt: skip
    return plan, guide(
        "xã Ngọc Trạo (Thanh Hóa), 2024 — chuyển đổi số gắn với cải cách hành chính",
        "đủ bộ chỉ tiêu xã hội số; báo cáo tháng 1, 2, 4, 5, 7, 8, 10, 11, quý I, 6 tháng, 9 "
        "tháng và năm, trước ngày 15.",
    )


PLANS = {
    "000_quang_truong.xlsx": quang_truong,
    "001_thieu_trung.xlsx": thieu_trung,
    "002_quang_lac.xlsx": quang_lac,
    "003_duc_pho.xlsx": duc_pho,
    "004_ngoc_trao.xlsx": ngoc_trao,
}


def main() -> None:
    for name, build in PLANS.items():
        plan, lines = build()
        write_plan(plan, HERE / name, guide=lines)
        print(name)  # noqa: T201


if __name__ == "__main__":
    main()
