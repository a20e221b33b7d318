"""Logging a visit, the bot's biggest feature: /ghinhan and its household search (`visit.py`),
the questions after the household (`details.py`, asked by `ask.py`), the one-line log typed as
free text (`quick.py`, read by `fieldlog.py`), /sua (`fix.py`), /henlai (`revisit.py`), and the
limit on household look-ups (`lookup_limit.py`)."""
