"""The smallest real PTB bot: the baseline that benchmarks and crash tests compare against.

Run against a standalone fake server with
``python -m tests.fakebot.echo --base-url http://127.0.0.1:PORT/bot --token TOKEN``.
"""

from __future__ import annotations

import argparse
from typing import Protocol

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from .server import DEFAULT_TOKEN


class _ApiAddress(Protocol):
    token: str

    @property
    def base_url(self) -> str: ...


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(chat_id=message.chat_id, text=message.text)


def build_echo_app(api: _ApiAddress, *, concurrent_updates: bool | int = False) -> Application:
    """An Application wired to ``api`` (a FakeBotApi or FakeBotClient) that echoes text."""
    app = (
        Application.builder()
        .token(api.token)
        .base_url(api.base_url)
        .concurrent_updates(concurrent_updates)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app


class _Address:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token


def main(argv: list[str] | None = None) -> None:
    """Run the echo bot with long polling until SIGINT/SIGTERM (or kill -9)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    args = parser.parse_args(argv)
    app = build_echo_app(_Address(args.base_url, args.token))
    app.run_polling(poll_interval=0, timeout=1)


if __name__ == "__main__":
    main()
