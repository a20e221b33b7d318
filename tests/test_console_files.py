"""The console channel shows a chart as its caption and path, and a report as its path."""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import load_workbook

from bot.channels.console import ConsoleChat


async def test_chart_prints_caption_and_path_and_report_prints_path(pipeline, joined):
    await joined("console-ba", role="leader", name="Trần Văn Ba")
    out = io.StringIO()
    await ConsoleChat(pipeline, "console-ba").run(io.StringIO("/tiendo bieudo\n/baocao\n"), out)
    lines = out.getvalue().splitlines()
    chart = lines.index("> /tiendo bieudo")
    assert (
        lines[chart + 1] == "Thanh toán tiền điện không dùng tiền mặt: 532/1.300 trước 25/02/2027"
    )
    [png] = re.findall(r"^\[ảnh: (.+\.png)\]$", lines[chart + 2])
    assert Path(png).read_bytes().startswith(b"\x89PNG")
    report = lines.index("> /baocao")
    assert lines[report + 1] == "Báo cáo tháng 11/2026"
    [xlsx] = re.findall(r"^\[tệp: (.+\.xlsx)\]$", lines[report + 2])
    assert load_workbook(xlsx).sheetnames[0] == "Tổng hợp"
