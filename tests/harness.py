"""Drive the real bot (`build_application` + `serve`) against the fake Bot API on loopback.

Tests talk like a person: send text, tap the button with a given label, read what came back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.content import Content, load_content
from bot.safety import load_crisis_directory
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.run import serve
from tests.fakebot import FakeBotApi, updates

QUIET = 0.15  # seconds without a new Bot API call that count as "the bot has answered"
#: After the bot reports an update handled: a short grace for anything it sends after that.
GRACE = 0.05
#: A handler group after every real one, so it runs once an update is fully handled.
LAST_GROUP = 1_000_000


@dataclass
class Clock:
    """A settable clock, so timers and check-ins can be tested without waiting."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 21, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class RunningBot:
    api: FakeBotApi
    store: Store
    db_path: Path
    content: Content
    clock: Clock
    app: Any = None
    _stop: asyncio.Event | None = None
    _task: asyncio.Task[None] | None = None
    #: update_id -> set once the application has run every handler group for it.
    _handled: dict[int, asyncio.Event] = field(default_factory=dict)

    @classmethod
    async def start(cls, api: FakeBotApi, db_path: Path, clock: Clock | None = None,
                    content: Content | None = None, rate_limit: bool = False,
                    admin_ids: tuple[int, ...] = ()) -> RunningBot:
        store = await Store.open(db_path)
        bot = cls(api=api, store=store, db_path=db_path, content=content or load_content(),
                  clock=clock or Clock())
        bot.app = build_application(token=api.token, base_url=api.base_url,
                                    content=bot.content, store=store,
                                    directory=load_crisis_directory(), clock=bot.clock,
                                    rate_limit=rate_limit, scan_seconds=3600,
                                    admin_ids=admin_ids)
        bot.app.add_handler(TypeHandler(Update, bot._mark_handled), group=LAST_GROUP)
        bot._stop = asyncio.Event()
        bot._task = asyncio.create_task(serve(bot.app, bot._stop, poll_timeout=1))
        await api.wait_for("getUpdates", timeout=10)
        return bot

    async def stop(self) -> None:
        assert self._stop and self._task
        self._stop.set()
        await asyncio.wait_for(self._task, 15)
        await self.store.close()

    async def _mark_handled(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        self._handled.setdefault(update.update_id, asyncio.Event()).set()

    # -- talking like a person ---------------------------------------------------------

    async def push(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        """Send an update and return the Bot API calls it caused.

        Waits for the bot to report the update handled (every handler has finished, so its
        replies are sent), not for a stretch of silence, which a loaded machine breaks.
        Updates the bot drops before its handlers (repeats, unreadable ones) fall back to
        waiting for quiet.
        """
        since = len(self.api.calls)
        pushed = self.api.push_update(update)
        update_id = pushed.get("update_id") if isinstance(pushed, dict) else None
        if not isinstance(update_id, int):
            update_id = update.get("update_id")
        if isinstance(update_id, int):
            done = self._handled.setdefault(update_id, asyncio.Event())
            try:
                await asyncio.wait_for(done.wait(), 5.0)
            except TimeoutError:
                return await self.settle(since)
            await asyncio.sleep(GRACE)
            return [_as_dict(c) for c in self.api.calls[since:] if c.method != "getUpdates"]
        return await self.settle(since)

    async def settle(self, since: int, within: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + within
        last_count, last_change = since, time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            calls = [c for c in self.api.calls[since:] if c.method != "getUpdates"]
            if len(calls) != last_count - since:
                last_count, last_change = since + len(calls), time.monotonic()
            elif calls and time.monotonic() - last_change > QUIET:
                return [_as_dict(c) for c in calls]
        return [_as_dict(c) for c in self.api.calls[since:] if c.method != "getUpdates"]

    async def say(self, user_id: int, text: str) -> list[dict[str, Any]]:
        return await self.push(updates.text(user_id, text))

    async def command(self, user_id: int, text: str) -> list[dict[str, Any]]:
        return await self.push(updates.command(user_id, text))

    async def tap(self, user_id: int, label: str | Callable[[str], bool]) -> list[dict[str, Any]]:
        """Tap the newest button whose label matches, on the newest message that has it."""
        message_id, data = self.find_button(user_id, label)
        return await self.push(updates.callback(user_id, data, message_id))

    def find_button(self, user_id: int, label: str | Callable[[str], bool]) -> tuple[int, str]:
        match = label if callable(label) else (lambda text: text == label)
        for message in reversed(self.api.chat_messages(user_id)):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if match(button["text"]):
                        return message["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label!r} for user {user_id}; last texts: "
                             f"{self.texts(user_id)[-3:]}")

    def texts(self, user_id: int) -> list[str]:
        return [m.get("text", "") for m in self.api.chat_messages(user_id)]


def _as_dict(call: Any) -> dict[str, Any]:
    return {"method": call.method, **call.params}


def sent_texts(calls: list[dict[str, Any]]) -> list[str]:
    return [c.get("text", "") for c in calls if c["method"] in ("sendMessage", "editMessageText")]
