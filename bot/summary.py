"""'Your last urges': recorded values shown back, so progress is visible without any text kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Urge:
    pull_before: int | None = None
    pull_after: int | None = None
    tactics: list[str] = field(default_factory=list)
    outcome: str | None = None


def group_urges(records: Iterable[tuple[str, str | int]]) -> list[Urge]:
    """Records arrive oldest first; each `pull_before` opens a new urge."""
    urges: list[Urge] = []
    for name, value in records:
        # A pasted message starts an urge at its tactic, with no "before" rating.
        starts_pasted = name == "tactic" and urges and (urges[-1].outcome or urges[-1].tactics)
        if name == "pull_before" or not urges or starts_pasted:
            urges.append(Urge())
        urge = urges[-1]
        if name == "pull_before":
            urge.pull_before = int(value)
        elif name == "pull_after":
            urge.pull_after = int(value)
        elif name == "tactic":
            urge.tactics.append(str(value))
        elif name == "outcome":
            urge.outcome = str(value)
    return [u for u in urges if u.pull_before is not None or u.outcome is not None
            or u.tactics]


def urge_summary(records: Iterable[tuple[str, str | int]], last: int = 10,
                 tactic_labels: dict[str, str] | None = None) -> str:
    urges = group_urges(records)[-last:]
    if not urges:
        return "No urges recorded yet. When you use /urge, your answers show up here."
    lines = [f"Your last {len(urges)} urge{'s' if len(urges) != 1 else ''}:"]
    pairs = [(u.pull_before, u.pull_after) for u in urges
             if u.pull_before is not None and u.pull_after is not None]
    if pairs:
        before = sum(b for b, _ in pairs) / len(pairs)
        after = sum(a for _, a in pairs) / len(pairs)
        lines.append(f"Average pull: {before:.1f} before, {after:.1f} after (out of 10).")
    held = sum(1 for u in urges if u.outcome in ("did_not_reply", "still_want_to"))
    answered = sum(1 for u in urges if u.outcome is not None)
    if answered:
        lines.append(f"You held off {held} of {answered} times you told me how it went.")
    tactics = Counter(t for u in urges for t in u.tactics)
    if tactics:
        labels = tactic_labels or {}
        common = ", ".join(labels.get(t, t.replace("_", " ")) for t, _ in tactics.most_common(3))
        lines.append(f"What came up most: {common}.")
    lines.append("A slip along the way is part of this, not the end of it.")
    return "\n".join(lines)
