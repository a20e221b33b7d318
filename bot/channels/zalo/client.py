"""HTTP client for the Zalo Bot Platform: one POST per method, envelope checks, no token leaks."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

MAX_TEXT = 2000
# Zalo holds getUpdates up to `timeout` seconds; the HTTP read timeout must outlast it.
POLL_TIMEOUT = 30
HTTP_SLACK = 10


class Redactor(logging.Filter):
    """Replaces every known token in log records (httpx logs full URLs, which carry it)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add(self, secret: str) -> None:
        if secret:
            self.secrets.add(secret)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        clean = self.scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


REDACTOR = Redactor()
# Logger filters only see records created on that very logger (not on its children), so each
# logger that may see a URL gets the filter.
_NOISY = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "aiohttp.access",
    "aiohttp.server",
    "aiohttp.client",
    "bot.pipeline",
    "bot.channels.zalo.client",
    "bot.channels.zalo.channel",
)
for _name in _NOISY:
    logging.getLogger(_name).addFilter(REDACTOR)


class ZaloError(Exception):
    """A failed call. The text names the method and Zalo's answer, never the URL or token."""

    def __init__(self, method: str, code: int, description: str, retry_after: float | None = None):
        self.method, self.code, self.description = method, code, description
        self.retry_after = retry_after
        super().__init__(f"zalo {method}: {code} {description}")

    @property
    def transient(self) -> bool:
        # 0 = the connection failed or timed out.
        return self.code == 0 or self.code >= 500

    @property
    def fatal(self) -> bool:
        return self.code == 401


def bot_id_of(token: str) -> str:
    """The `{bot_id}` prefix of `{bot_id}:{secret}` tokens: safe to store and log."""
    head, sep, _ = token.partition(":")
    if sep and head:
        return head
    # A token without the usual prefix still needs a stable id that does not reveal it.
    return "h" + hashlib.sha256(token.encode()).hexdigest()[:12]


class ZaloClient:
    def __init__(self, token: str, base: str, *, http: httpx.AsyncClient | None = None) -> None:
        self._token = token
        self._base = base.rstrip("/")
        REDACTOR.add(token)
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(15.0))

    async def close(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def call(
        self, method: str, payload: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        url = f"{self._base}/bot{self._token}/{method}"
        try:
            response = await self._http.post(
                url, json=payload or {}, timeout=timeout if timeout else httpx.USE_CLIENT_DEFAULT
            )
        except httpx.HTTPError as exc:
            # httpx messages can quote the URL; keep only the class name.
            raise ZaloError(method, 0, type(exc).__name__) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if response.status_code == 200 and body.get("ok") is True:
            return body.get("result")
        code = body.get("error_code") or body.get("errorCode") or response.status_code
        if not isinstance(code, int) or code in (0, 200):
            code = response.status_code if response.status_code != 200 else 400
        description = REDACTOR.scrub(str(body.get("description") or response.reason_phrase))
        raise ZaloError(method, code, description[:200], _retry_after(response, body))

    async def get_me(self) -> dict[str, Any]:
        return await self.call("getMe") or {}

    async def get_updates(self, timeout: int = POLL_TIMEOUT) -> list[dict[str, Any]]:
        """Zero or more updates; an idle poll (408) is an empty list, not an error."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + HTTP_SLACK
            )
        except ZaloError as exc:
            if exc.code == 408:
                return []
            raise
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict) and u]
        return [result] if isinstance(result, dict) and result else []

    async def get_webhook_info(self) -> dict[str, Any] | None:
        """The webhook, or None when none is set (Zalo answers 404 then)."""
        try:
            result = await self.call("getWebhookInfo")
        except ZaloError as exc:
            if exc.code == 404:
                return None
            raise
        return result if isinstance(result, dict) and result.get("url") else None

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text[:MAX_TEXT]}) or {}

    async def send_photo(self, chat_id: str, url: str, caption: str = "") -> dict[str, Any]:
        payload = {"chat_id": chat_id, "photo": url}
        if caption:
            payload["caption"] = caption[:MAX_TEXT]
        return await self.call("sendPhoto", payload) or {}

    async def send_typing(self, chat_id: str) -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": "typing"})


def _retry_after(response: httpx.Response, body: dict[str, Any]) -> float | None:
    if response.status_code != 429 and body.get("error_code") != 429:
        return None
    params = body.get("parameters")
    raw = params.get("retry_after") if isinstance(params, dict) else None
    raw = raw or response.headers.get("Retry-After")
    try:
        return max(1.0, float(raw))
    except (TypeError, ValueError):
        return 5.0
