"""Logging that cannot leak what people type, or the token.

Three layers, because libraries log more than we do: third-party loggers that print whole
updates, request URLs (with the token) or bound SQL parameters are held at WARNING even when
BOT_LOG_LEVEL=DEBUG; a filter drops their lower records anyway, in case a library changes its
levels; and the formatter scrubs anything token-shaped from the final line, tracebacks included.
Our own log lines carry ids, enums and error classes only.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

#: Loggers that can carry message text, the token, or SQL parameters below WARNING.
NOISY = ("httpx", "httpcore", "telegram", "aiosqlite", "apscheduler", "hpack", "asyncio")
_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class PrivacyFilter(logging.Filter):
    """Drop chatty third-party records below WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(record.name == n or record.name.startswith(n + ".") for n in NOISY)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes the token and anything shaped like a bot token."""

    def __init__(self, secrets: Iterable[str] = (), fmt: str | None = None) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return _TOKEN.sub("[redacted-token]", text)


def setup_logging(level: str = "INFO", secrets: Iterable[str] = (),
                  stream: object = None) -> logging.Handler:
    """Install one redacting handler on the root logger; returns it (tests add their own)."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    protect(handler, secrets)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def protect(handler: logging.Handler, secrets: Iterable[str] = ()) -> None:
    """Give any handler the filter and formatter, and hold the noisy loggers at WARNING."""
    handler.addFilter(PrivacyFilter())
    handler.setFormatter(RedactingFormatter(secrets))
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
