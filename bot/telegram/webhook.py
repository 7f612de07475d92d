"""The webhook server: a small tornado app of our own in front of `Intake`.

Why not python-telegram-bot's `Updater.start_webhook`: its tornado server reads the whole
body (up to tornado's 100 MB default) before it looks at the secret header, never times out a
stalled body, and parses the update whole. Ours checks the secret as soon as the headers are
in (`stream_request_body` makes `prepare` run before any body byte is read), refuses bodies
over `MAX_BODY` (Telegram's updates are a few KiB), gives headers and body a deadline, and
hands the JSON to the same `Intake` as polling (one update at a time, each id once). Tornado is
already installed with PTB's webhooks extra, so this adds no dependency. `/healthz` answers
"ok" for a load balancer.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApp
from tornado.web import RequestHandler, stream_request_body

from bot.telegram.intake import Intake

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # 1 MiB
#: Seconds allowed for the headers (also how long an idle keep-alive connection stays open)
#: and for the body once the headers are in.
HEADER_SECONDS = 10.0
BODY_SECONDS = 10.0


@stream_request_body
class _Hook(RequestHandler):
    """POST an update: 403 before the body without the secret, 413 when too big, else 200."""

    def initialize(self, intake: Intake, secret: str) -> None:  # tornado's per-request set-up
        self.intake = intake
        self.secret = secret.encode()
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        if self.request.method != "POST":
            self._refuse(405)
            return
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            self._refuse(403)
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            self._refuse(413)

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        self.size += len(chunk)
        if self.size > MAX_BODY:  # chunked bodies announce no length
            self._refuse(413)
            return
        self.chunks.append(chunk)

    async def post(self) -> None:
        if self._finished:
            return
        try:
            raw: Any = json.loads(b"".join(self.chunks))
        except ValueError:
            log.warning("webhook: a body that is not JSON was refused")
            self._refuse(400)
            return
        self.chunks = []
        await self.intake.feed(raw)
        self.finish()

    def _refuse(self, status: int) -> None:
        # Closing keeps a refused sender from streaming the rest of its body at us.
        self.set_status(status)
        self.set_header("Connection", "close")
        self.finish()

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # Tornado's default prints the request (headers, secret included) with a traceback.
        log.error("webhook handler error: %s", getattr(typ, "__name__", "error"))


class _Health(RequestHandler):
    def get(self) -> None:
        self.finish("ok")


class WebhookServer:
    """Serve `path` (and `/healthz`) on `listen:port` until `stop()`."""

    def __init__(self, intake: Intake, *, path: str, secret: str, listen: str,
                 port: int) -> None:
        if not secret:  # an empty secret would match a request that sends none
            raise ValueError("the webhook needs a secret")
        self.intake = intake
        self.path = "/" + path.lstrip("/")
        self.secret = secret
        self.listen = listen
        self.port = port
        self._server: HTTPServer | None = None

    async def start(self) -> None:
        hook = {"intake": self.intake, "secret": self.secret}
        app = TornadoApp([(re.escape(self.path), _Hook, hook), (r"/healthz", _Health)],
                         log_function=_quiet)
        self._server = HTTPServer(app, max_body_size=MAX_BODY, body_timeout=BODY_SECONDS,
                                  idle_connection_timeout=HEADER_SECONDS,
                                  max_header_size=16 * 1024, xheaders=False)
        self._server.listen(self.port, address=self.listen)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


def _quiet(handler: RequestHandler) -> None:
    """Access log: the status only (no path, address or header)."""
    status = handler.get_status()
    if status >= 400:
        log.info("webhook request refused with %d", status)
