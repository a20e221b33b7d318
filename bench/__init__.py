"""Benchmarks (`make bench`): scripts that print figures for docs/benchmarks.md."""
