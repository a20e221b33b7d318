"""The plan workbook: one .xlsx that sets a commune up (commune, areas, indicators, targets,
reporting rhythm). Read and check it, preview or apply its changes, export a commune back.
No chat or CLI here: `cdsbot plan` (bot/cli/plan.py) and the web page call these."""

from models.plan.apply import (
    Change,
    apply_plan,
    check_plan,
    export_plan,
    preview_plan,
)
from models.plan.sheets import Plan, PlanProblem
from models.plan.workbook import read_plan, template_plan, write_plan

__all__ = [
    "Change",
    "Plan",
    "PlanProblem",
    "apply_plan",
    "check_plan",
    "export_plan",
    "preview_plan",
    "read_plan",
    "template_plan",
    "write_plan",
]
