"""Detection on wording the phrase lists were not written from, and on disguised spellings.

tests/fixtures/risk_unseen*.yaml hold our own held-out-style statements (guides, checklists,
letters in tone). The goals mirror issue 11: recall >= 90 % per kind, false alarms <= 10 %,
and >= 95 % of tricked variants of caught messages still caught.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.safety import Risk, detect_risks

_SETS = [
    yaml.safe_load((Path(__file__).parent / "fixtures" / name).read_text(encoding="utf-8"))
    for name in ("risk_unseen.yaml", "risk_unseen_2.yaml", "risk_unseen_3.yaml",
                 "risk_blind_a.yaml", "risk_blind_b.yaml", "risk_blind_c.yaml",
                 "risk_blind_d.yaml", "risk_blind_e.yaml")
]
DATA = {key: [m for data in _SETS for m in data[key]] for key in _SETS[0]}
KINDS = [Risk.SELF_HARM, Risk.DANGER, Risk.CHILDREN]

LEET = str.maketrans({"i": "1", "e": "3", "o": "0", "a": "4", "s": "$"})
CYRILLIC = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х",
                          "y": "у", "i": "і"})
TRICKS = {
    "zero-width": lambda t: " ".join("\u200b".join(w) for w in t.split(" ")),
    "soft-hyphen": lambda t: " ".join("\u00ad".join(w) for w in t.split(" ")),
    "look-alikes": lambda t: t.translate(CYRILLIC),
    "leet": lambda t: t.translate(LEET),
    "stretched": lambda t: re.sub(r"([aeiou])", r"\1\1\1", t),
    "shouting": str.upper,
    "no punctuation": lambda t: re.sub(r"[^\w\s]", "", t),
}


def test_each_kind_has_at_least_fifteen_statements() -> None:
    assert all(len(DATA[k.value]) >= 15 for k in KINDS)
    assert len(DATA["ordinary"]) >= 30


@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
def test_recall_per_kind_on_unseen_wording(kind: Risk) -> None:
    items = DATA[kind.value]
    missed = [m for m in items if kind not in detect_risks(m)]
    assert len(missed) <= 0.1 * len(items), missed


def test_ordinary_statements_rarely_raise_a_card() -> None:
    alarms = [m for m in DATA["ordinary"] if detect_risks(m)]
    assert len(alarms) <= 0.1 * len(DATA["ordinary"]), alarms


@pytest.mark.parametrize("trick", list(TRICKS))
def test_disguised_spellings_are_still_caught(trick: str) -> None:
    caught = [m for k in KINDS for m in DATA[k.value] if detect_risks(m)]
    lost = [m for m in caught if not detect_risks(TRICKS[trick](m))]
    assert len(lost) <= 0.05 * len(caught), lost


@pytest.mark.parametrize(
    "message",
    ["iwanttodie", "Iwanttokillmyself", "idontwanttobealiveanymore", "k1ll mys3lf",
     "i want to d!e", "$uicidal", "i want to kiil myslef", "i wnat to die", "i will kill mysefl",
     "i want to kіll myself", "i\u200bwant\u200bto\u200bdie", "I WANT TO DIEEEEE"],
)
def test_tricks_on_the_commonest_words(message: str) -> None:
    assert Risk.SELF_HARM in detect_risks(message)


def test_numbers_and_units_are_not_read_as_leetspeak() -> None:
    assert detect_risks("ran 5 kms before 10am, legs are dead") == frozenset()
    assert detect_risks("see you at 3pm on the 2nd") == frozenset()


@pytest.mark.parametrize(
    "message",
    ["he never hit me", "I'm not afraid of him", "he has never hurt me physically",
     "I don't feel unsafe at home", "I'm no longer scared of her"],
)
def test_denied_danger_raises_no_card(message: str) -> None:
    assert Risk.DANGER not in detect_risks(message)


@pytest.mark.parametrize(
    "message",
    ["I can't believe he hit me", "I can't stop shaking, he hit me", "he did not just push me, "
     "he choked me"],
)
def test_a_negation_that_is_not_a_denial_keeps_the_card(message: str) -> None:
    assert Risk.DANGER in detect_risks(message)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("I'm holding a knife to my wrist", Risk.SELF_HARM),
        ("I've got the rope ready", Risk.SELF_HARM),
        ("he is holding a knife to my throat", Risk.DANGER),
    ],
)
def test_a_weapon_in_their_own_hand_is_self_harm_in_his_is_danger(
    message: str, kind: Risk
) -> None:
    found = detect_risks(message)
    assert kind in found
    other = Risk.DANGER if kind is Risk.SELF_HARM else Risk.SELF_HARM
    assert other not in found


@pytest.mark.parametrize("verb", ["push", "pushes", "pushed", "pushing", "shoves", "threw a cup at",
                                  "throws things at", "pulls my hair", "chokes", "choked",
                                  "has strangled", "is hitting", "restrained"])
def test_violence_verbs_in_every_tense(verb: str) -> None:
    assert Risk.DANGER in detect_risks(f"he {verb} me")
