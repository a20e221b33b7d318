"""What the scheduled jobs send: per job, the recipients and their messages (`collect.py`), the
village team's daily texts (`team.py`), the officials' weekly digest and report reminder
(`officials.py`), and the leaderboard text /bangxephang shares (`leaderboard.py`)."""
