"""/baocao, the report to the district: the command (`flow.py`), the periods people type
(`period.py`) and the Excel workbook (`excel.py`). "Report" means this and nothing else."""
