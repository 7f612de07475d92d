"""Updates that are not a private conversation, or arrive twice, in the running bot.

A message with risk words typed in a group gets the crisis card (general: no country, nobody
named or quoted) before the bot says it works only in private and leaves. The same update_id
delivered twice in one batch is handled once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.fakebot import FakeBotApi, updates
from tests.runtime_proc import BotProcess
from tests.test_runtime_webhook import quiet

GROUP = -100_777
GUS, HANA = 6401, 6402


@pytest.fixture(scope="module")
def polling(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeBotApi, BotProcess]]:
    workdir = tmp_path_factory.mktemp("polling")
    with FakeBotApi() as api:
        bot = BotProcess(workdir, BOT_TOKEN=api.token, BOT_API_BASE_URL=api.base_url).start()
        try:
            api.wait_for_sync("getUpdates", timeout=30)
            yield api, bot
        finally:
            code = bot.stop()
    assert code == 0, bot.log()[-2000:]
    assert "Traceback" not in bot.log()


def test_risk_words_in_a_group_get_the_crisis_card_before_the_bot_leaves(
        polling: tuple[FakeBotApi, BotProcess]) -> None:
    api, _ = polling
    since = quiet(api)
    api.push_update(updates.group_text(GUS, GROUP, "honestly I want to kill myself"))
    api.wait_for_sync("leaveChat", since=since, timeout=10)
    to_group = [c for c in api.calls[since:] if c.params.get("chat_id") == GROUP]
    assert [c.method for c in to_group] == ["sendMessage", "sendMessage", "leaveChat"]
    card, private_only = (c.params["text"] for c in to_group[:2])
    assert "findahelpline.com" in card
    assert "Test" not in card  # nobody's name
    assert "private chat" in private_only


def test_an_ordinary_group_message_gets_only_the_private_only_note(
        polling: tuple[FakeBotApi, BotProcess]) -> None:
    api, _ = polling
    since = quiet(api)
    api.push_update(updates.group_text(GUS, GROUP - 1, "hello everyone"))
    api.wait_for_sync("leaveChat", since=since, timeout=10)
    texts = [c.params["text"] for c in api.calls_of("sendMessage")
             if c.params.get("chat_id") == GROUP - 1]
    assert len(texts) == 1 and "private chat" in texts[0]


def test_the_same_update_id_twice_in_a_batch_is_handled_once(
        polling: tuple[FakeBotApi, BotProcess]) -> None:
    api, bot = polling
    since = quiet(api)
    update = updates.command(HANA, "/crisis")
    update["update_id"] = 10_000
    api.push_updates([update, update], keep_id=True)  # one batch: the offset cannot hide it
    api.wait_for_sync("sendMessage", lambda c: c.params.get("chat_id") == HANA, since=since)
    time.sleep(1.5)
    cards = [c for c in api.calls[since:] if c.method == "sendMessage"
             and c.params.get("chat_id") == HANA and "findahelpline.com" in c.params["text"]]
    assert len(cards) == 1
    assert f"update {update['update_id']} arrived again" in bot.log()
