"""'Is it helping?': the operator's figures, checked against a generated population.

A real SQLite store holds 1,000 generated people over 120 days (tests/population.py). The
figures the store computes in SQL must equal the ones counted from the people as generated;
anything drawn from fewer than 10 people must come back hidden; the report must carry no id
and no date finer than a week.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.outcomes import report_png, report_text
from bot.store import Store
from bot.store.stats import Figure, Outcomes
from bot.telegram.operator import chunks
from tests.population import NOW, Person, generate, truth, write

ROOT = Path(__file__).resolve().parent.parent


async def _seeded(path: Path, people: list[Person]) -> None:
    store = await Store.open(path)
    await store.close()
    write(people, path)


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Person]]:
    people = generate(1000)
    path = tmp_path_factory.mktemp("outcomes") / "bot.db"
    asyncio.run(_seeded(path, people))
    return path, people


async def outcomes_of(path: Path) -> Outcomes:
    store = await Store.open(path)
    try:
        return await store.outcomes(NOW)
    finally:
        await store.close()


def shown(f: Figure) -> float:
    assert f.value is not None, "figure hidden although drawn from 10 people or more"
    return f.value


async def test_every_figure_matches_the_generated_population(population) -> None:
    path, people = population
    o, t = await outcomes_of(path), truth(people)
    assert shown(o.people) == t.people == 1000
    assert {week: f.value for week, f in o.started_by_week} == {
        week: (n if n >= 10 else None) for week, n in t.by_week.items()}
    for r in o.retention:
        assert r.eligible.value == t.eligible[r.day]
        kept = t.kept.get(r.day, 0)
        assert r.kept.value == (kept if kept >= 10 else None)
        if kept >= 10:
            assert r.share.value == pytest.approx(kept / t.eligible[r.day])
    assert shown(o.urges_started) == t.urges_started
    assert shown(o.urges_finished) == t.urges_finished
    assert shown(o.pairs) == len(t.pairs)
    assert shown(o.pull_before) == pytest.approx(sum(b for b, _ in t.pairs) / len(t.pairs))
    assert shown(o.pull_after) == pytest.approx(sum(a for _, a in t.pairs) / len(t.pairs))
    assert shown(o.pull_fell) == pytest.approx(sum(a < b for b, a in t.pairs) / len(t.pairs))
    assert {v: f.value for v, f in o.tools} == dict(t.tools)
    assert {v: f.value for v, f in o.tactics} == dict(t.tactics)
    assert [f.value for _, f in o.tools] == sorted(t.tools.values(), reverse=True)
    assert shown(o.slips) == t.slips
    assert shown(o.person_weeks) == pytest.approx(t.person_days / 7)
    assert shown(o.slips_per_100_weeks) == pytest.approx(100 * t.slips / (t.person_days / 7))
    assert shown(o.checkins_sent) == t.sent
    assert shown(o.checkins_answered) == t.answered
    assert o.checkins_answered.people == t.answered_people
    assert shown(o.reached_day_90) == t.reached_90
    assert shown(o.weekly_after_90) == t.weekly_90


async def test_answers_recorded_before_the_tallies_existed_are_counted(
        population, tmp_path: Path) -> None:
    """A store from before migration 3: its tallies are filled from what was recorded."""
    import sqlite3

    from bot.store.schema import MIGRATIONS

    path, people = population
    old = tmp_path / "old.db"
    db = sqlite3.connect(old)
    for number, script in enumerate(MIGRATIONS[:2], start=1):
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")
    db.close()
    write(people, old)
    assert await outcomes_of(old) == await outcomes_of(path)


async def test_the_generated_population_shows_the_curve_falling(population) -> None:
    """The figures are not trivially equal: people drift away, and urges mostly ease."""
    o = await outcomes_of(population[0])
    shares = [r.share.value for r in o.retention if r.share.value is not None]
    assert len(shares) >= 3 and shares == sorted(shares, reverse=True)
    assert shown(o.pull_after) < shown(o.pull_before)


def _group(size: int, first_id: int) -> list[Person]:
    """`size` people who all joined 100 days ago and did the same things."""
    joined = NOW.date() - timedelta(days=99)
    people = []
    for i in range(size):
        p = Person(first_id + i, joined, joined, "20:00", "weekly",
                   checkin_days=[1, 7, 30, 60, 90], sent_days=[1, 7, 30, 60, 90],
                   urges=[(5, 8, "hey", "ride", 3, "did_not_reply")], slips=[20])
        people.append(p)
    return people


@pytest.mark.parametrize("size", [9, 10])
async def test_a_figure_from_fewer_than_ten_people_is_hidden(tmp_path: Path, size: int) -> None:
    path = tmp_path / "bot.db"
    await _seeded(path, _group(size, 9_000_000))
    o = await outcomes_of(path)
    figures = [o.people, o.urges_started, o.urges_finished, o.pull_before, o.pull_after,
               o.pull_fell, o.pairs, o.slips, o.slips_per_100_weeks, o.person_weeks,
               o.checkins_sent, o.checkins_answered, o.reached_day_90, o.weekly_after_90,
               *(f for _, f in o.started_by_week), *(f for _, f in o.tools),
               *(f for _, f in o.tactics),
               *(f for r in o.retention for f in (r.eligible, r.kept, r.share))]
    if size < 10:
        assert all(f.value is None and f.people is None for f in figures)
        text = report_text(o, NOW)
        numbers = re.sub(r"\d{4}-W\d\d|\b10\b|0-10|\d+ %|day \d+", "", text, flags=re.I)
        assert str(size) not in numbers  # the count of people is not given away either
    else:
        assert all(f.value is not None and f.people == size for f in figures)
        assert shown(o.pull_before) == 8 and shown(o.pull_after) == 3
        assert shown(o.weekly_after_90) == 10


async def test_one_person_in_a_group_of_ten_choices_stays_hidden(tmp_path: Path) -> None:
    """Ten people, but one tool chosen by one person only: that tool's count is hidden."""
    people = _group(10, 9_100_000)
    people[0].urges.append((6, 9, "guilt", "reach_out", 2, "did_not_reply"))
    path = tmp_path / "bot.db"
    await _seeded(path, people)
    o = await outcomes_of(path)
    assert dict((v, f.value) for v, f in o.tools) == {"ride": 10, "reach_out": None}
    assert "reach out <10" in report_text(o, NOW)


