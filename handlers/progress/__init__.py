"""/tiendo: the command and its screens (`flow.py`), the first screen and area pages
(`summary.py`), the full text also used by the scheduled pushes (`text.py`), and the chart."""
