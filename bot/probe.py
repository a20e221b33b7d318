"""`python -m bot.probe [--wait SECONDS]`: is this worker ready? Asks its own /readyz (on
METRICS_PORT when set, else WEB_PORT) and exits 0 when it answers 200, 1 otherwise, naming what
is not ready. The container HEALTHCHECK, compose and the systemd unit (ExecStartPost) call it.

Standard library only past the settings: it runs every 30 s beside a busy worker."""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request

from bot.settings import Settings, get_settings
from locales import translator

ANY_ADDRESS = ("", "0.0.0.0", "::")


def readyz_url(settings: Settings) -> str:
    host = "127.0.0.1" if settings.web_host in ANY_ADDRESS else settings.web_host
    port = settings.metrics_port or settings.web_port
    return f"http://{host}:{port}/readyz"


def check(url: str, timeout: float = 3.0) -> list[str] | None:
    """None when ready; else what is not ready (`["unreachable"]` if nothing answered)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            response.read()
            return None
    except urllib.error.HTTPError as exc:
        try:
            return list(json.loads(exc.read()).get("failing") or [str(exc.code)])
        except ValueError:
            return [str(exc.code)]
    except (OSError, TimeoutError):
        return ["unreachable"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.probe")
    parser.add_argument("--wait", type=float, default=0, help="keep asking for this many seconds")
    args = parser.parse_args(argv)
    settings = get_settings()
    t = translator(settings.default_locale)
    url = readyz_url(settings)
    deadline = time.monotonic() + args.wait
    while True:
        failing = check(url)
        if failing is None:
            sys.stdout.write(t.gettext("Ready: {url}", url=url) + "\n")
            return 0
        if time.monotonic() >= deadline:
            break
        time.sleep(1)
    parts = ", ".join(failing)
    sys.stderr.write(t.gettext("Not ready: {parts} ({url})", parts=parts, url=url) + "\n")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
