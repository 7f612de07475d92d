"""Risk language and hoover tactics in free text, read in memory and then forgotten.

Matching is phrase lists (``content/risk_phrases.yaml``, ``content/tactic_phrases.yaml``)
over `normalise`d text rather than a model: it runs offline, is explainable to a reviewer,
and a missed wording is fixed by adding one line of YAML. The lists lean towards false
alarms on purpose: an extra crisis card costs little, a missed one may cost a life.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

from bot.safety.normalise import fold, normalise

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
RISK_PATH = CONTENT_DIR / "risk_phrases.yaml"
TACTIC_PATH = CONTENT_DIR / "tactic_phrases.yaml"


class Risk(StrEnum):
    """What kind of help to show first; values are the engine's `Text.risk` strings."""

    SELF_HARM = "self_harm"
    DANGER = "danger"
    CHILDREN = "children"


#: When several kinds match, the one `detect_risk` reports. Every kind still gets the card.
RISK_PRIORITY: tuple[Risk, ...] = (Risk.SELF_HARM, Risk.DANGER, Risk.CHILDREN)

TACTICS: tuple[str, ...] = (
    "love_bombing",
    "apology",
    "guilt",
    "self_harm_threat",
    "emergency",
    "anger",
    "flying_monkeys",
    "hey",
    "pretext",
    "missing",
)

# -- pattern compiler -----------------------------------------------------------------------

_GAP = r"(?:\S+ ){0,3}"  # "~": up to three words
_ANY = r"\S+ "  # "*": exactly one word


def _letters(word: str) -> str:
    """Each letter may repeat, so "kil" finds "kill" and "die" finds "diie"."""
    return "".join(f"{re.escape(ch)}+" if ch.isalpha() else re.escape(ch) for ch in word)


def _alternative(alt: str) -> str:
    prefix = alt.endswith("*") and len(alt) > 1
    text = normalise((alt[:-1] if prefix else alt).replace("_", " "))
    if not text:
        raise ValueError(f"phrase part {alt!r} is empty once normalised")
    words = [_letters(w) for w in text.split()]
    return " ".join(words) + (r"\S*" if prefix else "")


def compile_phrase(phrase: str) -> re.Pattern[str]:
    """Turn one YAML phrase into a regex over normalised text (see the YAML header)."""
    parts: list[str] = []
    start = end = False
    for token in phrase.split():
        if token == "^":
            start = True
        elif token == "$":
            end = True
        elif token == "~":
            parts.append(_GAP)
        elif token == "*":
            parts.append(_ANY)
        else:
            alts = sorted({_alternative(a) for a in token.split("|") if a}, key=len, reverse=True)
            parts.append("(?:" + "|".join(alts) + ") ")
    if not parts:
        raise ValueError(f"empty phrase {phrase!r}")
    # Text is matched as " words " so every word, first and last included, has a space on
    # both sides; "^" and "$" then sit just outside those guard spaces.
    head = "^ " if start else "(?:^| )"
    tail = "$" if end else ""
    return re.compile(head + "".join(parts) + tail)


