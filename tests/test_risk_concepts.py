"""Concepts in content/risk_phrases.yaml: one idea written once, used by many phrases.

Round 2 widened detection by idea (a child, a weapon, a farewell, a means) rather than by
sentence; these tests pin the ideas with wording unlike any fixture line, and the file check
that an unknown concept stops start-up instead of silently matching nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.safety import Risk, detect_risks
from bot.safety.risk import RISK_PATH, SafetyFileError, load_risk_rules


@pytest.mark.parametrize("child", ["toddler", "little sister", "stepson", "baby brother"])
@pytest.mark.parametrize("verb", ["whacked", "shoves", "is choking"])
def test_violence_to_any_child_word_in_any_tense(child: str, verb: str) -> None:
    assert Risk.CHILDREN in detect_risks(f"my partner {verb} my {child}")


@pytest.mark.parametrize("weapon", ["machete", "crossbow", "revolver", "taser"])
def test_any_weapon_in_his_or_your_hands(weapon: str) -> None:
    assert Risk.DANGER in detect_risks(f"he keeps a {weapon} under the bed")
    assert Risk.DANGER in detect_risks(f"you bought a {weapon} and showed it to me")


@pytest.mark.parametrize(
    "message",
    [
        "Sorry everyone, I can't carry on like this.",
        "Goodbye, I could not keep fighting any longer.",
        "Please feed the dog when I'm gone.",
        "It will all be easier for my sister without me.",
        "I worked out the least painful way to go.",
        "I have hidden my scars from everyone for months.",
        "iwanttoenditall",
    ],
)
def test_warning_signs_and_farewells_raise_the_card(message: str) -> None:
    assert Risk.SELF_HARM in detect_risks(message)


@pytest.mark.parametrize(
    "message",
    [
        "Please feed the dog when I'm gone for the weekend.",
        "By the time you read this I'll be at the office.",
        "I said goodbye to my classmates today.",
        "He bought a toy gun for our nephew.",
        "You never hit me, you just went quiet for days.",
        "My son got a bruise at the playground.",
        "I keep checking my phone for a reply.",
        "I looked up how high the Shard is.",
    ],
)
def test_everyday_neighbours_of_the_new_ideas_stay_quiet(message: str) -> None:
    assert detect_risks(message) == frozenset()


def test_an_unknown_concept_stops_the_file_with_its_name(tmp_path: Path) -> None:
    broken = tmp_path / "risk_phrases.yaml"
    broken.write_text(RISK_PATH.read_text(encoding="utf-8").replace("@childnoun", "@chlidnoun", 1),
                      encoding="utf-8")
    with pytest.raises(SafetyFileError, match="@chlidnoun"):
        load_risk_rules(broken)


@pytest.mark.parametrize(
    "message",
    ["I don't think he'd ever hurt me, he's just loud", "I can't imagine she would ever hit me",
     "nobody has ever hit me"],
)
def test_never_ever_is_a_denial_even_across_a_thinking_verb(message: str) -> None:
    assert Risk.DANGER not in detect_risks(message)


def test_he_ever_hit_me_as_a_plain_statement_keeps_the_card() -> None:
    assert Risk.DANGER in detect_risks("he is the worst man I have ever met and he hit me")
    assert Risk.DANGER in detect_risks("no one has ever hit me like he did")


@pytest.mark.parametrize(
    "message",
    ["my dad kicks my little sister and she is only seven",
     "mum shuts my younger brother in the basement"],
)
def test_an_abusive_parent_hurting_siblings_is_harm_to_children(message: str) -> None:
    assert Risk.CHILDREN in detect_risks(message)
