"""Text builders shared by commands and scheduled jobs: progress, leaderboards, pushes."""
