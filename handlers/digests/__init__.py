"""Texts pushed on a schedule: pure builders from query rows to replies."""
