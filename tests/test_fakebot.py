"""The fake Bot API must fool a real python-telegram-bot Application, or e2e tests prove nothing."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, filters
from telegram.request import HTTPXRequest

from tests.fakebot import FakeBotApi, FakeBotClient, updates
from tests.fakebot.echo import build_echo_app

USER = 4242
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as client:
        yield client


async def _run(app: Application) -> None:
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)


async def _stop(app: Application) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()


async def test_echo_bot_answers_a_pushed_message(api: FakeBotApi) -> None:
    app = build_echo_app(api)
    async with app:
        await _run(app)
        api.push_update(updates.text(USER, "hello there"))
        call = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == USER)
        await _stop(app)
    assert call.params["text"] == "hello there"
    assert call.result["message_id"] == 1
    assert api.sent_texts(USER) == ["hello there"]
    assert [c.method for c in api.calls[:2]] == ["getMe", "deleteWebhook"]
    assert api.pending_updates == []  # the shutdown poll confirmed the offset


async def test_button_press_reaches_handler_and_edit_changes_the_message(api: FakeBotApi) -> None:
    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await query.edit_message_text(f"chose {query.data}; was {query.message.text}")

    app = Application.builder().token(api.token).base_url(api.base_url).build()
    app.add_handler(CallbackQueryHandler(on_button))
    async with app:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Safe", callback_data="u:safe")]])
        sent = await app.bot.send_message(USER, "Are you safe?", reply_markup=keyboard)
        assert sent.reply_markup == keyboard
        await _run(app)
        api.push_update(updates.callback(USER, "u:safe", sent.message_id))
        await api.wait_for("editMessageText")
        await _stop(app)
    assert api.calls_of("answerCallbackQuery")[0].status == 200
    assert api.calls_of("sendMessage")[0].params["reply_markup"] == keyboard.to_dict()
    shown = api.chat_messages(USER)[-1]
    assert shown["text"] == "chose u:safe; was Are you safe?"
    assert "reply_markup" not in shown  # an edit without a keyboard removes it, as in Telegram


async def test_429_raises_retry_after(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hi")
    assert "7" in str(caught.value)  # not .retry_after: its type is mid-deprecation in PTB 22
    await bot.send_message(USER, "hi")  # only the next call failed
    assert [c.status for c in api.calls_of("sendMessage")] == [429, 200]
    assert api.sent_texts() == ["hi"]


async def test_403_and_blocking_raise_forbidden(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=403, chat_id=USER)
    await bot.send_message(USER + 1, "other chat is unaffected")
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(USER, "hi")
    api.push_update(updates.my_chat_member_blocked(USER))
    with pytest.raises(Forbidden):
        await bot.send_message(USER, "still blocked")


async def test_edit_and_delete_errors_match_telegram(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=99)
    msg = await bot.send_message(USER, "<b>same</b>", parse_mode="HTML")
    assert msg.text == "same"
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>same</b>", chat_id=USER, message_id=msg.message_id, parse_mode="HTML"
        )
    edited = await bot.edit_message_text("new", chat_id=USER, message_id=msg.message_id)
    assert isinstance(edited, type(msg)) and edited.text == "new"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    await bot.edit_message_reply_markup(USER, msg.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_reply_markup(USER, msg.message_id, reply_markup=markup)
    assert await bot.delete_message(USER, msg.message_id)
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(USER, msg.message_id)
    assert await bot.delete_messages(USER, [1, 2, 3])


async def test_unknown_method_and_bad_token_answer_like_telegram(api: FakeBotApi) -> None:
    async with httpx.AsyncClient() as client:
        resp = await client.post(f"{api.base_url}{api.token}/frobnicate")
        wrong = await client.post(f"{api.base_url}999:nope/getMe")
    assert resp.status_code == 404
    assert resp.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    assert wrong.status_code == 401


async def test_uploads_and_settings_round_trip(api: FakeBotApi, bot: Bot) -> None:
    photo = await bot.send_photo(USER, photo=b"\x89PNG fake", caption="look")
    assert photo.photo[-1].file_size == 9 and photo.caption == "look"
    doc = await bot.send_document(USER, document=b"abc", filename="notes.txt")
    assert doc.document is not None and doc.document.file_name == "notes.txt"
    assert api.calls_of("sendDocument")[0].files["document"].content == b"abc"
    await bot.set_my_commands([("start", "Begin"), ("urge", "I want to reply")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "urge"]
    assert await bot.set_my_description("A companion")
    assert (await bot.get_my_description()).description == "A companion"
    assert await bot.set_my_short_description("Short")
    assert await bot.send_chat_action(USER, "typing")
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.leave_chat(-100123)
    assert await bot.log_out() and await bot.close()


async def test_long_poll_returns_on_push_and_empty_after_timeout(api: FakeBotApi, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=0.3) == ()
    assert time.monotonic() - started >= 0.25

    async def push_later() -> None:
        await asyncio.sleep(0.1)
        api.push_update(updates.command(USER, "/start"))
        api.push_update(updates.sticker(USER))

    started = time.monotonic()
    pusher = asyncio.create_task(push_later())
    got = await bot.get_updates(timeout=3)
    await pusher
    assert time.monotonic() - started < 1
    assert got[0].message is not None and got[0].message.text == "/start"
    assert filters.COMMAND.check_update(got[0])
    # without an offset nothing is confirmed; limit and offset behave as in Telegram
    again = await bot.get_updates(limit=1)
    assert [u.update_id for u in again] == [got[0].update_id]
    assert [u.update_id for u in await bot.get_updates(offset=got[-1].update_id + 1)] == []


async def test_newer_poll_ends_a_parked_one_like_a_restarted_bot(api: FakeBotApi, bot: Bot) -> None:
    """A bot killed mid long-poll must not keep eating updates once its successor polls."""
    parked = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.1)
    async with Bot(api.token, base_url=api.base_url) as successor:
        assert await successor.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="(?i)terminated by other getUpdates"):
        await parked


async def test_allowed_updates_filters_types(api: FakeBotApi, bot: Bot) -> None:
    api.push_update(updates.text(USER, "a"))
    api.push_update(updates.callback(USER, "x", 5))
    got = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in got] == [True]


async def test_drop_and_timeout_surface_as_network_errors(api: FakeBotApi) -> None:
    request = HTTPXRequest(read_timeout=0.2, connect_timeout=1)
    async with Bot(api.token, base_url=api.base_url, request=request) as bot:
        api.drop_next("sendMessage", processed=True)
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "lost answer")
        assert api.sent_texts() == ["lost answer"]  # sent, though the bot never heard
        api.timeout_next("sendMessage", seconds=0.5)
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "slow")
        api.delay("getMe", 0.05)
        started = time.monotonic()
        await bot.get_me()
        assert time.monotonic() - started >= 0.05
    assert api.sent_texts() == ["lost answer"]


async def test_every_update_builder_parses_in_ptb(bot: Bot) -> None:
    built = [
        updates.text(USER, "hi"),
        updates.text(USER, "hi", chat_id=-5, chat_type="group"),
        updates.command(USER, "/start payload"),
        updates.callback(USER, "d", 3),
        updates.photo(USER, caption="c"),
        updates.sticker(USER),
        updates.voice(USER),
        updates.document(USER),
        updates.location(USER),
        updates.edited_text(USER, 7, "changed"),
        updates.forwarded_text(USER, "fwd"),
        updates.group_text(USER, -77, "in group"),
        updates.my_chat_member_blocked(USER),
    ]
    parsed = [Update.de_json(u, bot) for u in built]
    assert all(p is not None and p.effective_user is not None for p in parsed)
    assert all(p.effective_user.first_name == "Test" for p in parsed if not p.my_chat_member)
    command = parsed[2]
    assert command.message is not None and command.message.parse_entities() == {
        command.message.entities[0]: "/start"
    }
    assert filters.PHOTO.check_update(parsed[4]) and filters.FORWARDED.check_update(parsed[10])
    assert parsed[12].my_chat_member is not None
    assert parsed[12].my_chat_member.new_chat_member.status == "kicked"


def test_threaded_server_with_control_client() -> None:
    with FakeBotApi() as api:
        client = FakeBotClient(api.url)
        assert client.wait_ready()["base_url"] == api.base_url
        stored = client.push_update(updates.text(USER, "over http"))
        assert api.pending_updates[0]["update_id"] == stored["update_id"]
        client.fail_next("getMe", status=500)
        with httpx.Client() as http:
            assert http.post(f"{api.base_url}{api.token}/getMe").status_code == 500
            sent = http.post(
                f"{api.base_url}{api.token}/sendMessage",
                data={"chat_id": USER, "text": "123"},
            ).json()
        assert sent["result"]["text"] == "123"  # free text is never JSON-decoded
        assert client.wait_for("sendMessage", timeout=1)["params"]["chat_id"] == USER
        assert client.sent_texts(USER) == ["123"]
        assert [m["text"] for m in client.messages(USER)] == ["over http", "123"]
        assert api.wait_for_sync("getMe").status == 500


async def test_standalone_process_serves_a_bot() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakebot",
        "--port",
        "0",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(await asyncio.wait_for(proc.stdout.readline(), 10))
        assert info["base_url"].startswith("http://127.0.0.1:")
        client = FakeBotClient(info["url"], info["token"])
        app = build_echo_app(client)
        async with app:
            await _run(app)
            await asyncio.to_thread(client.push_update, updates.text(USER, "via process"))
            await asyncio.to_thread(client.wait_for, "sendMessage", 3.0)
            await _stop(app)
        assert client.sent_texts(USER) == ["via process"]
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 5)
