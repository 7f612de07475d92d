"""The phrase language of ``content/*_phrases.yaml``, compiled to regular expressions.

Phrase authors write one line per idea; the compiler adds what people vary without thinking:
inflections of a verb (``hit+`` = hit, hits, hitting, hittin), letters typed twice or once
(both sides are `squeeze`d),
a few words in between. So a list stays short, and unseen wording of a known idea still
matches. Everything is checked at load: a phrase that does not compile names itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bot.safety.normalise import normalise

_GAP = r"(?:\S+ ){0,3}"  # "~": up to three words
_WIDE = r"(?:\S+ ){0,8}"  # "...": up to eight words
_ANY = r"\S+ "  # "*": exactly one word
_NUMBER = r"\d+(?:\S*) "  # "#": a number ("5", "10pm")

# Forms the regular rules below cannot make; the regular ones are added too.
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "beat": ("beaten",), "bite": ("bit", "bitten"), "break": ("broke", "broken"),
    "bring": ("brought",), "burn": ("burnt",), "buy": ("bought",), "catch": ("caught",),
    "come": ("came",), "do": ("did", "done", "does"), "drive": ("drove", "driven"),
    "fight": ("fought",), "find": ("found",), "get": ("got", "gotten"), "give": ("gave", "given"),
    "go": ("went", "gone", "goes"), "hang": ("hung",), "have": ("had", "has"),
    "hide": ("hid", "hidden"), "hold": ("held",), "keep": ("kept",), "know": ("knew", "known"),
    "leave": ("left",), "make": ("made",), "run": ("ran",), "say": ("said",),
    "see": ("saw", "seen"),
    "send": ("sent",), "shake": ("shook", "shaken"), "shoot": ("shot",), "spit": ("spat",),
    "steal": ("stole", "stolen"), "stick": ("stuck",), "swear": ("swore", "sworn"),
    "take": ("took", "taken"), "tell": ("told",), "throw": ("threw", "thrown"),
    "wake": ("woke", "woken"), "write": ("wrote", "written"), "bleed": ("bled",),
    "feel": ("felt",), "sleep": ("slept",), "stab": ("stabbed",), "grab": ("grabbed",),
    "slap": ("slapped",), "drag": ("dragged",), "pin": ("pinned",), "cut": ("cut",),
}  # fmt: skip


def inflect(verb: str) -> set[str]:
    """Base, -s, -ed, -ing (and the dropped-g "-in") forms, plus irregular ones.

    Doubled consonants need no rule: every letter of a phrase may repeat ("stabed" finds
    "stabbed").
    """
    forms = {verb, *_IRREGULAR.get(verb, ())}
    consonant_y = verb.endswith("y") and len(verb) > 1 and verb[-2] not in "aeiou"
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(verb + "es")
    elif consonant_y:
        forms.add(verb[:-1] + "ies")
    else:
        forms.add(verb + "s")
    if verb.endswith("e"):
        forms.add(verb + "d")
    elif consonant_y:
        forms.add(verb[:-1] + "ied")
    else:
        forms.add(verb + "ed")
    if verb.endswith("ie"):
        ing = verb[:-2] + "ying"
    elif verb.endswith("e") and not verb.endswith("ee") and len(verb) > 2:
        ing = verb[:-1] + "ing"
    else:
        ing = verb + "ing"
    forms.update((ing, ing[:-1]))
    return forms


_RUNS = re.compile(r"([^\W\d_])\1+")


def squeeze(text: str) -> str:
    """Every run of one letter to a single letter, in phrases and text alike.

    So "kil" finds "kill" and "die" finds "diie", and a doubled letter never has to be
    listed; "911" keeps its digits.
    """
    return _RUNS.sub(r"\1", text)


def _letters(word: str) -> str:
    return re.escape(squeeze(word))


@dataclass(frozen=True)
class Rule:
    """One compiled phrase, with the words one of which must be in a message for it to match.

    Checking that set first skips most regexes for most messages (the detector's speed).
    """

    source: str
    regex: re.Pattern[str]
    anchors: frozenset[str]
    prefixes: tuple[str, ...]

    def could_match(self, words: frozenset[str]) -> bool:
        if not self.anchors and not self.prefixes:
            return True
        if not self.anchors.isdisjoint(words):
            return True
        return any(w.startswith(self.prefixes) for w in words) if self.prefixes else False


@cache
def _normal(word: str) -> str:
    return normalise(word)


def _word_forms(word: str) -> tuple[list[str], set[str], set[str], str | None]:
    """Regexes for one `_`-joined part of an alternative, the plain words it knows, its
    possible first words (squeezed) and, for ``word*``, its prefix."""
    prefix = word.endswith("*") and len(word) > 1
    verb = word.endswith("+") and len(word) > 1
    body = word[:-1] if prefix or verb else word
    if not re.fullmatch(r"[^\s*+~|^$]+", body):
        raise ValueError(f"bad word {word!r}")
    text = _normal(body)
    if not text:
        raise ValueError(f"{word!r} is empty once normalised")
    words = text.split()
    known: set[str] = set() if prefix else set(words)
    head = " ".join(_letters(w) for w in words[:-1])
    last = words[-1]
    if verb:
        forms = inflect(last)
        known |= forms
        tail = "(?:" + "|".join(sorted({_letters(f) for f in forms}, key=len, reverse=True)) + ")"
    else:
        tail = _letters(last) + (r"\S*" if prefix else "")
    if len(words) > 1:
        firsts, first_prefix = {squeeze(words[0])}, None
    elif prefix:
        firsts, first_prefix = set(), squeeze(last)
    else:
        firsts, first_prefix = {squeeze(f) for f in (inflect(last) if verb else {last})}, None
    return [(head + " " if head else "") + tail], known, firsts, first_prefix


def _alternative(alt: str) -> tuple[str, set[str], set[str], str | None]:
    parts: list[str] = []
    known: set[str] = set()
    firsts: set[str] = set()
    first_prefix: str | None = None
    for i, word in enumerate(alt.split("_")):
        if not word:
            raise ValueError(f"empty word in {alt!r}")
        regexes, words, word_firsts, word_prefix = _word_forms(word)
        parts.extend(regexes)
        known |= words
        if i == 0:
            firsts, first_prefix = word_firsts, word_prefix
    return " ".join(parts), known, firsts, first_prefix


def compile_phrase(phrase: str, vocab: set[str] | None = None) -> re.Pattern[str]:
    """Turn one YAML phrase into a regex over normalised, `squeeze`d text."""
    return compile_rule(phrase, vocab).regex


def compile_rule(phrase: str, vocab: set[str] | None = None) -> Rule:
    """Turn one YAML phrase into a `Rule` (see risk_phrases.yaml for the syntax).

    Raises ValueError naming the problem. Words the phrase knows are added to `vocab`.
    """
    if not isinstance(phrase, str):
        raise ValueError(f"phrase {phrase!r} is not text")
    parts: list[str] = []
    start = end = False
    best_len = -1
    anchors: set[str] = set()
    anchor_prefixes: set[str] = set()
    for token in phrase.split():
        if token == "^":
            start = True
        elif token == "$":
            end = True
        elif token == "~":
            parts.append(_GAP)
        elif token == "...":
            parts.append(_WIDE)
        elif token == "*":
            parts.append(_ANY)
        elif token == "#":
            parts.append(_NUMBER)
        else:
            alts = [a for a in token.split("|") if a]
            if not alts:
                raise ValueError(f"empty choice in {phrase!r}")
            compiled = []
            firsts: set[str] = set()
            prefixes: set[str] = set()
            for alt in alts:
                regex, words, alt_firsts, alt_prefix = _alternative(alt)
                compiled.append(regex)
                firsts |= alt_firsts
                if alt_prefix:
                    prefixes.add(alt_prefix)
                if vocab is not None:
                    vocab |= words
            # The anchor: the choice whose shortest word is longest (rarest in messages).
            shortest = min([len(w) for w in firsts] + [len(p) for p in prefixes])
            if shortest > best_len:
                best_len, anchors, anchor_prefixes = shortest, firsts, prefixes
            ordered = sorted(set(compiled), key=len, reverse=True)
            parts.append("(?:" + "|".join(ordered) + ") ")
    if not any(p not in (_GAP, _WIDE, _ANY) for p in parts):
        raise ValueError(f"phrase {phrase!r} has no words")
    # Text is matched as " words " so every word, first and last included, has a space on
    # both sides; "^" and "$" then sit just outside those guard spaces.
    head = "^ " if start else "(?:^| )"
    tail = "$" if end else ""
    return Rule(source=phrase, regex=re.compile(head + "".join(parts) + tail),
                anchors=frozenset(anchors), prefixes=tuple(sorted(anchor_prefixes)))


class RuleSet:
    """A list of rules indexed by anchor word, so a message only meets the rules it could
    match: a few dictionary look-ups per word instead of a check per rule."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._by_word: dict[str, list[int]] = {}
        self._always: list[int] = []
        self._prefixed: list[int] = []
        for i, rule in enumerate(self.rules):
            for word in rule.anchors:
                self._by_word.setdefault(word, []).append(i)
            if rule.prefixes:
                self._prefixed.append(i)
            if not rule.anchors and not rule.prefixes:
                self._always.append(i)

    def __len__(self) -> int:
        return len(self.rules)

    def candidates(self, words: frozenset[str]) -> list[Rule]:
        """The rules whose anchor is among `words`, in file order."""
        found = set(self._always)
        for word in words:
            hit = self._by_word.get(word)
            if hit:
                found.update(hit)
        for i in self._prefixed:
            if i not in found and any(w.startswith(self.rules[i].prefixes) for w in words):
                found.add(i)
        return [self.rules[i] for i in sorted(found)]


def compile_all(
    phrases: Iterable[str], vocab: set[str] | None = None, *, where: str = ""
) -> RuleSet:
    """Compile a list, re-raising the first failure with where it is."""
    out = []
    for phrase in phrases:
        try:
            out.append(compile_rule(phrase, vocab))
        except (ValueError, re.error) as exc:
            raise ValueError(f"{where}: {exc}" if where else str(exc)) from None
    return RuleSet(out)
