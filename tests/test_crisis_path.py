"""The crisis card never waits and never fails: the real `python -m bot` against the fake Bot
API, with the database overwritten, the zone data missing, Telegram failing, and another
person's 429 or hanging call in the way.

Each fault is made the way it happens: the database file is overwritten on disk under the
running bot; a person's stored zone is one the host cannot load (an old tz database), or the
process runs with no tz data at all (`PYTHONTZPATH` pointing at an empty folder, and no
`tzdata` package); the fake Bot API answers 502, 429 with `retry_after`, or holds a call.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.telegram.handlers import DATABASE_SORRY
from tests.fakebot import FakeBotApi, updates
from tests.test_reliability_crash import BotProcess

ANA, BEN = 8181, 8282
SORRY_WORDS = ("Sorry, I couldn't save", "Sorry, something went wrong")
RISK = "i want to kill myself"


@pytest.fixture
async def proc(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[BotProcess]:
    bot = BotProcess(api, tmp_path)
    yield bot
    if bot.proc is not None and bot.proc.poll() is None:
        bot.kill()
    assert "Traceback" not in bot.logs()
    assert "kill" not in bot.logs()


async def texts_after(api: FakeBotApi, since: int, chat: int, settle: float = 1.5,
                      within: float = 15.0) -> list[str]:
    """Every message delivered to `chat` after call `since`, once `settle` s pass quietly."""
    deadline = time.monotonic() + within
    seen, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        texts = [c.params.get("text", "") for c in api.calls[since:]
                 if c.method == "sendMessage" and c.status == 200
                 and c.params.get("chat_id") == chat]
        if len(texts) != seen:
            seen, quiet_since = len(texts), time.monotonic()
        elif time.monotonic() - quiet_since >= settle:
            return texts
        await asyncio.sleep(0.05)
    return texts


def is_card(text: str) -> bool:
    return "findahelpline.com" in text


def no_apology(texts: list[str]) -> bool:
    return not any(text.startswith(SORRY_WORDS) for text in texts)


async def test_with_the_database_overwritten_risk_words_and_crisis_still_show_numbers(
        proc: BotProcess, api: FakeBotApi) -> None:
    await proc.start()
    await proc.push(updates.command(ANA, "/urge"))
    overwrite(proc.db)
    for update in (updates.text(ANA, RISK), updates.command(ANA, "/crisis")):
        since = len(api.calls)
        api.push_update(update)
        texts = await texts_after(api, since, ANA)
        assert texts and is_card(texts[0]), texts
        assert no_apology(texts), texts  # the card instead of the apology, never after it
    assert "SQLITE_NOTADB" in proc.logs() or "DatabaseError" in proc.logs()


def overwrite(db: Path) -> None:
    """Something else writes over the database (and its WAL and shared memory) on disk."""
    for suffix in ("", "-wal", "-shm"):
        target = Path(f"{db}{suffix}")
        if target.exists():
            target.write_bytes(b"this is not a database any more\n" * 4096)


async def test_a_stored_zone_the_host_cannot_load_does_not_stop_the_crisis_card(
        proc: BotProcess, api: FakeBotApi) -> None:
    await proc.start()
    await proc.push(updates.command(ANA, "/urge"))
    with sqlite3.connect(proc.db) as db:  # a zone from a newer tz database than the host's
        db.execute("UPDATE users SET tz = 'Nowhere/Atlantis' WHERE user_id = ?", (ANA,))
    for update in (updates.text(ANA, RISK), updates.command(ANA, "/crisis")):
        since = len(api.calls)
        api.push_update(update)
        texts = await texts_after(api, since, ANA)
        assert texts and is_card(texts[0]), texts
        assert no_apology(texts), texts


async def test_with_no_tz_data_on_the_host_crisis_still_shows_numbers(
        proc: BotProcess, api: FakeBotApi, tmp_path: Path) -> None:
    (tmp_path / "no-zones").mkdir()
    proc_env = {"PYTHONTZPATH": str(tmp_path / "no-zones")}
    await start_with(proc, proc_env)
    for update in (updates.command(ANA, "/crisis"), updates.text(BEN, RISK)):
        chat = update["message"]["chat"]["id"]
        since = len(api.calls)
        api.push_update(update)
        texts = await texts_after(api, since, chat)
        assert texts and is_card(texts[0]), texts
        assert no_apology(texts), texts


async def start_with(proc: BotProcess, extra: dict[str, str]) -> None:
    """`BotProcess.start` with more environment (here: no tz data for the process)."""
    spawn = proc._spawn

    def with_env(env: dict[str, str]) -> object:
        return spawn({**env, **extra})

    proc._spawn = with_env  # type: ignore[method-assign]
    await proc.start()


@pytest.mark.parametrize("fault", ["502", "timeout"])
async def test_crisis_lines_survive_failures_in_a_row(
        proc: BotProcess, api: FakeBotApi, fault: str) -> None:
    await proc.start()
    if fault == "502":
        api.fail_next("sendMessage", status=502, times=3, chat_id=ANA)
    else:  # two calls that hang past the client's wait
        api.timeout_next("sendMessage", seconds=6, times=2, chat_id=ANA)
    since, pushed = len(api.calls), time.monotonic()
    api.push_update(updates.text(ANA, RISK))
    first = await api.wait_for("sendMessage", lambda c: c.status == 200, timeout=20,
                               since=since)
    waited = time.monotonic() - pushed
    assert is_card(first.params["text"])
    assert waited < 12, f"the card took {waited:.1f} s"  # a few attempts within ~10 s
    assert no_apology(await texts_after(api, since, ANA))


async def test_an_ordinary_screen_is_retried_once_not_like_a_crisis_card(
        proc: BotProcess, api: FakeBotApi) -> None:
    await proc.start()
    api.fail_next("sendMessage", status=502, times=2, chat_id=ANA)
    since = len(api.calls)
    api.push_update(updates.command(ANA, "/urge"))
    await texts_after(api, since, ANA)
    attempts = [c for c in api.calls[since:] if c.method == "sendMessage"]
    assert [c.status for c in attempts[:2]] == [502, 502]
    # After one retry it gives up (the next call is the kind apology, not a third try).
    assert attempts[2].params["text"].startswith(SORRY_WORDS)


@pytest.mark.parametrize("trouble", ["429", "hanging"])
async def test_one_persons_trouble_never_delays_a_strangers_crisis_card(
        proc: BotProcess, api: FakeBotApi, trouble: str) -> None:
    await proc.start()
    if trouble == "429":
        api.fail_next("sendMessage", status=429, retry_after=20, chat_id=ANA)
    else:
        api.timeout_next("sendMessage", seconds=20, chat_id=ANA)
    since = len(api.calls)
    api.push_update(updates.command(ANA, "/urge"))
    await api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == ANA,
                       timeout=10, since=since)
    await asyncio.sleep(0.3)  # Ana's call is now held (429: her chat waits 20 s)
    pushed = time.monotonic()
    api.push_update(updates.command(BEN, "/crisis"))
    card = await api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == BEN
                              and c.status == 200, timeout=25, since=since)
    waited = time.monotonic() - pushed
    assert is_card(card.params["text"])
    assert waited < 5, f"Ben's card took {waited:.1f} s behind Ana's {trouble}"


async def test_fifty_taps_on_a_stale_button_get_one_answer(
        proc: BotProcess, api: FakeBotApi) -> None:
    await proc.start()
    await proc.push(updates.command(ANA, "/urge"))
    old_message, old_data = proc.button(ANA, lambda label: label == "I'm safe")
    await proc.tap(ANA, lambda label: label == "I'm safe")
    since = len(api.calls)
    for _ in range(50):
        api.push_update(updates.callback(ANA, old_data, old_message))
    after = since
    for _ in range(50):  # every tap is answered (the spinner stops)...
        call = await api.wait_for("answerCallbackQuery", timeout=20, since=after)
        after = api.calls.index(call) + 1
    texts = await texts_after(api, since, ANA)
    assert len([c for c in api.calls[since:] if c.method == "answerCallbackQuery"]) == 50
    assert 1 <= len(texts) <= 2, texts  # was 100 (a note and the screen for every tap)
    assert "earlier screen" in texts[0]
    assert DATABASE_SORRY not in texts


async def test_the_same_update_twice_is_handled_once(proc: BotProcess, api: FakeBotApi) -> None:
    await proc.start()
    since = len(api.calls)
    with api._lock:  # Telegram (or a webhook retry) delivers one update twice in a batch
        first = api.push_update(updates.command(ANA, "/urge"))
        api._pending.append(dict(first))
    texts = await texts_after(api, since, ANA)
    assert texts and len(texts) == len(set(texts)), texts  # the first screen once, not twice
    assert "arrived again" in proc.logs()
