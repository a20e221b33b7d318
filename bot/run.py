"""`cdsbot run`: the console with demo data when no token is set, otherwise the platforms on one
web server with the background (sender, scheduler, spool drain), until SIGTERM; then a drain."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from pathlib import Path

from bot import tuning
from bot.app import App, make_background, make_channels, metrics_endpoint
from bot.channels.base import Channel
from bot.channels.console import ConsoleChat
from bot.demo import create_demo
from bot.health import Readiness
from bot.operator_text import _
from bot.spool import Spool
from bot.web import GATE, make_web_app, start_web
from bot.webui import mount_webui
from bot.webui.demo import serve_demo, web_ui
from handlers.roles import ROLE_NAMES
from models.members.joining import show_code

log = logging.getLogger(__name__)
CONSOLE_USER = "console-demo"
# At shutdown, how long requests already received may take to finish (systemd waits 90 s).
DRAIN_SECONDS = 30.0


async def serve(app: App) -> int:
    settings = app.settings
    if not settings.telegram_bot_token and not settings.zalo_tokens:
        return await _console(app)
    # A message the database cannot take waits in DATA_DIR/spool until it can (bot/spool.py).
    app.pipeline.spool = Spool(Path(settings.data_dir) / "spool")
    channels = make_channels(app)
    readiness = Readiness(app.engine, channels)
    metrics = metrics_endpoint(app, channels)
    web_app = make_web_app(readiness, metrics)
    ui = web_ui(app)
    mount_webui(web_app, ui)
    for channel in channels:
        channel.mount(web_app)
    runners = [await start_web(web_app, settings.web_host, settings.web_port)]
    if settings.metrics_port:
        ops_app = make_web_app(readiness, metrics)
        runners.append(
            await start_web(ops_app, settings.web_host, settings.metrics_port, shared=False)
        )
    for channel in channels:
        await channel.start()
    ui.telegram_username = await _telegram_username(channels)
    app.pipeline.telegram_username = ui.telegram_username
    log.info("running: %s", ", ".join(c.name for c in channels))
    background = make_background(app, channels)
    background.start()
    _freeze_startup_objects()
    tuning.tune_gc()
    try:
        await _wait_for_signal()
    finally:
        # Stop taking updates before draining: a webhook now answers 503 (the platform sends
        # again), and what was acknowledged finishes its turn before anything closes.
        log.info("stopping: no new updates; finishing the ones received")
        readiness.stopping = True
        await web_app[GATE].close(DRAIN_SECONDS)
        for channel in channels:
            await channel.stop()
        await background.stop()
        for runner in runners:
            await runner.cleanup()
        log.info("stopped")
    return 0


async def _telegram_username(channels: list[Channel]) -> str | None:
    """For t.me invite links on the web page and in /moi; both work without them."""
    for channel in channels:
        if channel.name == "telegram":
            try:
                return (await channel.bot.me()).username
            except Exception as exc:  # the page just shows codes without the link
                log.warning("bot username unknown: %s", type(exc).__name__)
    return None


def _freeze_startup_objects() -> None:
    """Move what start-up built (modules, types, settings) out of the garbage collector's reach.

    They live as long as the process; without this every full collection walks them all again
    (~100 ms each on a busy worker). Standard CPython practice for long-running servers."""
    gc.collect()
    gc.freeze()


async def _wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _console(app: App) -> int:
    result = await create_demo(app)
    if result is None:
        # A real commune is configured: chat with it, never beside demo data.
        print(_("cds-bot — console chat. Make invite codes with `cdsbot invite create`."))
        return await _console_chat(app)
    print(_("cds-bot — the demo commune (console chat)."))
    codes = ", ".join(
        f"{_(ROLE_NAMES[role])} {show_code(code)}" for role, code in result.invites.items()
    )
    print(_("Invite codes: {codes}", codes=codes))
    runner, line = await serve_demo(app, result.commune_id)
    print(line)
    try:
        return await _console_chat(app)
    finally:
        if runner is not None:
            await runner.cleanup()


async def _console_chat(app: App) -> int:
    print(
        _("For Telegram or Zalo, set TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKENS in .env (see README).")
    )
    print(_("Type /start, then an invite code. Ctrl-D to quit."))
    await ConsoleChat(app.pipeline, CONSOLE_USER, "Người dùng thử").run(sys.stdin, sys.stdout)
    return 0
