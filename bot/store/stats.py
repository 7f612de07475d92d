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


def _iso_week(monday: str) -> str:
    year, week, _ = date.fromisoformat(monday).isocalendar()
    return f"{year}-W{week:02d}"


_WEEKS = """
SELECT date(created_on, '-' || ((CAST(strftime('%w', created_on) AS INTEGER) + 6) % 7)
            || ' days') AS monday,
       count(*) AS people
FROM users GROUP BY monday ORDER BY monday
"""

# One row per person, each value an index seek (records_field, records_user): no pass over
# every record. A person's last check-in answer and last recorded answer of any kind.
_PEOPLE = """
WITH p AS MATERIALIZED (  -- once per person: referenced below many times
    SELECT u.created_on, u.checkin_time, u.nc_start, u.checkins,
           (SELECT max(at) FROM records r WHERE r.field = 'pull_day'
            AND r.value_id IS NULL AND r.user_id = u.user_id) AS last_checkin,
           (SELECT at FROM records WHERE id = (SELECT max(id) FROM records r
            WHERE r.user_id = u.user_id)) AS last_at
    FROM users u
), days AS MATERIALIZED (
    SELECT :today - julianday(u.created_on) + 1 AS age,
           julianday(substr(u.last_checkin, 1, 10)) - julianday(u.created_on) + 1 AS last_day,
           max(julianday(coalesce(substr(u.last_at, 1, 10), u.created_on)),
               julianday(u.created_on)) - julianday(u.created_on) + 1 AS observed,
           (u.checkin_time IS NOT NULL AND u.nc_start IS NOT NULL
            AND :today - julianday(u.nc_start) + 1 > :checkin_days) AS reached,
           u.checkins AS mode
    FROM p AS u
)
SELECT count(*) AS people, sum(observed) AS observed, count(last_day) AS answered_people,
       sum(reached) AS reached, sum(reached AND mode = 'weekly') AS weekly,
       {retention}
FROM days
"""

_RETENTION = ("sum(age >= {d}) AS eligible_{d}, "
              "sum(age >= {d} AND last_day >= {d}) AS kept_{d}")

# Urges started and finished, slips, tools and tactics in one pass over their index ranges:
# times each value was recorded and by how many people. A field's people (across its values)
# are taken as its largest value's people: a lower bound, so suppression errs on hiding.
_CHOICES = """
SELECT field, value_id, sum(n) AS times, count(*) AS people
FROM (SELECT field, value_id, user_id, count(*) AS n FROM records
      WHERE field IN ('pull_before', 'outcome', 'slip', 'tool', 'tactic')
      GROUP BY field, value_id, user_id)
GROUP BY field, value_id
"""

_ANSWERED = "SELECT count(*) FROM records WHERE field = 'pull_day' AND value_id IS NULL"
_SENT = "SELECT count(*) FROM due WHERE kind = 'checkin' AND sent_at IS NOT NULL"

# A pair is a pull_after whose previous pull rating (of the same person) was a pull_before.
_PAIRS = """
SELECT count(*) AS pairs, count(DISTINCT user_id) AS people,
       avg(before) AS before, avg(value_int) AS after, sum(value_int < before) AS fell
FROM (SELECT user_id, field, value_int,
             lag(field) OVER w AS previous, lag(value_int) OVER w AS before
      FROM records WHERE field IN ('pull_before', 'pull_after')
      WINDOW w AS (PARTITION BY user_id ORDER BY id))
WHERE field = 'pull_after' AND previous = 'pull_before'
"""


async def outcomes(db: aiosqlite.Connection, now: datetime) -> Outcomes:
    """Every figure of the operator's report, as of `now`, already suppressed."""
    today = now.astimezone(UTC).date()
    params = {"today": _julian(today), "checkin_days": CHECKIN_DAYS}
    retention_sql = ", ".join(_RETENTION.format(d=d) for d in RETENTION_DAYS)

    async with db.execute(_WEEKS) as cur:
        weeks = tuple((_iso_week(r[0]), Figure.of(r[1], r[1])) for r in await cur.fetchall())
    async with db.execute(_PEOPLE.format(retention=retention_sql), params) as cur:
        p = dict(zip([c[0] for c in cur.description], await cur.fetchone(), strict=True))
    async with db.execute(_CHOICES) as cur:
        choices = list(await cur.fetchall())
    fields: dict[str, tuple[int, int]] = {}
    for name, _, times, who in choices:
        total, most = fields.get(name, (0, 0))
        fields[name] = (total + times, max(most, who))
    async with db.execute(_PAIRS) as cur:
        pairs, pair_people, before, after, fell = await cur.fetchone()
    async with db.execute(_ANSWERED) as cur:
        answered = (await cur.fetchone())[0]
    async with db.execute(_SENT) as cur:
        sent = (await cur.fetchone())[0]

    def n(key: str) -> int:
        return int(p[key] or 0)

    def field(name: str) -> Figure:
        times, people = fields.get(name, (0, 0))
        return Figure.of(times, people)

    retention = []
    for d in RETENTION_DAYS:
        eligible, kept = n(f"eligible_{d}"), n(f"kept_{d}")
        share = Figure.of(kept / eligible if eligible else None, min(eligible, kept))
        retention.append(Retention(d, Figure.of(eligible, eligible), Figure.of(kept, kept),
                                   share))
    people = n("people")
    weeks_observed = n("observed") / 7
    slips = fields.get("slip", (0, 0))[0]
    return Outcomes(
        people=Figure.of(people, people),
        started_by_week=weeks,
        retention=tuple(retention),
        urges_started=field("pull_before"),
        urges_finished=field("outcome"),
        pull_before=Figure.of(before, pair_people),
        pull_after=Figure.of(after, pair_people),
        pull_fell=Figure.of((fell or 0) / pairs if pairs else None, pair_people),
        pairs=Figure.of(pairs, pair_people),
        tools=_ranked(choices, "tool"),
        tactics=_ranked(choices, "tactic"),
        slips=field("slip"),
        slips_per_100_weeks=Figure.of(100 * slips / weeks_observed
                                      if weeks_observed else None, people),
        person_weeks=Figure.of(weeks_observed, people),
        # Everyone who answered was sent one: the people behind "sent" are at least these.
        checkins_sent=Figure.of(sent, n("answered_people")),
        checkins_answered=Figure.of(answered, n("answered_people")),
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
