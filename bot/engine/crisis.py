"""The screens the engine draws around a crisis card: what follows it, whose words, a check.

Kept apart from the transitions in `core` so the wording and the buttons of the crisis minute
live in one short file. Every button drawn here leads to numbers in one tap, or back.
"""

from __future__ import annotations

from bot.content import Content
from bot.engine import render
from bot.engine.effects import Button, Keyboard, Say
from bot.engine.state import CRISIS_FLOW, Profile, UserState

#: The card framed for the other person's threat; the same key as
#: `bot.safety.crisis_lines.THEIR_SELF_HARM` (the engine does not import the safety package).
THEIR_SELF_HARM = "their_self_harm"
RISK_BY_KEY = render.CRISIS_KEYS
#: The node part of a country button names the card it came from, so the lines of the tapped
#: country come in the same order.
RISK_BY_NODE: dict[str, str | None] = {"card": None, "self_harm": "self_harm",
                                       "danger": "danger", "children": "children",
                                       THEIR_SELF_HARM: THEIR_SELF_HARM}
COUNTRIES_PER_ROW = 2

AFTER = "When you are ready, we can go back to where you were."
NO_COUNTRY = "Which country are you in? Tap it and its numbers come at once."
WHOSE = ("The numbers above are there whenever you need them. So I can help in the right "
         "way: whose words are these?")
OWN = ("Thank you for telling me. You don't have to carry this alone: the people at the lines "
       "above are there for exactly this, free and in confidence.")
CHECK = ("I want to be sure you're all right, and I may have read you wrong. "
         "If one of these is a yes, tap it.")
REMEMBERED = "Saved. That country's numbers will come first from now on."
TYPE_LABEL = "⌨️ Type my country"


def _node_for(risk: str | None) -> str:
    return risk if risk in RISK_BY_NODE else "card"


def _flag(iso2: str) -> str:
    """The flag emoji for an ISO code (two regional-indicator letters)."""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in iso2.upper())


def _labels(content: Content) -> dict[str, str]:
    """The common countries (content/fields.yaml `country` labels), by upper-case ISO code."""
    spec = content.fields.get("country")
    return {code.upper(): label for code, label in (spec.labels.items() if spec else [])}


def country_rows(content: Content, profile: Profile, risk: str | None
                 ) -> list[tuple[Button, ...]]:
    """The likeliest countries first: the hint from Telegram's language, then the common ones."""
    labels = _labels(content)
    codes = list(labels)
    hint = (profile.region_hint or "").upper()
    if len(hint) == 2 and hint.isascii() and hint.isalpha():
        codes = [hint] + [c for c in codes if c != hint]
    node = _node_for(risk)
    buttons = [Button(labels.get(code, f"{_flag(code)} {code}"),
                      render.data(content, CRISIS_FLOW, node, f"c{code}")) for code in codes]
    rows = [tuple(buttons[i:i + COUNTRIES_PER_ROW])
            for i in range(0, len(buttons), COUNTRIES_PER_ROW)]
    rows.append((Button(TYPE_LABEL, render.data(content, CRISIS_FLOW, node, "type")),))
    return rows


def country_say(content: Content, profile: Profile, risk: str | None) -> list[Say]:
    """Country buttons under a card, only for someone with no country set."""
    if profile.country:
        return []
    return [Say(NO_COUNTRY, tuple(country_rows(content, profile, risk)))]


def followup(content: Content, state: UserState, profile: Profile, *, risk: str | None = None,
             shown: str | None = None, text: str = AFTER) -> Say:
    """What follows a card: countries (none set yet) or remembering one, back, menu."""
    rows: list[tuple[Button, ...]] = []
    if shown and shown.upper() != (profile.country or ""):
        name = _labels(content).get(shown.upper(), "this country")
        rows.append((Button(f"📌 Remember {name}",
                            render.data(content, CRISIS_FLOW, "card", f"r{shown.upper()}")),))
    if not profile.country and not shown:
        rows += country_rows(content, profile, risk)
        text = NO_COUNTRY if text == AFTER else f"{text}\n\n{NO_COUNTRY}"
    if state.resume_flow and content.node(state.resume_flow, state.resume_node or ""):
        rows.append((Button("↩️ Back to where I was",
                            render.data(content, CRISIS_FLOW, "card", "back")),))
    if profile.country or shown:
        rows.append((Button("🌍 Lines in another country",
                            render.data(content, CRISIS_FLOW, "card", "pick")),))
    rows.append((Button("Menu", render.data(content, CRISIS_FLOW, "card", "menu")),))
    return Say(text, tuple(rows))


def whose(content: Content, state: UserState, profile: Profile) -> Say:
    """Ask, after the numbers, whether a self-harm message is their own thoughts or a paste."""
    rows: list[tuple[Button, ...]] = [
        (Button("These are my own thoughts", render.data(content, CRISIS_FLOW, "whose", "own")),),
        (Button("This is what they sent me",
                render.data(content, CRISIS_FLOW, "whose", "theirs")),),
    ]
    if not profile.country:
        rows += country_rows(content, profile, None)
    if state.resume_flow and content.node(state.resume_flow, state.resume_node or ""):
        rows.append((Button("↩️ Back to where I was",
                            render.data(content, CRISIS_FLOW, "whose", "back")),))
    return Say(WHOSE, tuple(rows))


def check(content: Content) -> Say:
    """The gentle check for worrying but unclear words: never silence, never a verdict."""
    rows: Keyboard = (
        (Button("Are you thinking about hurting yourself?",
                render.data(content, CRISIS_FLOW, "check", "self")),),
        (Button("Are you in danger from someone?",
                render.data(content, CRISIS_FLOW, "check", "danger")),),
        (Button("I'm OK", render.data(content, CRISIS_FLOW, "check", "ok")),),
    )
    return Say(CHECK, rows)
