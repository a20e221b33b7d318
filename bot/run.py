"""`cdsbot run`: the console with demo data when no token is set, otherwise the platforms."""

from __future__ import annotations

import sys

from bot.app import App
from bot.channels.console import ConsoleChat
from bot.cli import create_demo
from models.membership import show_code

CONSOLE_USER = "console-demo"


async def serve(app: App) -> int:
    settings = app.settings
    if not settings.telegram_bot_token and not settings.zalo_tokens:
        return await _console(app)
    print("Telegram/Zalo channels are not available in this build yet.", file=sys.stderr)
    return 1


async def _console(app: App) -> int:
    result = await create_demo(app)
    print("cds-bot — demo commune Quảng Trường (console chat).")
    print(
        "Invite codes: "
        + ", ".join(f"{role} {show_code(code)}" for role, code in result.invites.items())
    )
    print(
        "To use Telegram or Zalo, put TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKENS in .env (see README)."
    )
    print("Type /start, then an invite code. Ctrl-D to quit.")
    await ConsoleChat(app.pipeline, CONSOLE_USER, "Người dùng thử").run(sys.stdin, sys.stdout)
    return 0
