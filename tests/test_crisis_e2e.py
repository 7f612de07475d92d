"""Crisis help through the real bot: risk in any state, another country, and a checked phone."""

from __future__ import annotations

from tests.fakebot import FakeBotApi, updates
from tests.harness import RunningBot, sent_texts

BEA = 5151


async def test_mid_flow_a_risky_message_gets_the_crisis_card_first_and_the_flow_continues(
        bot: RunningBot) -> None:
    await bot.command(BEA, "/urge")
    await bot.tap(BEA, "I'm safe")
    calls = await bot.say(BEA, "i dont want to be alive anymore")
    texts = sent_texts(calls)
    assert "findahelpline.com" in texts[0]          # the card comes before anything else
    card_call = next(c for c in calls if c["method"] == "sendMessage")
    assert not card_call.get("protect_content")
    calls = await bot.tap(BEA, lambda t: "Back to where I was" in t)
    assert any("0 (none) to 10" in t for t in sent_texts(calls))
    await bot.tap(BEA, "4")
    assert await bot.store.records(BEA) == [("pull_before", 4)]


async def test_danger_from_them_puts_the_abuse_line_before_the_suicide_line(
        bot: RunningBot) -> None:
    await bot.command(BEA, "/settings")
    await bot.tap(BEA, "An ex or former partner")
    await bot.tap(BEA, "No / skip")
    await bot.tap(BEA, "Today")
    await bot.tap(BEA, "United Kingdom")
    card = sent_texts(await bot.say(BEA, "he is outside my door right now"))[0]
    assert card.index("999") < card.index("Refuge") < card.index("Samaritans")


async def test_someone_abroad_can_type_another_country_for_its_lines(bot: RunningBot) -> None:
    await bot.command(BEA, "/crisis")
    await bot.tap(BEA, "⌨️ Type my country")  # no country set: the card offers to type one
    card = sent_texts(await bot.say(BEA, "Deutschland"))[0]
    assert "112" in card and "findahelpline.com" in card
    assert (await bot.store.user(BEA) or {}).get("country") is None  # nothing changed


async def test_without_a_country_the_card_still_helps(bot: RunningBot) -> None:
    card = sent_texts(await bot.command(BEA, "/crisis"))[0]
    assert "local emergency number" in card
    assert card.rstrip().endswith("findahelpline.com")


async def test_wipe_deletes_the_bots_messages_and_the_pasted_one(bot: RunningBot,
                                                                api: FakeBotApi) -> None:
    await bot.command(BEA, "/urge")
    update = updates.text(BEA, "I miss you so much, please come back to me")
    pasted_id = update["message"]["message_id"]
    calls = await bot.push(update)
    assert any("delete the message you pasted" in t for t in sent_texts(calls))
    bot_ids = [m["message_id"] for m in api.chat_messages(BEA)
               if m.get("from", {}).get("is_bot")]
    await bot.command(BEA, "/wipe")
    deleted = [i for c in api.calls_of("deleteMessages") for i in c.params["message_ids"]]
    assert pasted_id in deleted
    assert set(bot_ids) <= set(deleted)
