"""Files for officials: the progress chart and the Excel report."""
