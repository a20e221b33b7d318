"""The runtime: everything that knows a platform, a process or the wall clock.

`app.py` is the composition root: it builds the engine and pipeline, the channels (Telegram, Zalo,
console under `channels/`), the metrics endpoint, and the background (`background.py`: outbox
sender `outbox.py`, job scheduler `scheduler.py` + `jobs.py`, spool drain `spool.py`). `run.py`
runs them on the one aiohttp server (`web.py`: webhooks, files, health, metrics, the web page in
`webui/`) until a signal. `cli/` holds the operator's `cdsbot` commands. Nothing here decides
what a reply says: that is `handlers/`.
"""
