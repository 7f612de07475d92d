"""'Is it helping?': the operator's figures, computed by SQL aggregates inside the store.

Only counts, sums and averages leave this module, already checked against `MIN_PEOPLE`: a
figure drawn from fewer than 10 people comes back hidden (`value is None`), and so does the
number of people behind it. No id, no per-person row and no date finer than a week is ever
returned, so whatever formats the figures cannot leak a person even by mistake.

Definitions (the README's "Is it helping?" explains them for the operator):
- a person's day 1 is the UTC date they first wrote to the bot (`users.created_on`);
- an urge *started* when the person rated the pull before it (`pull_before`), and *finished*
  when they said where they were afterwards (`outcome`);
- a before/after pair is a `pull_after` whose previous pull rating was a `pull_before`;
- the per-person sums come from `tallies` and `choice_tallies`, which triggers keep as
  answers are written (schema migration 3), so the report costs one pass over people;
- person-weeks run from day 1 to the day of the person's last recorded answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiosqlite

#: Any figure drawn from fewer people than this is shown as "<10".
MIN_PEOPLE = 10
#: The days of the retention curve (the anchors: SmokefreeTXT's 42 days, app day-30 figures).
RETENTION_DAYS = (7, 30, 60, 90)
#: After this many days of check-ins the person is offered weekly ones (schedule.checkins).
CHECKIN_DAYS = 90


@dataclass(frozen=True)
class Figure:
    """One number and how many people it rests on; both None when those are under 10."""

    value: float | None
    people: int | None

    @property
    def hidden(self) -> bool:
        return self.value is None

    @classmethod
    def of(cls, value: float | None, people: int) -> Figure:
        if people < MIN_PEOPLE or value is None:
            return cls(None, None)
        return cls(value, people)


@dataclass(frozen=True)
class Retention:
    """Of the people who joined at least `day` days ago, how many answered on day `day` or later."""

    day: int
    eligible: Figure  # people whose day `day` has come
    kept: Figure  # of them, people who answered a check-in on that day or later
    share: Figure  # kept / eligible (0-1); hidden when either is


@dataclass(frozen=True)
class Outcomes:
    people: Figure
    started_by_week: tuple[tuple[str, Figure], ...]  # ("2026-W47", people who joined)
    retention: tuple[Retention, ...]
    urges_started: Figure
    urges_finished: Figure
    pull_before: Figure  # average 0-10 over before/after pairs
    pull_after: Figure
    pull_fell: Figure  # share of pairs (0-1) where the pull after was lower
    pairs: Figure  # how many before/after pairs
    tools: tuple[tuple[str, Figure], ...]  # (tool, times chosen), most chosen first
    tactics: tuple[tuple[str, Figure], ...]  # (tactic, times met), most met first
    slips: Figure
    slips_per_100_weeks: Figure
    person_weeks: Figure
    checkins_sent: Figure
    checkins_answered: Figure
    reached_day_90: Figure  # people with check-ins set up whose day 90 has passed
    weekly_after_90: Figure  # of them, people now on weekly check-ins


def _iso_week(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


# People per day joined (streamed from the users_created index); folded into weeks here, so
# no day leaves this module.
_DAYS = "SELECT created_on, count(*) FROM users GROUP BY created_on"

# One pass over people and their tallies (kept by triggers as answers are written, schema
# migration 3): never a pass over every record.
_PEOPLE = """
WITH days AS MATERIALIZED (
    SELECT :today - julianday(u.created_on) + 1 AS age,
           julianday(substr(t.last_checkin, 1, 10)) - julianday(u.created_on) + 1 AS last_day,
           max(julianday(coalesce(substr(t.last_at, 1, 10), u.created_on)),
               julianday(u.created_on)) - julianday(u.created_on) + 1 AS observed,
           coalesce(t.answered, 0) AS answered, coalesce(t.sent, 0) AS sent,
           coalesce(t.started, 0) AS started, coalesce(t.finished, 0) AS finished,
           coalesce(t.slips, 0) AS slips, coalesce(t.pairs, 0) AS pairs,
           t.sum_before, t.sum_after, t.fell,
           (u.checkin_time IS NOT NULL AND u.nc_start IS NOT NULL
            AND :today - julianday(u.nc_start) + 1 > :checkin_days) AS reached,
           u.checkins AS mode
    FROM users u LEFT JOIN tallies t ON t.user_id = u.user_id
)
SELECT count(*) AS people, sum(observed) AS observed,
       sum(answered) AS answered, sum(answered > 0) AS answered_people,
       sum(sent) AS sent, sum(sent > 0) AS sent_people,
       sum(started) AS started, sum(started > 0) AS started_people,
       sum(finished) AS finished, sum(finished > 0) AS finished_people,
       sum(slips) AS slips, sum(slips > 0) AS slip_people,
       sum(pairs) AS pairs, sum(pairs > 0) AS pair_people, sum(sum_before) AS sum_before,
       sum(sum_after) AS sum_after, sum(fell) AS fell,
       sum(reached) AS reached, sum(reached AND mode = 'weekly') AS weekly,
       {retention}
