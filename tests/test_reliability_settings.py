"""Bad settings end with one clear line naming the setting, exit code 2, and no traceback.

The bot is started as a person would start it (`python -m bot run`, a real subprocess) with
one setting wrong at a time. The token is never echoed back, even when it is the wrong one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakebot import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
GOOD_TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DEAD_API = "http://127.0.0.1:9/bot"  # nothing listens on port 9 of loopback


def run_bot(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update({"PYTHONPATH": str(ROOT), "BOT_TOKEN": GOOD_TOKEN, "BOT_API_BASE_URL": DEAD_API,
                "BOT_DATABASE_URL": f"sqlite:///{tmp_path}/data/bot.db"})
    env.update(settings)
    return subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def assert_one_clear_line(result: subprocess.CompletedProcess[str], setting: str) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"error: {setting}:"), errors[0]
    return errors[0]


@pytest.mark.parametrize(("setting", "value"), [
    ("BOT_TOKEN", "not-a-token"),
    ("BOT_TOKEN", "123456 ABCDEF"),
    ("BOT_TOKEN", ""),  # `run` insists on a token; plain `python -m bot` opens the console
    ("BOT_LOG_LEVEL", "LOUD"),
    ("BOT_ADMIN_IDS", "12345"),
    ("BOT_ADMIN_IDS", '["alice"]'),
    ("BOT_WEBHOOK_PORT", "99999"),
    ("BOT_WEBHOOK_PORT", "eighty"),
    ("BOT_DATABASE_URL", "postgresql://localhost/bot"),
])
def test_a_bad_setting_is_named_in_one_line_with_exit_code_2(tmp_path: Path, setting: str,
                                                             value: str) -> None:
    result = run_bot(tmp_path, **{setting: value})
    line = assert_one_clear_line(result, setting)
    if setting == "BOT_TOKEN" and value:
        assert value not in result.stderr + result.stdout
        assert "BotFather" in line


def test_a_data_folder_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    # Tests run as root, which ignores file modes, so "unwritable" is made real another way:
    # the data folder's parent is an ordinary file, so the folder cannot be created.
    (tmp_path / "blocker").write_text("not a folder")
    result = run_bot(tmp_path, BOT_DATABASE_URL=f"sqlite:///{tmp_path}/blocker/data/bot.db")
    assert "cannot open the database" in assert_one_clear_line(result, "BOT_DATABASE_URL")


def test_a_folder_where_the_database_file_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "data" / "bot.db").mkdir(parents=True)
    result = run_bot(tmp_path)
    assert_one_clear_line(result, "BOT_DATABASE_URL")


def test_a_file_that_is_not_a_database_is_named_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not SQLite " * 100)
    result = run_bot(tmp_path)
    assert_one_clear_line(result, "BOT_DATABASE_URL")
    assert db.read_bytes() == b"this is not SQLite " * 100


def test_an_unreachable_bot_api_is_named(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert "cannot reach" in assert_one_clear_line(result, "BOT_API_BASE_URL")


def test_a_token_telegram_refuses_is_named_without_echoing_it(tmp_path: Path) -> None:
    with FakeBotApi() as api:  # knows only its own token, so ours is refused
        result = run_bot(tmp_path, BOT_API_BASE_URL=api.base_url)
    assert "refused" in assert_one_clear_line(result, "BOT_TOKEN")
    assert GOOD_TOKEN not in result.stderr + result.stdout
