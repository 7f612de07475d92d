"""A person's place in the conversation, and the facts about them the engine may read."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Screens the engine itself draws; content flow ids cannot start with "_".
CRISIS_FLOW = "_crisis"
PASTE_FLOW = "_paste"


@dataclass(frozen=True)
class UserState:
    """Where someone is. Every field is an id or enum: nothing they typed can live here."""

    flow: str | None = None
    node: str | None = None
    #: The pending flow timer, so a late or stale timer can be told apart and ignored.
    timer: str | None = None
    #: Where to go back to after the crisis screen or a pasted-message detour.
    resume_flow: str | None = None
    resume_node: str | None = None
    #: The tactic guessed from a pasted message (an enum id), while we offer to explain it.
    guess: str | None = None


@dataclass(frozen=True)
class Profile:
    """Structured facts the wording adapts to. Read-only for the engine."""

    relation: str = "other"
    coparent: bool = False
    tz: str = "UTC"
    #: Ticked checklist items as (field, value).
    marks: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    days: int = 0
    longest: int = 0
    total: int = 0
    #: The person's own ISO country (upper case), or None when they have not set one: then
    #: every crisis card carries country buttons, so a number is one tap away.
    country: str | None = None
    #: ISO country guessed from Telegram's language_code for this update (never stored):
    #: the first country button on a crisis card when no country is set.
    region_hint: str | None = None