async def test_an_empty_store_gives_a_report_and_a_picture(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    await _seeded(path, [])
    o = await outcomes_of(path)
    assert o.people.hidden and o.started_by_week == ()
    assert "none yet" in report_text(o, NOW)
    assert Image.open(io.BytesIO(report_png(o, NOW))).size == (900, 420)


async def test_the_report_names_no_person_and_no_day(population) -> None:
    path, people = population
    o = await outcomes_of(path)
    text = report_text(o, NOW)
    assert "1,000" in text and "per 100 person-weeks" in text
    assert not re.search(r"\d{4}-\d\d-\d\d", text), "a date finer than a week"
    for p in people:
        assert str(p.user_id) not in text
    days = {p.joined.isoformat() for p in people}
    assert not any(d in text for d in days)


def test_python_m_bot_stats_prints_the_report_and_writes_the_picture(
        population, tmp_path: Path) -> None:
    path, people = population
    png = tmp_path / "report.png"
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{path}"}
    env.pop("BOT_TOKEN", None)
    proc = subprocess.run([sys.executable, "-m", "bot", "stats", "--png", str(png)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Started, all weeks: 1,000" in proc.stdout
    assert "Day 30:" in proc.stdout and "SmokefreeTXT" in proc.stdout
    image = Image.open(png)
    assert image.format == "PNG" and image.size == (900, 420)
    # Not a blank canvas: the curve and the bars are drawn in their colours.
    colours = {c for _, c in image.getcolors(maxcolors=100_000)}
    assert (94, 129, 172) in colours and (191, 120, 92) in colours


def test_python_m_bot_stats_refuses_bad_usage_and_a_missing_database(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"}
    for args in (["stats", "--bogus"], ["stats"]):
        proc = subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2
        assert proc.stderr.strip() and "Traceback" not in proc.stderr
    assert not (tmp_path / "none.db").exists()  # reading stats never creates a database


def test_a_long_report_is_split_at_line_ends_to_fit_telegram() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(200))
    parts = chunks(text)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text


def test_week_labels_are_iso_weeks() -> None:
    from bot.store.stats import _iso_week

    assert _iso_week(date(2026, 11, 16).isoformat()) == "2026-W47"