def _compile_all(phrases: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(compile_phrase(p) for p in phrases)


def _prepared(text: str) -> str:
    return f" {normalise(text)} "


# -- risk -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RiskRules:
    kinds: Mapping[Risk, tuple[re.Pattern[str], ...]]
    benign: tuple[re.Pattern[str], ...]


@cache
def _risk_rules(path: Path = RISK_PATH) -> _RiskRules:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    kinds = {risk: _compile_all(raw[risk.value]) for risk in Risk}
    return _RiskRules(kinds=kinds, benign=_compile_all(raw.get("benign", [])))


_THIRD = {"he", "she", "they", "him", "his", "her", "them", "their", "himself", "herself"}
_FIRST = {"i", "me", "my", "myself", "we", "us", "our", "im", "ive"}
_RELATIONS = {
    "ex", "exs", "mum", "mom", "mother", "dad", "father", "husband", "wife", "boyfriend",
    "girlfriend", "partner", "bf", "gf", "brother", "sister", "parents", "stepdad", "stepmum",
    "stepmom", "fiance", "fiancee", "abuser", "narc", "friend", "mums", "moms", "dads",
}  # fmt: skip

# A quote the user clearly attributes to someone else: 'he texted "i'll kill myself"' or
# 'she said: i will hurt myself'. These are hoover tactics, not the user's own risk.
_REPORTER = (
    r"\b(?:he|she|they|him|her|ex|mum|mom|mother|dad|father|husband|wife|boyfriend|"
    r"girlfriend|partner|bf|gf|sister|brother)\b[^\"\n:]{0,40}?\b(?:said|says|say|saying|"
    r"texted|texts|text|wrote|writes|messaged|messages|sent|sends|told me|tells me|"
    r"threatened|threatens|threatening|posted|posts|commented|replied|answered)\b"
)
_QUOTED = re.compile(_REPORTER + r"[^\"\n:]{0,15}?(?:\"[^\"]*(?:\"|$)|:[^\n]*)", re.I)


def _strip_reported_speech(text: str) -> str:
    return _QUOTED.sub(" ", fold(text))


def _mask(text: str, patterns: Iterable[re.Pattern[str]]) -> str:
    for pattern in patterns:
        text = pattern.sub(lambda m: " " + "_ " * len(m.group(0).split()), text)
    return text


def _about_someone_else(text: str, start: int, matched: str) -> bool:
    """Is this self-harm phrase said about him/her ("he threatened suicide"), not the user?

    Only phrases without a first-person word can be; the nearest pronoun in the few words
    before decides, and "my ex", "my mum" count as third person.
    """
    if _FIRST & set(matched.split()):
        return False
    before = text[:start].split()[-5:]
    for i in range(len(before) - 1, -1, -1):
        word = before[i]
        if word in _RELATIONS:
            return True
        if word in _THIRD:
            return True
        if word in _FIRST:
            return False
    return False


def _matches(text: str, patterns: Iterable[re.Pattern[str]], *, first_person: bool) -> bool:
    for pattern in patterns:
        for m in pattern.finditer(text):
            if not first_person or not _about_someone_else(text, m.start(), m.group(0)):
                return True
    return False


def detect_risks(text: str) -> frozenset[Risk]:
    """Every kind of risk the message reads as; empty when none."""
    rules = _risk_rules()
    plain = _mask(_prepared(text), rules.benign)
    own = _mask(_prepared(_strip_reported_speech(text)), rules.benign)
    found: set[Risk] = set()
    for risk, patterns in rules.kinds.items():
        if risk is Risk.SELF_HARM:
            hit = _matches(own, patterns, first_person=True)
        else:
            hit = _matches(plain, patterns, first_person=False)
        if hit:
            found.add(risk)
    return frozenset(found)


def detect_risk(text: str) -> Risk | None:
    """The most urgent risk in the message (self_harm > danger > children), or None."""
    found = detect_risks(text)
    return next((risk for risk in RISK_PRIORITY if risk in found), None)


# -- tactics --------------------------------------------------------------------------------


@cache
def _tactic_rules(path: Path = TACTIC_PATH) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    order = raw["priority"]
    if sorted(order) != sorted(TACTICS):
        raise ValueError(f"{path.name}: priority must list exactly {TACTICS}")
    return tuple((tactic, _compile_all(raw["tactics"][tactic])) for tactic in order)


def guess_tactic(text: str) -> str | None:
    """Which hoover tactic a pasted message most looks like, as an enum id, or None.

    The first tactic in the file's priority order wins, so a threat of self-harm inside a
    sweet message is named as the threat.
    """
    prepared = _prepared(text)
    for tactic, patterns in _tactic_rules():
        if any(p.search(prepared) for p in patterns):
            return tactic
    return None
