"""The crisis minute through the real bot and the fake Bot API: whose words, a number in one
tap without set-up, "I'm not safe", and the gentle check when the words are unclear."""

from __future__ import annotations

import importlib

import pytest

from bot.safety import Assessment
from tests.fakebot import updates
from tests.harness import RunningBot, sent_texts

ANA = 6161
THREAT = "if you don't answer me I'll kill myself"
#: Talks to "you" with no cue either way: whose words these are is unclear, so the bot asks.
UNCLEAR = "you know I will kill myself tonight"


async def to_what_did_they_send(bot: RunningBot, user: int) -> None:
    await bot.command(user, "/urge")
    await bot.tap(user, "I'm safe")
    await bot.tap(user, "7")


async def set_country_uk(bot: RunningBot, user: int) -> None:
    await bot.command(user, "/settings")
    await bot.tap(user, "An ex or former partner")
    await bot.tap(user, "No / skip")
    await bot.tap(user, "Today")
    await bot.tap(user, "United Kingdom")


async def test_a_threat_pasted_at_what_did_they_send_gets_the_number_for_them_then_the_tactic(
        bot: RunningBot) -> None:
    await set_country_uk(bot, ANA)
    await to_what_did_they_send(bot, ANA)
    texts = sent_texts(await bot.say(ANA, THREAT))
    card = texts[0]
    assert "999" in card.splitlines()[0] and "for them" in card.splitlines()[0]
    assert "without replying" in card
    assert "Thank you for telling me" not in "\n".join(texts)
    assert any("frightening" in t for t in texts[1:])  # the screen explaining the threat
    assert ("tactic", "self_harm_threat") in await bot.store.records(ANA)


async def test_a_forwarded_threat_is_their_words_wherever_it_arrives(bot: RunningBot) -> None:
    await bot.command(ANA, "/start")
    texts = sent_texts(await bot.push(updates.forwarded_text(ANA, THREAT)))
    assert "for them" in texts[0].splitlines()[0]
    assert any("frightening" in t for t in texts[1:])


async def test_unclear_whose_words_get_numbers_and_the_two_button_question(
        bot: RunningBot) -> None:
    await bot.command(ANA, "/start")
    texts = sent_texts(await bot.say(ANA, UNCLEAR))
    assert "findahelpline.com" in texts[0]                 # numbers never wait
    assert "Thank you for telling me" not in texts[0]
    bot.find_button(ANA, "These are my own thoughts")
    texts = sent_texts(await bot.tap(ANA, "This is what they sent me"))
    assert "for them" in texts[0].splitlines()[0]
    assert any("frightening" in t for t in texts[1:])


async def test_my_own_thoughts_are_met_with_care(bot: RunningBot) -> None:
    await bot.command(ANA, "/start")
    await bot.say(ANA, UNCLEAR)
    texts = sent_texts(await bot.tap(ANA, "These are my own thoughts"))
    assert "Thank you for telling me" in texts[-1]
    assert await bot.store.records(ANA) == []


async def test_no_country_set_a_country_tap_shows_its_numbers_and_can_be_remembered(
        bot: RunningBot) -> None:
    card = sent_texts(await bot.command(ANA, "/crisis"))[0]
    assert "local emergency number" in card
    card = sent_texts(await bot.tap(ANA, "United Kingdom"))[0]
    assert "999" in card and "Samaritans" in card
    assert (await bot.store.user(ANA) or {}).get("country") is None  # only when asked
    await bot.tap(ANA, "📌 Remember United Kingdom")
    assert (await bot.store.user(ANA) or {}).get("country") == "GB"
    assert "999" in sent_texts(await bot.command(ANA, "/crisis"))[0]


async def test_the_country_of_telegrams_language_comes_first(bot: RunningBot) -> None:
    update = updates.command(ANA, "/crisis")
    update["message"]["from"]["language_code"] = "pt-br"
    await bot.push(update)
    message_id, data = bot.find_button(ANA, lambda t: t.endswith("BR"))
    first = next(m for m in reversed(bot.api.chat_messages(ANA)) if m.get("reply_markup"))
    assert first["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == data
    card = sent_texts(await bot.push(updates.callback(ANA, data, message_id)))[0]
    assert "Brazil" in card or "Brasil" in card
    assert (await bot.store.user(ANA) or {}).get("country") is None  # the hint is not kept


async def test_im_not_safe_puts_danger_lines_first_then_the_theyre_here_screen(
        bot: RunningBot) -> None:
    await set_country_uk(bot, ANA)
    await bot.command(ANA, "/urge")
    texts = sent_texts(await bot.tap(ANA, "I'm not safe"))
    card = texts[0]
    assert card.index("999") < card.index("Refuge") < card.index("Samaritans")
    assert any("other people" in t for t in texts[1:])


async def test_worrying_but_unclear_words_get_the_gentle_check(
        bot: RunningBot, monkeypatch: pytest.MonkeyPatch) -> None:
    # Today's detector never says "unsure"; stand in for the one being written alongside.
    module = importlib.import_module("bot.safety.assess")  # the package re-exports the name
    monkeypatch.setattr(module, "assess",
                        lambda text, *, theirs=False: Assessment(frozenset(), unsure=True))
    await bot.command(ANA, "/urge")
    texts = sent_texts(await bot.say(ANA, "I can't do this anymore"))
    assert texts and "findahelpline.com" not in texts[0]
    bot.find_button(ANA, "Are you in danger from someone?")
    texts = sent_texts(await bot.tap(ANA, "Are you thinking about hurting yourself?"))
    assert "findahelpline.com" in texts[0]
    await bot.say(ANA, "I can't do this anymore")
    texts = sent_texts(await bot.tap(ANA, "I'm OK"))
    assert any("safe right now" in t for t in texts)  # back where they were in /urge


async def test_plainly_own_words_get_the_self_harm_card_without_a_question(
        bot: RunningBot) -> None:
    await bot.command(ANA, "/start")
    texts = sent_texts(await bot.say(ANA, "I'll kill myself tonight"))
    assert "findahelpline.com" in texts[0]
    assert "Thank you for telling me" in "\n".join(texts)
    with pytest.raises(AssertionError):
        bot.find_button(ANA, "These are my own thoughts")