FROM days
"""

_RETENTION = ("sum(age >= {d}) AS eligible_{d}, "
              "sum(age >= {d} AND last_day >= {d}) AS kept_{d}")

# Tools and tactics: times each was chosen and by how many people, in primary-key order.
_CHOICES = """
SELECT field, value, sum(n) AS times, count(*) AS people
FROM choice_tallies GROUP BY field, value
"""


async def outcomes(db: aiosqlite.Connection, now: datetime) -> Outcomes:
    """Every figure of the operator's report, as of `now`, already suppressed."""
    today = now.astimezone(UTC).date()
    params = {"today": _julian(today), "checkin_days": CHECKIN_DAYS}
    retention_sql = ", ".join(_RETENTION.format(d=d) for d in RETENTION_DAYS)

    async with db.execute(_DAYS) as cur:
        by_week: dict[str, int] = {}
        for day, joined in await cur.fetchall():
            week = _iso_week(day)
            by_week[week] = by_week.get(week, 0) + joined
    weeks = tuple((week, Figure.of(k, k)) for week, k in sorted(by_week.items()))
    async with db.execute(_PEOPLE.format(retention=retention_sql), params) as cur:
        p = dict(zip([c[0] for c in cur.description], await cur.fetchone(), strict=True))
    async with db.execute(_CHOICES) as cur:
        choices = list(await cur.fetchall())

    def n(key: str) -> int:
        return int(p[key] or 0)

    retention = []
    for d in RETENTION_DAYS:
        eligible, kept = n(f"eligible_{d}"), n(f"kept_{d}")
        share = Figure.of(kept / eligible if eligible else None, min(eligible, kept))
        retention.append(Retention(d, Figure.of(eligible, eligible), Figure.of(kept, kept),
                                   share))
    people, pairs, pair_people = n("people"), n("pairs"), n("pair_people")
    weeks_observed = n("observed") / 7
    return Outcomes(
        people=Figure.of(people, people),
        started_by_week=weeks,
        retention=tuple(retention),
        urges_started=Figure.of(n("started"), n("started_people")),
        urges_finished=Figure.of(n("finished"), n("finished_people")),
        pull_before=Figure.of(n("sum_before") / pairs if pairs else None, pair_people),
        pull_after=Figure.of(n("sum_after") / pairs if pairs else None, pair_people),
        pull_fell=Figure.of(n("fell") / pairs if pairs else None, pair_people),
        pairs=Figure.of(pairs, pair_people),
        tools=_ranked(choices, "tool"),
        tactics=_ranked(choices, "tactic"),
        slips=Figure.of(n("slips"), n("slip_people")),
        slips_per_100_weeks=Figure.of(100 * n("slips") / weeks_observed
                                      if weeks_observed else None, people),
        person_weeks=Figure.of(weeks_observed, people),
        checkins_sent=Figure.of(n("sent"), n("sent_people")),
        checkins_answered=Figure.of(n("answered"), n("answered_people")),
        reached_day_90=Figure.of(n("reached"), n("reached")),
        weekly_after_90=Figure.of(n("weekly"), n("weekly")),
    )


def _ranked(rows: list[Any], name: str) -> tuple[tuple[str, Figure], ...]:
    """(value, times) of one field, most recorded first."""
    mine = sorted((r for r in rows if r[0] == name and r[1]), key=lambda r: (-r[2], r[1]))
    return tuple((r[1], Figure.of(r[2], r[3])) for r in mine)


def _julian(day: date) -> float:
    """SQLite's julianday() of a date at midnight, so day arithmetic matches the SQL."""
    return (day - date(2000, 1, 1)) / timedelta(days=1) + 2451544.5
