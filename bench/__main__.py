"""`python -m bench`: the outbox fan-out with a small count (bench.fanout --count for more)."""

from bench.fanout import main

main(["--count", "600"])
