"""Logging that cannot leak what people type, or the token.

Libraries log whatever they hold: python-telegram-bot dumps a whole raw batch of updates at
CRITICAL when one fails to parse, tornado logs the request (headers included) with a
traceback, httpx logs URLs that carry the token. So a library record is never trusted at any
level: only its message *template* is kept, and only when that text is written literally in
the library's source at the logging call (an f-string's result is not, so it is withheld);
its arguments are dropped, and an exception is reduced to its class name. Our own records (loggers
under `bot`) carry ids, enums and error classes only, so they pass as written. Library loggers
are still held at WARNING for volume, and the formatter removes anything token-shaped from the
final line as a last layer.
"""

from __future__ import annotations

import linecache
import logging
import re
import sys
from collections.abc import Iterable

#: Loggers held at WARNING even when BOT_LOG_LEVEL=DEBUG (volume; privacy does not rest on it).
NOISY = ("httpx", "httpcore", "telegram", "aiosqlite", "apscheduler", "hpack", "asyncio",
         "tornado")
#: Our own loggers: their records are written by us, with ids and enums only.
OURS = ("bot", "__main__")
_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_MAX_TEMPLATE = 200


def is_ours(name: str) -> bool:
    return any(name == n or name.startswith(n + ".") for n in OURS)


class PrivacyFilter(logging.Filter):
    """Reduce every library record to its template and exception class, at every level."""

    def filter(self, record: logging.LogRecord) -> bool:
        if is_ours(record.name) or getattr(record, "_scrubbed", False):
            return True
        template = _literal_template(record)
        if record.exc_info and record.exc_info[1] is not None:
            template += f" [{type(record.exc_info[1]).__name__}]"
        # With no arguments left, logging prints the template as it is (no %-formatting).
        record.msg = template + " (details withheld)"
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record._scrubbed = True  # another handler with this filter must not wrap it twice
        return True


def _literal_template(record: logging.LogRecord) -> str:
    """The record's message template if the library's source spells it out, else a stub."""
    if not isinstance(record.msg, str) or not record.msg.strip():
        return "(library message withheld)"
    first = record.msg.strip().splitlines()[0][:_MAX_TEMPLATE]
    probe = first[:40]
    lines = [linecache.getline(record.pathname, n)
             for n in range(max(record.lineno - 6, 1), record.lineno + 7)]
    if any(probe in line for line in lines):
        return first
    return "(library message withheld)"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes the token and anything shaped like a bot token."""

    def __init__(self, secrets: Iterable[str] = (), fmt: str | None = None) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record), self.secrets)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove the given secrets and anything shaped like a bot token (also for stderr lines)."""
    for secret in secrets:
        if secret:
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
    logging.captureWarnings(True)  # warnings go through the same filter, not raw to stderr
    return handler


def protect(handler: logging.Handler, secrets: Iterable[str] = ()) -> None:
    """Give any handler the filter and formatter, and hold the noisy loggers at WARNING."""
    handler.addFilter(PrivacyFilter())
    handler.setFormatter(RedactingFormatter(secrets))
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
