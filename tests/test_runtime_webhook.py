"""Webhook mode, hardened: the secret before the body, a size cap, deadlines, forged taps refused.

The real `python -m bot run` serves a webhook on 127.0.0.1 (Telegram would reach it through a
TLS proxy); the fake Bot API takes its replies. Requests are written by hand on raw sockets
where the point is what the server does before a body arrives.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakebot import FakeBotApi, updates
from tests.runtime_proc import BotProcess
from tests.test_webhook import free_port

SECRET = "the-right-webhook-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
DANA, EMIL = 6301, 6302


class Hook:
    def __init__(self, api: FakeBotApi, bot: BotProcess, port: int, db: Path) -> None:
        self.api, self.bot, self.port, self.db = api, bot, port, db
        self.url = f"http://127.0.0.1:{port}/hook"

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {HEADER: secret} if secret is not None else {}
        return httpx.post(self.url, json=update, headers=headers, timeout=10).status_code

    def raw(self, head: str, body: bytes = b"", wait: float = 5.0) -> tuple[bytes, float]:
        """Send `head` (and `body`), then read until the server answers or closes."""
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.port), timeout=wait) as sock:
            sock.sendall(head.encode() + body)
            received = b""
            try:
                while chunk := sock.recv(65536):
                    received += chunk
                    if b"\r\n\r\n" in received:
                        break
            except TimeoutError:
                pass
            return received, time.monotonic() - started

    def users(self) -> list[int]:
        with sqlite3.connect(self.db) as db:
            return [row[0] for row in db.execute("SELECT user_id FROM users")]


@pytest.fixture(scope="module")
def hook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hook]:
    workdir = tmp_path_factory.mktemp("webhook")
    port = free_port()
    with FakeBotApi() as api:
        bot = BotProcess(workdir, BOT_TOKEN=api.token, BOT_API_BASE_URL=api.base_url,
                         BOT_WEBHOOK_URL="https://bot.example.invalid/hook",
                         BOT_WEBHOOK_SECRET=SECRET, BOT_WEBHOOK_LISTEN="127.0.0.1",
                         BOT_WEBHOOK_PORT=str(port)).start()
        try:
            api.wait_for_sync("setWebhook", timeout=30)
            running = Hook(api, bot, port, workdir / "data" / "bot.db")
            for _ in range(100):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield running
        finally:
            code = bot.stop()
        log = bot.log()
        assert code == 0, log[-2000:]
        assert "Traceback" not in log
        assert SECRET not in log


def quiet(api: FakeBotApi, seconds: float = 1.0) -> int:
    """Wait until the bot has made no call for `seconds`; the number of calls so far."""
    count, since = -1, time.monotonic()
    while time.monotonic() - since < seconds:
        if len(api.calls) != count:
            count, since = len(api.calls), time.monotonic()
        time.sleep(0.05)
    return count


def request_head(length: int | None, secret: str | None, chunked: bool = False) -> str:
    lines = ["POST /hook HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    if secret is not None:
        lines.append(f"{HEADER}: {secret}")
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    return "\r\n".join(lines) + "\r\n\r\n"


def status_of(response: bytes) -> int | None:
    parts = response.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def test_the_secret_is_checked_before_any_body_byte_is_read(hook: Hook) -> None:
    for secret in (None, "a-wrong-guess"):
        answer, took = hook.raw(request_head(500_000, secret))  # the body never comes
        assert status_of(answer) == 403, answer
        assert took < 3


def test_a_body_over_one_mebibyte_is_refused_without_reading_it(hook: Hook) -> None:
    answer, took = hook.raw(request_head(2 * 1024 * 1024, SECRET))
    assert status_of(answer) == 413, answer
    assert took < 3
    # A chunked body announces no length; the server stops it once it passes the cap.
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20))
    answer, _ = hook.raw(request_head(None, SECRET, chunked=True), body)
    # Refused (tornado's own cap answers 400) or the connection cut.
    assert status_of(answer) in (400, 413, None), answer


def test_stalled_headers_and_bodies_are_timed_out(hook: Hook) -> None:
    with socket.create_connection(("127.0.0.1", hook.port)) as slow_head, \
            socket.create_connection(("127.0.0.1", hook.port)) as slow_body:
        slow_head.sendall(b"POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finishes
        slow_body.sendall(request_head(100, SECRET).encode() + b'{"update_id": ')
        started = time.monotonic()
        for sock in (slow_head, slow_body):
            sock.settimeout(30)
            assert sock.recv(65536) == b""  # closed by the server
        assert time.monotonic() - started < 25


def test_a_forged_delete_tap_without_the_secret_erases_nothing(hook: Hook) -> None:
    assert hook.post(updates.command(DANA, "/start")) == 200
    hook.api.wait_for_sync("sendMessage", lambda c: c.params.get("chat_id") == DANA)
    since = quiet(hook.api)
    assert DANA in hook.users()
    forged = updates.callback(DANA, "!delete:yes", message_id=1)
    assert hook.post(forged, secret=None) == 403
    assert hook.post(forged, secret="guess") == 403
    time.sleep(1)
    assert DANA in hook.users()
    assert not [c for c in hook.api.calls[since:] if c.params.get("chat_id") == DANA]


def test_a_delivery_telegram_repeats_is_handled_once(hook: Hook) -> None:
    since = len(hook.api.calls)
    update = updates.command(EMIL, "/crisis")
    assert hook.post(update) == 200
    assert hook.post(update) == 200  # same update_id: Telegram retrying a delivery
    hook.api.wait_for_sync("sendMessage", lambda c: c.params.get("chat_id") == EMIL,
                           since=since)
    time.sleep(1.5)
    cards = [c for c in hook.api.calls_of("sendMessage")[0:]
             if c.params.get("chat_id") == EMIL and "findahelpline.com" in c.params["text"]]
    assert len(cards) == 1
    assert f"update {update['update_id']} arrived again" in hook.bot.log()


def test_a_body_that_is_not_json_is_refused_and_the_bot_goes_on(hook: Hook) -> None:
    answer = httpx.post(hook.url, content=b"{not json", headers={HEADER: SECRET}, timeout=10)
    assert answer.status_code == 400
    assert hook.post(json.loads(json.dumps(updates.command(DANA, "/help")))) == 200


def business_message(user_id: int, text: str) -> dict[str, Any]:
    """A message in a business chat the bot would manage for a Telegram Business account."""
    update = updates.text(user_id, text)
    update["business_message"] = {**update.pop("message"), "business_connection_id": "bc-1"}
    return update


def test_business_messages_never_reach_flows(hook: Hook) -> None:
    fenna = 6303
    since = quiet(hook.api)
    assert hook.post(business_message(fenna, "/start")) == 200
    assert hook.post(business_message(fenna, "I want to kill myself")) == 200
    time.sleep(1.5)
    assert not [c for c in hook.api.calls[since:] if c.params.get("chat_id") == fenna]
    assert fenna not in hook.users()
    assert "business-account update: ignored" in hook.bot.log()
