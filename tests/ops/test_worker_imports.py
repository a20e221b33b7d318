"""What a worker loads at start: the libraries only some turns need (openpyxl with numpy and PIL,
~30 MB; segno for QR codes) load when a workbook or an invite is made, not in every worker."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
ON_DEMAND = ("openpyxl", "numpy", "PIL", "segno", "matplotlib")


def loaded_at_start() -> list[str]:
    # What `cdsbot run` imports before its first update: the composition, the run loop, every
    # flow, the web page, and the scheduler with its file clean-up.
    code = (
        "import json, sys\n"
        "import bot.app, bot.run, bot.webui, bot.scheduler, handlers.routes\n"
        f"print(json.dumps([m for m in {list(ON_DEMAND)!r} if m in sys.modules]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_worker_starts_without_the_workbook_and_qr_libraries():
    assert loaded_at_start() == []


def test_they_still_load_when_a_workbook_is_read(tmp_path):
    from handlers.files import _names_any
    from models.plan import read_plan, template_plan, write_plan

    path = tmp_path / "plan.xlsx"
    write_plan(template_plan(), path)
    assert read_plan(path)[0].indicators
    assert not _names_any(path, {"no such name"})
    assert "openpyxl" in sys.modules
