"""Webhook mode: the same Application behind PTB's webhook server, secret token checked."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx

from bot.content import load_content
from bot.safety import load_crisis_directory
from bot.settings import Settings
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.run import serve
from tests.fakebot import FakeBotApi, updates

SECRET = "webhook-secret-for-tests"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_answers_telegram_and_refuses_a_wrong_secret(api: FakeBotApi,
                                                                  db_path: Path) -> None:
    port = free_port()
    settings = Settings(_env_file=None, token=api.token, api_base_url=api.base_url,
                        webhook_url="https://bot.example.invalid/hook", webhook_secret=SECRET,
                        webhook_listen="127.0.0.1", webhook_port=port)
    store = await Store.open(db_path)
    app = build_application(token=api.token, base_url=api.base_url, content=load_content(),
                            store=store, directory=load_crisis_directory(), rate_limit=False,
                            scan_seconds=3600)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, stop, settings))
    try:
        registered = await api.wait_for("setWebhook", timeout=10)
        assert registered.params["url"] == "https://bot.example.invalid/hook"
        assert registered.params["secret_token"] == SECRET
        url = f"http://127.0.0.1:{port}/hook"
        async with httpx.AsyncClient() as client:
            for _ in range(50):  # the server starts a moment after setWebhook
                try:
                    wrong = await client.post(url, json=updates.command(31, "/start"),
                                              headers={HEADER: "guess"})
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert wrong.status_code == 403
            right = await client.post(url, json=updates.command(32, "/start"),
                                      headers={HEADER: SECRET})
            assert right.status_code == 200
        reply = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 32)
        assert "no contact" in reply.params["text"]
        assert not [c for c in api.calls_of("sendMessage") if c.params["chat_id"] == 31]
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await store.close()
