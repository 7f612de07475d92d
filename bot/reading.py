"""The one place free text is read: derive facts, return them, let the text go.

Both shells call this and pass only the result to the engine, so what someone types never
reaches state, storage or logs.
"""

from __future__ import annotations

from bot.engine import Text


def read_text(text: str) -> Text:
    """Risk first (safety wins), then a guess at the hoover tactic in a pasted message."""
    from bot.safety.risk import detect_risk, guess_tactic

    risk = detect_risk(text)
    tactic = None if risk else guess_tactic(text)
    return Text(length=len(text), risk=risk.value if risk else None, tactic=tactic)
