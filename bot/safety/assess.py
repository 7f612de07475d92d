"""One reading of a free-text message: what risk it shows, how sure we are, whose words.

`assess` is the single entry the shells use (through `bot.reading.read_text`); the engine
gets only the derived facts. Whose words matters because a threat pasted from the other
person ("if you don't answer I'll kill myself") is a hoover and maybe a real emergency for
*them*, not the user's own suicidality, and must be answered differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.safety.risk import Risk, detect_risks, guess_tactic


class Voice(StrEnum):
    """Whose words a message is."""

    OWN = "own"  # the person's own thoughts or situation
    THEIRS = "theirs"  # the other person's: pasted, forwarded, or plainly addressed to "you"


@dataclass(frozen=True)
class Assessment:
    risks: frozenset[Risk]
    #: Worrying but not clear ("I can't do this anymore"): the bot asks gently.
    unsure: bool = False
    #: None when it is unclear whose words these are.
    voice: Voice | None = None
    tactic: str | None = None


def assess(text: str, *, theirs: bool = False) -> Assessment:
    """Read `text` once. `theirs=True` when the shell knows it is the other person's
    (forwarded, or pasted in answer to "what did they send?")."""
    risks = detect_risks(text)
    tactic = guess_tactic(text)
    voice = Voice.THEIRS if theirs else None
    return Assessment(risks=risks, unsure=False, voice=voice, tactic=tactic)
