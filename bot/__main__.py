"""`python -m bot` is the same as `cdsbot`."""

from bot.cli import main

main()
