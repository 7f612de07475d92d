"""The crisis minute in the engine: whose words, an unsure check, danger, a number in one tap.

Told through the real content (the urge flow's "what did they send?" screen, the tactic
explanations, the "they're here" screen), with the facts a shell would derive from text
given directly as `Text` events: the engine never sees the words.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from bot.console import Console
from bot.content import load_content
from bot.engine import (
    CRISIS_FLOW,
    Choice,
    Command,
    Profile,
    Record,
    Say,
    ShowCrisis,
    Start,
    Text,
    UserState,
    render,
    step,
)
from bot.engine.crisis import THEIR_SELF_HARM
from bot.safety import crisis_card, load_crisis_directory
from bot.safety.crisis_lines import THEIR_SELF_HARM as CARD_THEIR_SELF_HARM

CONTENT = load_content()
DIRECTORY = load_crisis_directory()
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
NO_COUNTRY = Profile()
IN_UK = Profile(country="GB")
THREAT = Text(length=40, risk="self_harm")          # "I'll kill myself if you don't answer"
THEIR_THREAT = Text(length=40, risk="self_harm", voice="theirs")
OWN_THOUGHTS = Text(length=30, risk="self_harm", voice="own")
THEY_ARE_HERE = Text(length=25, risk="danger", voice="theirs")  # "I'm outside your work"
UNSURE = Text(length=25, unsure=True)                # "I can't do this anymore"
MENU = UserState(flow="menu", node=CONTENT.flows["menu"].start)
WHAT_DID_THEY_SEND = UserState(flow="urge", node="what")


def says(effects: list) -> list[Say]:
    return [e for e in effects if isinstance(e, Say)]


def texts(effects: list) -> str:
    return "\n".join(s.text for s in says(effects))


def labels(effects: list) -> list[str]:
    return [b.label for s in says(effects) for row in s.buttons for b in row]


def tap(state: UserState, effects: list, label: str, profile: Profile = NO_COUNTRY):
    """Tap the newest button with this label among the effects just shown."""
    for say in reversed(says(effects)):
        for row in say.buttons:
            for button in row:
                if button.label == label:
                    return step(CONTENT, state, Choice(button.data), NOW, profile)
    raise AssertionError(f"no button {label!r} in {labels(effects)}")


def selfharm_screen_texts() -> list[str]:
    node = CONTENT.fields["tactic"].explain["self_harm_threat"].partition(".")
    return CONTENT.flows[node[0]].nodes[node[2]].say


# --- Their words ----------------------------------------------------------------------------


def test_their_threat_puts_the_number_first_framed_for_them_then_explains_the_tactic() -> None:
    state, effects = step(CONTENT, MENU, THEIR_THREAT, NOW, IN_UK)
    assert effects[0] == ShowCrisis(THEIR_SELF_HARM)
    assert Record("tactic", "self_harm_threat") in effects
    assert (state.flow, state.node) == ("urge", "t_selfharm")
    assert selfharm_screen_texts()[0] in texts(effects)
    assert "Thank you for telling me" not in texts(effects)


def test_the_card_for_their_threat_says_you_can_call_for_them_without_replying() -> None:
    assert THEIR_SELF_HARM == CARD_THEIR_SELF_HARM  # the engine and the card agree
    card = crisis_card(DIRECTORY, "GB", THEIR_SELF_HARM)
    first = card.splitlines()[0]
    assert "999" in first and "for them" in first and "without replying" in first
    assert "Thank you" not in card
    assert card.index("Samaritans") < card.index("Refuge")  # they can advise about others
    no_country = crisis_card(DIRECTORY, None, THEIR_SELF_HARM).splitlines()[0]
    assert "for them" in no_country and "local emergency number" in no_country


def test_a_threat_pasted_at_what_did_they_send_is_read_as_theirs() -> None:
    state, effects = step(CONTENT, WHAT_DID_THEY_SEND, THREAT, NOW, IN_UK)
    assert effects[0] == ShowCrisis(THEIR_SELF_HARM)
    assert (state.flow, state.node) == ("urge", "t_selfharm")


def test_their_threat_without_a_country_offers_countries_before_the_explanation() -> None:
    _, effects = step(CONTENT, MENU, THEIR_THREAT, NOW, NO_COUNTRY)
    assert "United Kingdom" in labels(effects)
    country = says(effects)[0]
    assert any(b.label == "United Kingdom" for row in country.buttons for b in row)


def test_their_threat_of_danger_gives_danger_lines_then_the_theyre_here_screen() -> None:
    state, effects = step(CONTENT, MENU, THEY_ARE_HERE, NOW, IN_UK)
    assert effects[0] == ShowCrisis("danger")
    assert state.flow == "unsafe"
    assert "other people" in texts(effects)


def test_my_own_thoughts_get_todays_self_harm_card() -> None:
    state, effects = step(CONTENT, MENU, OWN_THOUGHTS, NOW, IN_UK)
    assert effects[0] == ShowCrisis("self_harm")
    assert state.flow == CRISIS_FLOW
    assert "↩️ Back to where I was" in labels(effects)


# --- Unclear whose words ------------------------------------------------------------------


def test_unclear_words_get_numbers_at_once_and_the_two_button_question() -> None:
    state, effects = step(CONTENT, MENU, THREAT, NOW, IN_UK)
    assert effects[0] == ShowCrisis(None)  # never wait for numbers
    assert "Thank you for telling me" not in texts(effects)
    assert {"These are my own thoughts", "This is what they sent me"} <= set(labels(effects))
    assert (state.flow, state.node) == (CRISIS_FLOW, "whose")


def test_answering_my_own_thoughts_is_met_with_care_and_a_way_back() -> None:
    state, effects = step(CONTENT, MENU, THREAT, NOW, IN_UK)
    state, effects = tap(state, effects, "These are my own thoughts", IN_UK)
    assert "Thank you for telling me" in texts(effects)
    assert "↩️ Back to where I was" in labels(effects)
    assert not any(isinstance(e, Record) for e in effects)


def test_answering_what_they_sent_frames_the_number_for_them_and_explains_it() -> None:
    state, effects = step(CONTENT, MENU, THREAT, NOW, IN_UK)
    state, effects = tap(state, effects, "This is what they sent me", IN_UK)
    assert effects[0] == ShowCrisis(THEIR_SELF_HARM)
    assert Record("tactic", "self_harm_threat") in effects
    assert (state.flow, state.node) == ("urge", "t_selfharm")


def test_the_whose_question_keeps_the_way_back_to_the_flow() -> None:
    start, _ = step(CONTENT, UserState(), Start("urge"), NOW, IN_UK)
    state, effects = step(CONTENT, start, THREAT, NOW, IN_UK)
    state, effects = tap(state, effects, "↩️ Back to where I was", IN_UK)
    assert (state.flow, state.node) == ("urge", "safe")


# --- Unsure -----------------------------------------------------------------------------------


def test_worrying_but_unclear_words_get_a_gentle_check_never_silence() -> None:
    state, effects = step(CONTENT, MENU, UNSURE, NOW, IN_UK)
    assert says(effects), "never silence"
    assert not any(isinstance(e, ShowCrisis) for e in effects)
    assert labels(effects) == ["Are you thinking about hurting yourself?",
                               "Are you in danger from someone?", "I'm OK"]


def test_the_check_leads_to_the_self_harm_card_the_danger_card_or_back() -> None:
    state, effects = step(CONTENT, MENU, UNSURE, NOW, IN_UK)
    _, hurt = tap(state, effects, "Are you thinking about hurting yourself?", IN_UK)
    assert hurt[0] == ShowCrisis("self_harm")
    danger_state, danger = tap(state, effects, "Are you in danger from someone?", IN_UK)
    assert danger[0] == ShowCrisis("danger") and danger_state.flow == "unsafe"
    ok_state, ok = tap(state, effects, "I'm OK", IN_UK)
    assert (ok_state.flow, ok_state.node) == (MENU.flow, MENU.node)
    assert not any(isinstance(e, ShowCrisis) for e in ok)


# --- "I'm not safe" -------------------------------------------------------------------------


def test_im_not_safe_opens_danger_lines_then_the_theyre_here_screen() -> None:
    start, effects = step(CONTENT, UserState(), Start("urge"), NOW, IN_UK)
    state, effects = tap(start, effects, "I'm not safe", IN_UK)
    assert effects[0] == ShowCrisis("danger")
    assert (state.flow, state.node) == ("unsafe", CONTENT.flows["unsafe"].start)
    words = texts(effects).lower()
    for advice in ("other people", "security", "colleague", "go out", "emergency number",
                   "time"):
        assert advice in words, advice


def test_yes_i_feel_unsafe_on_the_anger_screen_opens_danger_lines_first() -> None:
    anger = UserState(flow="urge", node="t_anger")
    effects = render.node_messages(CONTENT, "urge", "t_anger", IN_UK)
    state, effects = tap(anger, effects, "Yes, I feel unsafe", IN_UK)
    assert effects[0] == ShowCrisis("danger")
    assert state.flow == "unsafe"
    assert crisis_card(DIRECTORY, "GB", "danger").index("Refuge") < \
        crisis_card(DIRECTORY, "GB", "danger").index("Samaritans")


def test_a_danger_button_works_from_an_old_message_after_an_update() -> None:
    old = "urge:safe:xd:0ld0ld"
    state, effects = step(CONTENT, MENU, Choice(old), NOW, IN_UK)
    assert effects[0] == ShowCrisis("danger") and state.flow == "unsafe"


# --- A number in one tap, set-up or not ---------------------------------------------------


def test_without_a_country_the_card_carries_country_buttons_hint_first() -> None:
    hinted = Profile(region_hint="BR")
    _, effects = step(CONTENT, MENU, Command("crisis"), NOW, hinted)
    shown = labels(effects)
    assert shown[0] == "🇧🇷 BR"
    assert shown[1:3] == ["United States", "United Kingdom"]
    assert "⌨️ Type my country" in shown
    _, effects = step(CONTENT, MENU, Command("crisis"), NOW, Profile(region_hint="GB"))
    assert labels(effects)[:2] == ["United Kingdom", "United States"]


def test_a_country_tap_shows_its_lines_at_once_and_offers_to_remember_it() -> None:
    state, effects = step(CONTENT, MENU, Command("crisis"), NOW, NO_COUNTRY)
    state, effects = tap(state, effects, "United Kingdom")
    assert effects[0] == ShowCrisis(None, "GB")
    state, effects = tap(state, effects, "📌 Remember United Kingdom")
    assert Record("country", "gb") in effects
    assert "United States" not in labels(effects)  # no more country buttons


def test_a_country_tap_keeps_the_order_of_the_card_it_came_from() -> None:
    _, effects = step(CONTENT, MENU, THEY_ARE_HERE, NOW, NO_COUNTRY)
    state = UserState(flow="unsafe", node="here")
    _, effects = tap(state, effects, "United Kingdom")
    assert effects[0] == ShowCrisis("danger", "GB")


def test_country_buttons_work_from_the_next_screen_and_keep_the_way_back() -> None:
    state, effects = step(CONTENT, MENU, THEIR_THREAT, NOW, NO_COUNTRY)
    assert state.node == "t_selfharm"
    card, effects = tap(state, effects, "Ireland")
    assert effects[0] == ShowCrisis(THEIR_SELF_HARM, "IE")
    back, _ = tap(card, effects, "↩️ Back to where I was")
    assert (back.flow, back.node) == ("urge", "t_selfharm")


def test_type_my_country_asks_for_its_name() -> None:
    state, effects = step(CONTENT, MENU, Command("crisis"), NOW, NO_COUNTRY)
    state, effects = tap(state, effects, "⌨️ Type my country")
    assert (state.flow, state.node) == (CRISIS_FLOW, "pick")
    assert "type" in texts(effects).lower()


def test_with_a_country_set_the_card_needs_no_country_buttons() -> None:
    _, effects = step(CONTENT, MENU, Command("crisis"), NOW, IN_UK)
    assert "United States" not in labels(effects)
    assert "🌍 Lines in another country" in labels(effects)


def test_forged_country_and_remember_buttons_change_nothing_dangerous() -> None:
    for key in ("c", "c1", "cGBR", "r", "r!!", "rGBR", "type2"):
        data = render.data(CONTENT, CRISIS_FLOW, "card", key)
        state, effects = step(CONTENT, MENU, Choice(data), NOW, NO_COUNTRY)
        assert not any(isinstance(e, Record) for e in effects), key
        assert says(effects), key


def test_the_console_shows_a_tapped_countrys_lines_and_can_remember_it() -> None:
    out = io.StringIO()
    console = Console(CONTENT, out, clock=lambda: NOW)
    console.handle_line("/crisis")
    assert "local emergency number" in out.getvalue()
    lines = out.getvalue().splitlines()
    number = next(line.split("]")[0].strip(" [") for line in lines if "United Kingdom" in line)
    console.handle_line(number)
    assert "999" in out.getvalue() and "Samaritans" in out.getvalue()
    remember = next(line.split("]")[0].strip(" [") for line in out.getvalue().splitlines()
                    if "Remember" in line)
    console.handle_line(remember)
    assert console.profile.country == "GB"
    console.handle_line("/crisis")
    assert out.getvalue().rsplit("If you are in danger", 1)[1].lstrip().startswith(
        "right now, call 999")
