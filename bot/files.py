"""Signed, expiring links to generated charts and reports, and the web route that serves them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import mimetypes
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from models.base import utcnow

log = logging.getLogger(__name__)

ROUTE = "/files/{name:.+}"
LINKS_KEY = web.AppKey("file_links", object)


class FileLinks:
    """HMAC-SHA256 over (relative path, expiry); the key never leaves the process."""

    def __init__(
        self,
        base_url: str,
        key: bytes,
        files_dir: Path,
        *,
        hours: int = 24,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self.files_dir = files_dir
        self.hours = hours
        self.clock = clock

    def _sign(self, rel: str, expires: int) -> str:
        mac = hmac.new(self._key, f"{rel}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def _relative(self, path: Path) -> str:
        root = self.files_dir.resolve()
        full = (path if path.is_absolute() else root / path).resolve()
        if not full.is_relative_to(root):
            raise ValueError("file is outside the files directory")
        return full.relative_to(root).as_posix()

    def url_for(self, path: Path) -> str:
        rel = self._relative(path)
        expires = int((self.clock() + timedelta(hours=self.hours)).timestamp())
        sig = self._sign(rel, expires)
        return f"{self.base_url}/files/{quote(rel)}?e={expires}&s={sig}"

    def resolve(self, rel: str, expires: str, sig: str) -> Path | None:
        """The file a link points to, or None when it is altered, expired or outside the dir."""
        try:
            expiry = int(expires)
        except ValueError:
            return None
        if not hmac.compare_digest(self._sign(rel, expiry), sig):
            return None
        if expiry < self.clock().timestamp():
            return None
        root = self.files_dir.resolve()
        full = (root / rel).resolve()
        if not full.is_relative_to(root) or not full.is_file():
            return None
        return full

    def mount(self, web_app: web.Application) -> None:
        """Add the route once, however many channels share the links."""
        if LINKS_KEY in web_app:
            return
        web_app[LINKS_KEY] = self
        web_app.router.add_get(ROUTE, self.serve)

    async def serve(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        full = self.resolve(request.match_info["name"], q.get("e", ""), q.get("s", ""))
        if full is None:
            return web.Response(status=403, text="This link has expired or is not valid.")
        ctype = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
        return web.FileResponse(full, headers={"Content-Type": ctype})


def link_key(secret: str | None) -> bytes:
    """A key derived from WEBHOOK_SECRET, so links survive restarts and work on every worker."""
    if not secret:
        log.warning("WEBHOOK_SECRET is not set: file links stop working when the bot restarts")
        return secrets.token_bytes(32)
    return hmac.new(secret.encode(), b"cdsbot file links", hashlib.sha256).digest()


def file_links(settings, files_dir: Path) -> FileLinks | None:
    """Links when PUBLIC_BASE_URL is set; None means images and files go out as text."""
    if not settings.public_base_url:
        return None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    return FileLinks(
        settings.public_base_url, link_key(secret), files_dir, hours=settings.file_link_hours
    )
