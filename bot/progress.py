"""'My progress': the person's own numbers, shown only to them, from what the store recorded.

Numbers only, and only numbers that mean something: no day count without a start date, no
average without an urge rated both before and after, nothing about slips (a slip is for
learning from, not for a tally). The operator's aggregate report is `bot.outcomes`.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.summary import group_urges

#: Recorded fields "My progress" reads.
FIELDS = ("pull_before", "pull_after", "tactic", "outcome", "pull_day")
EMPTY = ("Nothing to show yet. Your days, the urges you rode out and how much the pull eased "
         "will show here as you use the bot.")


def progress_text(records: Iterable[tuple[str, str | int]], *, has_start: bool, days: int,
                  longest: int, total: int) -> str:
    """`records` oldest first; `has_start`: the person gave a no-contact start date."""
    records = list(records)
    urges = group_urges(r for r in records if r[0] != "pull_day")
    lines = []
    if has_start:
        line = f"Day {days} of keeping your distance"
        extra = []
        if longest > days:
            extra.append(f"longest run {longest} days")
        if total > days:
            extra.append(f"{total} days in all")
        lines.append(line + (f" ({', '.join(extra)})." if extra else "."))
    held = sum(1 for u in urges if u.outcome in ("did_not_reply", "still_want_to"))
    if held:
        lines.append(f"Urges you rode out without replying: {held}.")
    pairs = [(u.pull_before, u.pull_after) for u in urges
             if u.pull_before is not None and u.pull_after is not None]
    if pairs:
        before = sum(b for b, _ in pairs) / len(pairs)
        after = sum(a for _, a in pairs) / len(pairs)
        rated = f"{len(pairs)} urge{'s' if len(pairs) != 1 else ''} you rated before and after"
        if before > after:
            lines.append(f"On average the pull dropped by {before - after:.1f} "
                         f"(from {before:.1f} to {after:.1f} out of 10, over {rated}).")
        else:
            lines.append(f"Average pull: {before:.1f} before, {after:.1f} after (out of 10, "
                         f"over {rated}).")
    answered = sum(1 for name, _ in records if name == "pull_day")
    if answered:
        lines.append(f"Check-ins answered: {answered}.")
    if not lines:
        return EMPTY
    return "\n".join(["Your progress, from your own answers:", *lines])
