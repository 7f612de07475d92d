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


#: The fields whose counts make up "what tends to set it off", with their headings.
PATTERN_FIELDS = (("tactic", "What they sent"), ("trigger", "What came before a slip"))


def patterns(records: Iterable[tuple[str, str | int]],
             labels: dict[str, dict[str, str]] | None = None) -> list[str]:
    """'What tends to set it off': how often each tactic and slip trigger was recorded.

    Counts only, most frequent first, over everything kept: the ids they tapped are all
    there is, so seeing them added up is the one way to spot a pattern without any text.
    """
    labels = labels or {}
    counts = {name: Counter() for name, _ in PATTERN_FIELDS}
    for name, value in records:
        if name in counts:
            counts[name][str(value)] += 1
    lines = []
    for name, heading in PATTERN_FIELDS:
        if counts[name]:
            named = labels.get(name, {})
            parts = ", ".join(f"{named.get(v, v.replace('_', ' '))} ×{n}"
                              for v, n in counts[name].most_common())
            lines.append(f"• {heading}: {parts}")
    if not lines:
        return []
    return ["", "What tends to set it off (counts only):", *lines,
            "Seeing it coming is half the work: the next one may look the same."]


def urge_summary(records: Iterable[tuple[str, str | int]], last: int = 10,
                 tactic_labels: dict[str, str] | None = None,
                 trigger_labels: dict[str, str] | None = None) -> str:
    records = list(records)
    found = patterns(records, {"tactic": tactic_labels or {}, "trigger": trigger_labels or {}})
    urges = group_urges(records)[-last:]
    if not urges:
        if found:
            return "\n".join(found[1:])
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
    return "\n".join(lines + found)
