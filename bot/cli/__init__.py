"""The operator's tools: `cdsbot <command>` (`main.py` lists them, one module per command), the
database backup copy and the checked restore (`snapshot.py`, `restore.py`), and the progress line
long work prints (`progress.py`). Output goes through `bot/operator_text.py` in DEFAULT_LOCALE;
`--help` and argparse's own errors too, through `parser.py` (catalogue cli_help.po).
Nothing in the running bot imports this package."""
