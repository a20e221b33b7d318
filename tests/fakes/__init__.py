"""Loopback fakes of the platform APIs the bot talks to."""
