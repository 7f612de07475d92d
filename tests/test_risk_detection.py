"""Risk words and hoover tactics: every at-risk message must show the card, few others may."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety.normalise import normalise
from bot.safety.phrases import squeeze
from bot.safety.risk import (
    RISK_PRIORITY,
    TACTICS,
    Risk,
    compile_phrase,
    detect_risk,
    detect_risks,
    guess_tactic,
)

CORPUS = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "risk_corpus.yaml").read_text(encoding="utf-8")
)
AT_RISK = [(msg, Risk(kind)) for kind, msgs in CORPUS["at_risk"].items() for msg in msgs]
ORDINARY: list[str] = CORPUS["ordinary"]
MAX_FALSE_POSITIVE_RATE = 0.05


def test_corpus_is_big_enough_to_mean_something() -> None:
    assert len(AT_RISK) >= 150
    assert len(ORDINARY) >= 150


@pytest.mark.parametrize(("message", "kind"), AT_RISK, ids=[m for m, _ in AT_RISK])
def test_every_at_risk_message_shows_the_card(message: str, kind: Risk) -> None:
    found = detect_risks(message)
    assert kind in found
    primary = detect_risk(message)
    assert primary is not None
    # The primary kind is the expected one unless a more urgent kind was also read.
    assert RISK_PRIORITY.index(primary) <= RISK_PRIORITY.index(kind)


def test_false_positive_rate_on_ordinary_messages_stays_low() -> None:
    alarms = [m for m in ORDINARY if detect_risks(m)]
    rate = len(alarms) / len(ORDINARY)
    print(f"\nfalse positives: {len(alarms)}/{len(ORDINARY)} = {rate:.1%}: {alarms}")
    assert rate < MAX_FALSE_POSITIVE_RATE, alarms


def test_someone_who_wants_to_die_and_was_hit_gets_self_harm_first() -> None:
    message = "he hit me and i want to die"
    assert detect_risks(message) == {Risk.SELF_HARM, Risk.DANGER}
    assert detect_risk(message) is Risk.SELF_HARM


def test_danger_outranks_children() -> None:
    message = "he hit me and took the kids"
    assert detect_risks(message) == {Risk.DANGER, Risk.CHILDREN}
    assert detect_risk(message) is Risk.DANGER


@pytest.mark.parametrize(
    "message",
    [
        "he says he will kill himself",
        "she said she'd hurt herself",
        "my ex threatened suicide again",
        'he texted "if you leave i\'ll kill myself"',
        "she wrote: i will end it all if you do not answer",
    ],
)
def test_his_threat_to_hurt_himself_is_a_tactic_not_the_users_risk(message: str) -> None:
    assert Risk.SELF_HARM not in detect_risks(message)
    assert guess_tactic(message) == "self_harm_threat"


def test_an_unattributed_threat_reads_as_the_users_own_risk() -> None:
    # Safety wins over precision: without a clear "he said", it may be the user speaking.
    assert detect_risk("if you dont answer ill kill myself") is Risk.SELF_HARM


def test_a_quote_does_not_hide_the_users_own_words_after_it() -> None:
    message = 'he texted "i\'ll kill myself"\nand honestly i want to die too'
    assert detect_risk(message) is Risk.SELF_HARM


def test_empty_and_odd_input_is_safe() -> None:
    assert detect_risk("") is None
    assert detect_risk("   \n\t") is None
    assert detect_risk("🙂🙂🙂") is None
    assert guess_tactic("") is None


def test_risk_values_match_the_engine_strings() -> None:
    assert [r.value for r in Risk] == ["self_harm", "danger", "children"]


# -- normalise ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I’m SOOOOO tired!!!", "i am soo tired"),
        ("i dont wanna", "i do not want to"),
        ("cant won't gonna", "can not will not going to"),
        ("ill kill myself", "i will kill myself"),
        ("I feel ill", "i feel ill"),
        ("hell no", "hell no"),
        ("he'll find me", "he will find me"),
        ("Ça  va,\ttrès   bien", "ca va tres bien"),
        ("ＦＵＬＬ width", "full width"),
        ("“quoted”", "quoted"),
        ("my dad's car", "my dads car"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_phrases_tolerate_doubled_or_missing_letters() -> None:
    # A phrase written with single letters also finds doubled and stretched spellings.
    pattern = compile_phrase("kil myself")
    for text in ("i could kil myself", "i could kill myself", "kiiiill myself"):
        assert pattern.search(f" {squeeze(normalise(text))} ")
    assert not pattern.search(f" {squeeze(normalise('skill myself'))} ")


# -- tactics --------------------------------------------------------------------------------

TACTIC_EXAMPLES = {
    "love_bombing": [
        "I miss you so much baby",
        "you are the love of my life",
        "nobody will ever love you like i do",
        "you're my soulmate, i'll give you the world",
    ],
    "apology": [
        "I'm sorry, I've changed",
        "please forgive me, i was wrong",
        "i'm in therapy now, it will never happen again",
    ],
    "guilt": [
        "after all I did for you",
        "how could you do this to me",
        "you abandoned me when i needed you",
        "you're so selfish",
    ],
    "self_harm_threat": [
        "if you don't answer I'll kill myself",
        "i can't live without you",
        "you'll never see me again",
        "i'm going to do something stupid",
    ],
    "emergency": [
        "your dad is in hospital, call me",
        "it's urgent, call me now",
        "there's been an accident",
        "something happened to your mum",
    ],
    "anger": [
        "you'll regret this",
        "how dare you ignore me",
        "answer me you bitch",
        "who do you think you are",
    ],
    "flying_monkeys": [
        "your sister told me to tell you",
        "your mum agrees with me",
        "everyone thinks you're overreacting",
        "i spoke to your friends",
    ],
    "hey": ["hey", "heyyy", "hi stranger", "u up?", "hey, how are you?"],
    "pretext": [
        "you still have my jacket",
        "the bill came, you need to sign the papers",
        "quick question about the car",
    ],
}


def test_every_tactic_but_missing_has_examples() -> None:
    # `missing` is the person's own missing of them (content/fields.yaml), never their message.
    assert set(TACTIC_EXAMPLES) == set(TACTICS) - {"missing"}
    assert all(len(v) >= 3 for v in TACTIC_EXAMPLES.values())


@pytest.mark.parametrize(
    "message",
    ["i miss us", "remember when we went to the beach", "i think about you every day",
     "it's not the same without you", "hey i miss you"],
)
def test_their_missing_you_is_love_bombing_not_the_users_own_missing(message: str) -> None:
    assert guess_tactic(message) == "love_bombing"


@pytest.mark.parametrize(
    "message", ["what about the dog", "the car", "we got a new puppy", "ok"]
)
def test_a_bare_practical_word_is_no_guess(message: str) -> None:
    assert guess_tactic(message) is None


@pytest.mark.parametrize(
    ("message", "tactic"),
    [(m, t) for t, msgs in TACTIC_EXAMPLES.items() for m in msgs],
)
def test_guess_tactic(message: str, tactic: str) -> None:
    assert guess_tactic(message) == tactic


def test_a_plain_message_has_no_tactic() -> None:
    assert guess_tactic("the weather is nice today") is None


def test_hey_only_for_a_bare_greeting() -> None:
    assert guess_tactic("hey") == "hey"
    assert guess_tactic("hey, you still have my keys") == "pretext"


def test_one_slip_corrections_fix_key_words_and_leave_real_words_alone() -> None:
    from bot.safety.spelling import KEY_WORDS, REAL_NEIGHBOURS, correct, edits1

    assert correct("mysefl") == "myself" and correct("suicdal") == "suicidal"
    assert correct("wnat") == "want"
    for word in ("will", "bill", "skill", "kiln", "tablet", "scare", "wand", "bride"):
        assert correct(word) == word
    # Every protected word really is one edit from a key word (the list is not stale junk).
    assert all(any(w in edits1(k) for k in KEY_WORDS) for w in REAL_NEIGHBOURS)
