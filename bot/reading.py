"""The one place free text is read: derive facts, return them, let the text go.

Both shells call this and pass only the result to the engine, so what someone types never
reaches state, storage or logs.
"""

from __future__ import annotations

from bot.engine import Text


def read_text(text: str, *, theirs: bool = False) -> Text:
    """Risk first (safety wins), then whose words, then a guess at the hoover tactic.

    `theirs=True` when the shell knows the text is the other person's (a forwarded message).
    """
    from bot.safety.assess import assess
    from bot.safety.risk import RISK_PRIORITY as RISK_ORDER

    found = assess(text, theirs=theirs)
    risk = next((r for r in RISK_ORDER if r in found.risks), None)
    return Text(length=len(text), risk=risk.value if risk else None,
                tactic=None if risk and found.voice != "theirs" else found.tactic,
                unsure=found.unsure and risk is None,
                voice=found.voice.value if found.voice else None)
