"""The throughput baseline: a bare aiogram echo bot in webhook mode, no database.

    .venv/bin/python bench/echo.py PORT API_BASE TOKEN SECRET
Same web stack as `cdsbot run` (aiohttp, SimpleRequestHandler, handle_in_background=False,
reuse_port) so only our handlers and database make the difference.
"""

from __future__ import annotations

import asyncio
import sys

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web


def make_router() -> Router:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    @router.callback_query()
    async def press(query: CallbackQuery, bot: Bot) -> None:
        # Like our adapter's press: answer, then a new message.
        await query.answer()
        await bot.send_message(query.from_user.id, query.data or "?")

    return router


async def main(port: int, api_base: str, token: str, secret: str) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
    bot = Bot(token, session=session)
    dp = Dispatcher(disable_fsm=True)
    dp.include_router(make_router())
    app = web.Application()
    app.router.add_get("/healthz", lambda _: web.json_response({"ok": True}))
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token=secret).register(
        app, path="/telegram"
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, reuse_port=True).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]))
