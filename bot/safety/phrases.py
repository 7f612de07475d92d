"""The phrase language of ``content/*_phrases.yaml``, compiled to regular expressions.

Phrase authors write one line per idea; the compiler adds what people vary without thinking:
inflections of a verb (``hit+`` = hit, hits, hitting, hittin), letters typed twice or once,
a few words in between. So a list stays short, and unseen wording of a known idea still
matches. Everything is checked at load: a phrase that does not compile names itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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


def _letters(word: str) -> str:
    """Each letter may repeat, so "kil" finds "kill" and "die" finds "diie"."""
    return "".join(f"{re.escape(ch)}+" if ch.isalpha() else re.escape(ch) for ch in word)


def _word_forms(word: str) -> tuple[list[str], set[str]]:
    """Regexes for one `_`-joined part of an alternative, and the plain words it knows."""
    prefix = word.endswith("*") and len(word) > 1
    verb = word.endswith("+") and len(word) > 1
    body = word[:-1] if prefix or verb else word
    if not re.fullmatch(r"[^\s*+~|^$]+", body):
        raise ValueError(f"bad word {word!r}")
    text = normalise(body)
    if not text:
        raise ValueError(f"{word!r} is empty once normalised")
    words = text.split()
    known: set[str] = set() if prefix else set(words)
    head = " ".join(_letters(w) for w in words[:-1])
    last = words[-1]
    if verb:
        forms = inflect(last)
        known |= forms
        tail = "(?:" + "|".join(sorted((_letters(f) for f in forms), key=len, reverse=True)) + ")"
    else:
        tail = _letters(last) + (r"\S*" if prefix else "")
    return [(head + " " if head else "") + tail], known


def _alternative(alt: str) -> tuple[str, set[str]]:
    parts: list[str] = []
    known: set[str] = set()
    for word in alt.split("_"):
        if not word:
            raise ValueError(f"empty word in {alt!r}")
        regexes, words = _word_forms(word)
        parts.extend(regexes)
        known |= words
    return " ".join(parts), known


def compile_phrase(phrase: str, vocab: set[str] | None = None) -> re.Pattern[str]:
    """Turn one YAML phrase into a regex over normalised text (see risk_phrases.yaml).

    Raises ValueError naming the problem. Words the phrase knows are added to `vocab`.
    """
    if not isinstance(phrase, str):
        raise ValueError(f"phrase {phrase!r} is not text")
    parts: list[str] = []
    start = end = False
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
            for alt in alts:
                regex, words = _alternative(alt)
                compiled.append(regex)
                if vocab is not None:
                    vocab |= words
            ordered = sorted(set(compiled), key=len, reverse=True)
            parts.append("(?:" + "|".join(ordered) + ") ")
    if not any(p not in (_GAP, _WIDE, _ANY) for p in parts):
        raise ValueError(f"phrase {phrase!r} has no words")
    # Text is matched as " words " so every word, first and last included, has a space on
    # both sides; "^" and "$" then sit just outside those guard spaces.
    head = "^ " if start else "(?:^| )"
    tail = "$" if end else ""
    return re.compile(head + "".join(parts) + tail)


def compile_all(
    phrases: Iterable[str], vocab: set[str] | None = None, *, where: str = ""
) -> tuple[re.Pattern[str], ...]:
    """Compile a list, re-raising the first failure with where it is."""
    out = []
    for phrase in phrases:
        try:
            out.append(compile_phrase(phrase, vocab))
        except (ValueError, re.error) as exc:
            raise ValueError(f"{where}: {exc}" if where else str(exc)) from None
    return tuple(out)
