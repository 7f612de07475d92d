"""'Your last urges': what someone sees when they look back at how urges went."""

from __future__ import annotations

import re

import pytest

from bot.summary import group_urges, urge_summary

SHAME = re.compile(r"fail|reset|streak|broke|ruin|lost|weak|should have|relapse", re.I)


def urge(before: int, after: int | None = None, outcome: str | None = None,
         *tactics: str) -> list[tuple[str, str | int]]:
    records: list[tuple[str, str | int]] = [("pull_before", before)]
    records += [("tactic", t) for t in tactics]
    if after is not None:
        records.append(("pull_after", after))
    if outcome is not None:
        records.append(("outcome", outcome))
    return records


def test_someone_with_no_urges_yet_is_told_how_to_record_one() -> None:
    text = urge_summary([])
    assert "No urges recorded yet" in text
    assert "/urge" in text


def test_records_that_belong_to_no_urge_are_not_counted_as_one() -> None:
    assert group_urges([("relation", "ex")]) == []
    assert "No urges recorded yet" in urge_summary([("relation", "ex")])


def test_a_pasted_message_counts_as_its_own_urge() -> None:
    """A paste starts the urge flow at the tactic, with no rating before it."""
    records = urge(8, 3, "did_not_reply", "guilt") + [("tactic", "anger"), ("pull_after", 4),
                                                       ("outcome", "did_not_reply")]
    urges = group_urges(records)
    assert [u.tactics for u in urges] == [["guilt"], ["anger"]]
    assert urges[1].pull_before is None and urges[1].outcome == "did_not_reply"


def test_each_rating_before_opens_a_new_urge() -> None:
    urges = group_urges(urge(8, 3, "did_not_reply", "guilt") + urge(6, 6, "replied"))
    assert [(u.pull_before, u.pull_after, u.outcome) for u in urges] == [
        (8, 3, "did_not_reply"), (6, 6, "replied")]
    assert urges[0].tactics == ["guilt"]


def test_the_pull_is_averaged_before_and_after() -> None:
    text = urge_summary(urge(8, 3) + urge(6, 2) + urge(7))
    assert text.splitlines()[0] == "Your last 3 urges:"
    # Only urges with both ratings count towards the averages.
    assert "Average pull: 7.0 before, 2.5 after (out of 10)." in text


def test_one_urge_is_not_called_urges() -> None:
    assert urge_summary(urge(5, 4)).splitlines()[0] == "Your last 1 urge:"


def test_holding_off_counts_only_urges_whose_outcome_was_told() -> None:
    records = (urge(9, 4, "did_not_reply") + urge(8, 7, "still_want_to")
               + urge(7, 7, "replied") + urge(5))
    assert "You held off 2 of 3 times you told me how it went." in urge_summary(records)


def test_no_outcome_means_no_held_off_line() -> None:
    assert "held off" not in urge_summary(urge(5, 2))


def test_the_most_common_tactics_are_named_in_words() -> None:
    records = (urge(5, 2, None, "guilt", "love_bombing") + urge(6, 3, None, "guilt")
               + urge(4, 1, None, "flying_monkeys"))
    text = urge_summary(records, tactic_labels={"guilt": "guilt or pity"})
    assert "What came up most: guilt or pity, love bombing, flying monkeys." in text


def test_only_the_last_urges_are_shown() -> None:
    records = [r for n in range(15) for r in urge(n % 11, 0, "did_not_reply")]
    text = urge_summary(records, last=10)
    assert text.splitlines()[0] == "Your last 10 urges:"
    assert "You held off 10 of 10" in text


@pytest.mark.parametrize("records", [
    urge(9, 9, "replied"),
    urge(9, 9, "replied") * 5,
    urge(3, 1, "did_not_reply") + urge(10, 10, "replied", "self_harm_threat"),
])
def test_a_slip_is_described_without_shame(records: list[tuple[str, str | int]]) -> None:
    text = urge_summary(records)
    assert not SHAME.search(text), text
    assert "A slip along the way is part of this, not the end of it." in text


def test_patterns_count_what_they_sent_and_what_came_before_a_slip() -> None:
    records = (urge(8, 3, "did_not_reply", "guilt") + urge(7, 5, "replied", "guilt")
               + [("trigger", "night"), ("tactic", "love_bombing"), ("trigger", "night"),
                  ("trigger", "lonely")])
    text = urge_summary(records, tactic_labels={"guilt": "guilt or pity"},
                        trigger_labels={"night": "late at night"})
    assert "What tends to set it off (counts only):" in text
    assert "• What they sent: guilt or pity ×2, love bombing ×1" in text
    assert "• What came before a slip: late at night ×2, lonely ×1" in text
    assert not SHAME.search(text)


def test_patterns_show_even_before_any_rated_urge() -> None:
    text = urge_summary([("trigger", "date")], trigger_labels={"date": "a date"})
    assert "No urges recorded yet" not in text
    assert "What came before a slip: a date ×1" in text


async def test_a_slip_then_its_pattern_is_shown_back_by_the_bot(bot) -> None:  # type: ignore[no-untyped-def]
    from tests.harness import sent_texts

    for trigger in ("Late at night", "Late at night", "Feeling lonely"):
        await bot.command(1, "/menu")
        await bot.tap(1, "🩹 I slipped")
        for label in ("I checked their profile", "Next", trigger, "Keep my count going",
                      "What now?", "Done for now"):
            await bot.tap(1, label)
    texts = sent_texts(await bot.tap(1, "🔎 What tends to set it off"))
    assert "What came before a slip: late at night ×2, feeling lonely ×1" in texts[0]
    assert await bot.store.records(1, ["trigger"]) == [
        ("trigger", "night"), ("trigger", "night"), ("trigger", "lonely")]
