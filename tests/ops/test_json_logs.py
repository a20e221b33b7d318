"""LOG_FORMAT=json: one JSON object a line with the safe ids; text stays the default."""

import io
import json
import logging

from bot.logs import JsonFormatter


def test_json_lines_parse_and_carry_the_safe_ids_only():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("cdsbot.test.json")
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.INFO)
    try:
        log.warning(
            "message %s/%s failed: %s", "telegram", "42", "ValueError",
            extra={"channel": "telegram", "message_key": "42", "unrelated": "x"},
        )  # fmt: skip
        try:
            raise ValueError("Nguyễn Thị Lan 0912345678")
        except ValueError:
            log.exception("outbox 7: deliver raised")
        log.info("đã gửi: tiếng Việt giữ nguyên")
    finally:
        log.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 3
    first = lines[0]
    assert first["level"] == "WARNING" and first["logger"] == "cdsbot.test.json"
    assert first["message"] == "message telegram/42 failed: ValueError"
    assert first["channel"] == "telegram" and first["message_key"] == "42"
    assert "unrelated" not in first
    assert first["time"].endswith("+00:00") and "T" in first["time"]
    # An exception is named by class; its text (which may hold personal data) is left out
    # unless the operator runs at DEBUG.
    assert lines[1]["exception"] == "ValueError"
    assert "0912345678" not in stream.getvalue()
    assert lines[2]["message"] == "đã gửi: tiếng Việt giữ nguyên"
