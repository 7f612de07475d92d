"""Any Bot API error before the bot runs ends start-up with one line and exit code 2.

The real `python -m bot run` meets a fake Bot API that refuses one start-up call: another
instance already polling (409 at getUpdates), a bot Telegram forbids (403), a server error at
deleteWebhook, a webhook URL Telegram refuses. Webhook mode without a secret is refused before
anything is contacted. None of them may end in a traceback or hang in a retry loop.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fakebot import FakeBotApi
from tests.runtime_proc import run_once
from tests.test_webhook import free_port

SECRET = "a-webhook-secret-for-tests"


def assert_one_line(result: subprocess.CompletedProcess[str], starts: str) -> str:
    output = result.stderr + result.stdout
    assert result.returncode == 2, output[-2000:]
    assert "Traceback" not in output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, output[-2000:]
    assert errors[0].startswith(starts), errors[0]
    return errors[0]


@pytest.mark.parametrize(("method", "status", "starts", "says"), [
    ("getUpdates", 409, "error: BOT_TOKEN:", "another instance"),
    ("setMyCommands", 403, "error: BOT_TOKEN:", "403 Forbidden"),
    # A 5xx is named as the server's answer; under load httpx may instead see the connection
    # drop, which is named "cannot reach": either way the line names the call.
    ("deleteWebhook", 500, "error: B", "deleteWebhook"),
    ("setMyDescription", 400, "error: Bot API:", "setMyCommands"),
])
def test_an_api_error_at_start_up_is_one_line_and_exit_2(
        tmp_path: Path, method: str, status: int, starts: str, says: str) -> None:
    with FakeBotApi() as api:
        api.fail_next(method, status=status, times=None)
        result = run_once(tmp_path, timeout=40, BOT_TOKEN=api.token,
                          BOT_API_BASE_URL=api.base_url)
    assert says in assert_one_line(result, starts)
    assert api.token not in result.stderr + result.stdout


def test_webhook_without_a_secret_is_refused_before_anything_starts(tmp_path: Path) -> None:
    with FakeBotApi() as api:
        result = run_once(tmp_path, BOT_TOKEN=api.token, BOT_API_BASE_URL=api.base_url,
                          BOT_WEBHOOK_URL="https://bot.example.invalid/hook")
        assert api.calls == []  # refused before contacting Telegram
    assert "required" in assert_one_line(result, "error: BOT_WEBHOOK_SECRET:")


def test_a_webhook_url_telegram_refuses_is_named(tmp_path: Path) -> None:
    with FakeBotApi() as api:  # the fake, like Telegram, wants an https URL
        result = run_once(tmp_path, BOT_TOKEN=api.token, BOT_API_BASE_URL=api.base_url,
                          BOT_WEBHOOK_URL="http://bot.example.invalid/hook",
                          BOT_WEBHOOK_SECRET=SECRET, BOT_WEBHOOK_LISTEN="127.0.0.1",
                          BOT_WEBHOOK_PORT=str(free_port()))
    assert "https url" in assert_one_line(result, "error: BOT_WEBHOOK_URL:").lower()
