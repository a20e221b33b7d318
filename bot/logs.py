"""Logging set-up: the text or JSON format (LOG_FORMAT), and SQL and HTTP loggers kept quiet.

LOG_FORMAT=json: one JSON object a line for a log system (Loki, Elasticsearch, journald).

Fields: time (UTC, ISO 8601), level, logger, message, pid, and the ids a call passes with
`extra=` that are safe to log (channel, bot, message key, outbox row, job, commune). Messages
already hold only ids (STYLE: no names, phones or text in logs); an exception adds its class,
and its traceback only at DEBUG, as the text format does.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

SAFE_IDS = ("channel", "bot", "message_key", "outbox_id", "job", "commune_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        for name in SAFE_IDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
            if logging.getLogger().isEnabledFor(logging.DEBUG):
                entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(level: str, fmt: str = "text") -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    if fmt == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    quiet_noisy_loggers()


def quiet_noisy_loggers() -> None:
    # httpx logs full request URLs, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    # At DEBUG these log every SQL statement with its parameters: names, phones, codes.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
