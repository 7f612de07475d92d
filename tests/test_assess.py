"""`assess`: risk, the gentle question when unsure, whose words, and an honest tactic."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.reading import read_text
from bot.safety import Assessment, Risk, Voice, assess, guess_tactic

# -- unsure: worrying but not clear ----------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    ["I can't do this anymore", "what's the point", "I'm so tired of everything",
     "I don't know how much more I can take", "i cant take it anymore", "I give up",
     "I used to self harm", "I no longer want to die but it's hard",
     "death doesn't scare me anymore", "I looked up the dose on my pills"],
)
def test_worrying_but_unclear_asks_gently_without_a_card(message: str) -> None:
    found = assess(message)
    assert found.risks == frozenset()
    assert found.unsure


@pytest.mark.parametrize(
    "message",
    ["what a day, the bus was late and I spilled my coffee", "work was so boring today",
     "I'm tired, going to bed early", "ugh mondays", "I can't do this maths homework",
     "what's the point of this meeting lol", "My grandad died last year",
     "I said goodbye to him at the door", "I feel alive again", "help me not reply"],
)
def test_ordinary_venting_is_not_unsure(message: str) -> None:
    found = assess(message)
    assert not found.unsure and not found.risks


def test_a_clear_risk_is_not_unsure() -> None:
    found = assess("I can't do this anymore, I want to kill myself")
    assert found.risks == {Risk.SELF_HARM} and not found.unsure


def test_unsure_reaches_the_engine_text() -> None:
    text = read_text("I can't do this anymore")
    assert text.unsure and text.risk is None


# -- whose words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    ["if you don't answer I'll kill myself", "if you dont reply ill end it",
     "you'll be sorry when I'm gone", "you did this to me, I'm going to kill myself",
     "I'm outside your work, I'll kill myself if you don't answer",
     "come back or I'll kill myself"],
)
def test_a_self_harm_threat_in_their_words_is_self_harm_theirs(message: str) -> None:
    found = assess(message)
    assert Risk.SELF_HARM in found.risks
    assert found.voice is Voice.THEIRS
    assert found.tactic == "self_harm_threat"


@pytest.mark.parametrize(
    "message",
    ["I'm outside", "I know where you live", "I'll make you pay", "open the door",
     "i can see you through the window", "I'm outside your work, come out now"],
)
def test_presence_and_threats_to_the_user_in_their_words_are_danger_theirs(message: str) -> None:
    found = assess(message, theirs=True)
    assert Risk.DANGER in found.risks
    assert found.voice is Voice.THEIRS


@pytest.mark.parametrize(
    "message", ["I know where you live", "I'll make you pay", "I'm outside your work"]
)
def test_their_threat_is_read_as_theirs_without_being_told(message: str) -> None:
    found = assess(message)
    assert Risk.DANGER in found.risks and found.voice is Voice.THEIRS


@pytest.mark.parametrize(
    "message",
    ["I want to die", "i feel like ending it all", "he hit me last night",
     "my ex is outside my house", "I'm scared he'll find me"],
)
def test_the_persons_own_situation_is_own(message: str) -> None:
    found = assess(message)
    assert found.risks and found.voice is Voice.OWN


def test_mixed_signals_leave_the_voice_unclear() -> None:
    # Their threat quoted next to the person's own feelings: ask, do not guess.
    assert assess("I feel sick, if you don't answer i will kill myself").voice is None


def test_a_reported_threat_is_his_hoover_not_her_risk() -> None:
    found = assess('he texted "if you leave i\'ll kill myself"')
    assert found.risks == {Risk.SELF_HARM} and found.voice is Voice.THEIRS
    assert found.tactic == "self_harm_threat"


def test_theirs_passed_in_always_wins() -> None:
    assert assess("I want to die", theirs=True).voice is Voice.THEIRS
    assert assess("hey", theirs=True) == Assessment(
        risks=frozenset(), unsure=False, voice=Voice.THEIRS, tactic="hey"
    )


def test_the_engine_keeps_their_tactic_with_the_risk() -> None:
    text = read_text("if you don't answer I'll kill myself", theirs=True)
    assert text.risk == "self_harm" and text.voice == "theirs"
    assert text.tactic == "self_harm_threat"


# -- honest tactic naming -------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"


def _load(name: str) -> list[tuple[str, str]]:
    data = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return [(m, t) for t, msgs in data.items() for m in msgs]


HOOVERS = _load("hoover_messages.yaml")
BLIND = _load("hoover_messages_blind.yaml") + _load("hoover_messages_blind_2.yaml")


def test_hoover_fixture_is_big_and_covers_every_tactic() -> None:
    from bot.safety import TACTICS

    assert len(HOOVERS) >= 60
    assert {t for _, t in HOOVERS} == set(TACTICS)


@pytest.mark.parametrize("items", [HOOVERS, BLIND], ids=["hoovers", "blind"])
def test_tactic_guesses_are_mostly_right_and_made_often_enough(
    items: list[tuple[str, str]],
) -> None:
    guesses = [(guess_tactic(m), t) for m, t in items]
    made = [(g, t) for g, t in guesses if g is not None]
    right = [g for g, t in made if g == t]
    assert len(made) >= 0.6 * len(items)
    assert len(right) >= 0.85 * len(made), [(g, t) for g, t in made if g != t]


@pytest.mark.parametrize(
    "message", [m for m, t in HOOVERS + BLIND if t == "self_harm_threat"]
    + ["no point going on", "goodbye", "you won't have to worry about me anymore",
       "the car is yours, you won't need to worry about me after tonight",
       "I'll leave the dog with your mum. you can plan my funeral"],
)
def test_every_self_harm_threat_is_named_as_one(message: str) -> None:
    assert guess_tactic(message) == "self_harm_threat"


@pytest.mark.parametrize(
    "message",
    ["i miss you so much baby, also the car insurance is due", "the dog misses you"],
)
def test_bare_practical_words_do_not_outweigh_the_rest(message: str) -> None:
    assert guess_tactic(message) != "pretext"


# -- bad input ------------------------------------------------------------------------------



@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.booleans())
def test_any_text_is_read_without_crashing(text: str, theirs: bool) -> None:
    found = assess(text, theirs=theirs)
    assert found.risks <= set(Risk)
    assert found.voice in (None, Voice.OWN, Voice.THEIRS)
    assert found.tactic is None or isinstance(found.tactic, str)


@pytest.mark.parametrize(
    "text", ["'" * 5000, "k1" * 2000, "iwanttodie" * 400, "n't " * 1000, "\u200b" * 4000]
)
def test_pathological_long_input_is_read(text: str) -> None:
    assert isinstance(assess(text), Assessment)
