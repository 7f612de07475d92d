"""Property-based: random streams of updates from two people, with restarts in between.

Hypothesis draws commands, taps on the current and on stale buttons, forged callback data,
free text (with risk words, dates, countries, emoji, control characters), media, edits,
group messages, time passing (timers fire) and bot restarts, in any order. After every stream:

- no handler raised (a recording error handler sees every exception PTB catches);
- every private message got an answer in that chat;
- each person's stored place exists in the content (or is a built-in screen), and a pending
  timer in their state has its due row;
- nothing anyone typed is in the database file or its WAL; the file is intact.

The real handlers run (`Application.process_update`) against the fake Bot API, so it is the
bot people use, minus the polling loop (to keep 30 examples inside a few seconds each).
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.content import load_content
from bot.engine.state import CRISIS_FLOW, PASTE_FLOW
from bot.safety import load_crisis_directory
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.conversation import STALE_WINDOW
from tests.fakebot import FakeBotApi, updates
from tests.harness import Clock

CONTENT = load_content()
DIRECTORY = load_crisis_directory()
PEOPLE = (31001, 31002)
ANSWERING = ("sendMessage", "editMessageText", "sendDocument")

commands = st.sampled_from(["/start", "/help", "/urge", "/crisis", "/menu", "/checkins",
                            "/settings", "/mydata", "/delete", "/wipe", "/frobnicate",
                            "/start@SomeBot", "/URGE extra words"])
typed = st.one_of(
    st.text(min_size=1, max_size=300),
    st.sampled_from(["I want to die", "he said he misses me", "2026-05-01", "germany", "NZ",
                     "08:30", "7", "ok", "\u200b", "🙂" * 50, "a\x00b", " ", "\n\n"]),
)
actions = st.one_of(
    st.tuples(st.just("command"), commands),
    st.tuples(st.just("tap"), st.integers(0, 50)),
    st.tuples(st.just("stale"), st.integers(0, 1000)),
    st.tuples(st.just("forged"), st.text(max_size=64)),
    st.tuples(st.just("text"), typed),
    st.tuples(st.just("media"), st.sampled_from(["sticker", "photo", "voice", "document",
                                                 "location"])),
    st.tuples(st.just("edit"), typed),
    st.tuples(st.just("group"), typed),
    st.tuples(st.just("time"), st.sampled_from([6, 30, 180, 60 * 24])),
    st.tuples(st.just("restart"), st.none()),
)
streams = st.lists(st.tuples(st.sampled_from(PEOPLE), actions), min_size=1, max_size=30)


class Bot:
    """The real Application on one database, restartable, errors recorded."""

    def __init__(self, api: FakeBotApi, db_path: Path, clock: Clock) -> None:
        self.api, self.db_path, self.clock = api, db_path, clock
        self.errors: list[BaseException] = []
        self.app: Any = None
        self.store: Store | None = None

    async def start(self) -> None:
        self.store = await Store.open(self.db_path)
        self.app = build_application(token=self.api.token, base_url=self.api.base_url,
                                     content=CONTENT, store=self.store, directory=DIRECTORY,
                                     clock=self.clock, rate_limit=False, scan_seconds=3600)

        async def record(update: object, context: Any) -> None:
            self.errors.append(context.error)

        self.app.add_error_handler(record)
        await self.app.initialize()

    async def stop(self) -> None:
        await self.app.shutdown()
        assert self.store is not None
        await self.store.close()

    async def feed(self, update: dict[str, Any]) -> None:
        stored = self.api.push_update(update)  # the fake fills in tapped messages, as Telegram
        await self.app.process_update(Update.de_json(stored, self.app.bot))


def newest_buttons(api: FakeBotApi, user_id: int) -> list[tuple[int, str]]:
    for message in reversed(api.chat_messages(user_id)):
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        found = [(message["message_id"], b["callback_data"]) for row in rows for b in row
                 if b.get("callback_data")]
        if found:
            return found
    return []


def all_buttons(api: FakeBotApi, user_id: int) -> list[tuple[int, str]]:
    return [(m["message_id"], b["callback_data"]) for m in api.chat_messages(user_id)
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
            if b.get("callback_data")]


async def play(stream: list[tuple[int, tuple[str, Any]]]) -> None:
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "data" / "bot.db"
        async with FakeBotApi() as api:
            bot = Bot(api, db_path, clock)
            await bot.start()
            typed_texts: list[str] = []
            try:
                for step, (user_id, (kind, arg)) in enumerate(stream):
                    since = len(api.calls)
                    private = await act(bot, api, user_id, kind, arg, step, typed_texts)
                    assert not bot.errors, f"step {step} {kind}: {bot.errors!r}"
                    if private:
                        answers = [c for c in api.calls[since:] if c.method in ANSWERING
                                   and str(c.params.get("chat_id")) == str(user_id)]
                        assert answers, f"step {step}: {kind} {arg!r} got no answer"
            finally:
                await bot.stop()
            check_database(db_path, typed_texts)


async def act(bot: Bot, api: FakeBotApi, user_id: int, kind: str, arg: Any, step: int,
              typed_texts: list[str]) -> bool:
    """Do one thing; returns True when it was a private message that deserves an answer."""
    if kind == "command":
        await bot.feed(updates.command(user_id, arg))
    elif kind in ("tap", "stale", "forged"):
        # A few seconds between taps: repeat stale taps within STALE_WINDOW are collapsed on
        # purpose (tests/test_crisis_path.py); here every tap must get its own answer.
        bot.clock.now += timedelta(seconds=STALE_WINDOW)
        if kind == "forged":
            choices = [(1, arg or "x")]
        else:
            choices = newest_buttons(api, user_id) if kind == "tap" else all_buttons(api, user_id)
        if not choices:
            return False
        message_id, data = choices[arg % len(choices)] if kind != "forged" else choices[0]
        await bot.feed(updates.callback(user_id, data, message_id))
    elif kind in ("text", "edit", "group"):
        marked = f"{arg} Zq{step}x{user_id}Marker"  # searched for in the database later
        typed_texts.append(marked)
        if kind == "text":
            await bot.feed(updates.text(user_id, marked))
        elif kind == "edit":
            await bot.feed(updates.edited_text(user_id, 10_000 + step, marked))
        else:
            await bot.feed(updates.group_text(user_id, -100_500, marked))
            return False
    elif kind == "media":
        await bot.feed(getattr(updates, arg)(user_id))
    elif kind == "time":
        bot.clock.now += timedelta(minutes=arg)
        await bot.app.bot_data["dispatcher"].run_once()
        return False
    elif kind == "restart":
        await bot.stop()
        await bot.start()
        return False
    return True


def check_database(db_path: Path, typed_texts: list[str]) -> None:
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.row_factory = sqlite3.Row
        for user in db.execute("SELECT * FROM users"):
            assert valid_place(user["flow"], user["node"]), dict(user)
            if user["resume_flow"]:
                assert valid_place(user["resume_flow"], user["resume_node"]), dict(user)
            if user["timer"]:
                due = db.execute("SELECT 1 FROM due WHERE user_id = ? AND kind = 'timer' "
                                 "AND ref = ? AND sent_at IS NULL",
                                 (user["user_id"], user["timer"])).fetchall()
                assert due, f"timer {user['timer']} has no pending row"
    stored = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.is_file())
    for text in typed_texts:
        marker = text.rsplit(" ", 1)[-1].encode()
        assert marker not in stored, "typed text reached the database"


def valid_place(flow: str | None, node: str | None) -> bool:
    if flow is None:
        return node is None
    if flow == CRISIS_FLOW:
        return node in ("card", "pick", "whose", "check")  # card, country, whose words, check
    if flow == PASTE_FLOW:
        return node == "guess"
    return CONTENT.node(flow, node or "") is not None


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=False)
@given(streams)
def test_random_update_streams_never_crash_always_answer_and_store_no_text(
        stream: list[tuple[int, tuple[str, Any]]]) -> None:
    asyncio.run(play(stream))
