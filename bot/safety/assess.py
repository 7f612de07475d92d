"""One reading of a free-text message: what risk it shows, how sure we are, whose words.

`assess` is the single entry the shells use (through `bot.reading.read_text`); the engine
gets only the derived facts. Whose words matters because a threat pasted from the other
person ("if you don't answer I'll kill myself") is a hoover and maybe a real emergency for
*them*, not the user's own suicidality, and must be answered differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.safety.risk import Risk, _guess, _read


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


_YOU = {"you", "your", "yours", "yourself"}
_ME = {"i", "me", "my", "myself", "mine"}


def _voice(theirs_cues: int, own_cues: int, their_self_harm: bool, words: set[str]) -> Voice | None:
    """Cues from the `theirs`/`own` lists of risk_phrases.yaml decide; mixed cues -> None.

    With no cue, first-person words and no "you" read as the person's own; a message that
    talks to "you" without a cue is left unclear, so the bot asks rather than guesses.
    """
    if theirs_cues and not own_cues:
        return Voice.THEIRS
    if theirs_cues and own_cues:
        return None
    if their_self_harm:  # "he texted 'i will kill myself'": the threat is his
        return Voice.THEIRS
    if own_cues:
        return Voice.OWN
    if words & _YOU:
        return None
    return Voice.OWN if words & _ME else None


def assess(text: str, *, theirs: bool = False) -> Assessment:
    """Read `text` once. `theirs=True` when the shell knows it is the other person's
    (forwarded, or pasted in answer to "what did they send?").

    In their words a threat to hurt themselves is reported as SELF_HARM with voice THEIRS
    (the engine explains it as a hoover and offers to call for them); danger phrases in
    their words ("I know where you live") are DANGER with voice THEIRS.
    """
    hits = _read(text)
    words = set(hits.prepared.split())
    voice = Voice.THEIRS if theirs else _voice(
        hits.theirs_cues, hits.own_cues, hits.their_self_harm, words
    )
    risks = set(hits.own)
    if hits.their_self_harm and voice is Voice.THEIRS:
        risks.add(Risk.SELF_HARM)
    if theirs and hits.distanced_self_harm:
        # "you won't see me alive again" style negations are still their threat.
        risks.add(Risk.SELF_HARM)
    self_harm = Risk.SELF_HARM in risks
    tactic = _guess(hits.prepared, self_harm=self_harm and voice is not Voice.OWN)
    unsure = hits.unsure and not risks
    return Assessment(risks=frozenset(risks), unsure=unsure, voice=voice, tactic=tactic)
