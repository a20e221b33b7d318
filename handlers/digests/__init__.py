"""Text builders shared by commands and scheduled jobs: progress and leaderboards."""
