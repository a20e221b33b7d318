"""`python -m bot` is the same as `cdsbot`."""

from bot.cli.main import main

main()
