"""Telegram through aiogram 3: polling or webhook, inline buttons, photos and documents."""

# Before anything imports aiogram: its types are then built on first use (130 MB less per worker).
from bot.channels.telegram.lazy_types import import_aiogram_lazily

import_aiogram_lazily()

from bot.channels.telegram.channel import TelegramChannel  # noqa: E402

__all__ = ["TelegramChannel"]
