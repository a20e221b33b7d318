"""Telegram through aiogram 3: polling or webhook, inline buttons, photos and documents."""

from bot.channels.telegram.channel import TelegramChannel

__all__ = ["TelegramChannel"]
