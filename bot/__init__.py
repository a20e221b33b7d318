"""The runtime: everything that knows a platform, a process or the wall clock.

`app.py` builds the engine, translator and pipeline; `run.py` starts the channels (Telegram,
Zalo, console under `channels/`), the one aiohttp server (`web.py`: webhooks, files, health,
metrics, the web page in `webui/`), the scheduler and the outbox sender. `cli.py` and
`cli_*.py` are the operator's `cdsbot` commands. Nothing here decides what a reply says: that is
`handlers/`.
"""
