"""The weekly picture (issue 13): a person must read it at a glance, so its words are tested.

Each check renders the real PNG, decodes it with Pillow and compares pixel regions: the same
week drawn with and without text must differ exactly where the title, the 0/5/10 scale, the
day names and the "no answer" notes belong; a missing day is an outline, never a bar of 0;
last week's average is a line across the plot.
"""

from __future__ import annotations

import io

from PIL import Image, ImageChops

from bot.schedule import chart

DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
WEEK = [8, None, 6, 0, 5, None, 7]


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def _drawn(with_text: Image.Image, without: Image.Image, box: tuple[int, int, int, int]) -> bool:
    """Do the two renders differ inside `box` (left, top, right, bottom)?"""
    return ImageChops.difference(with_text.crop(box), without.crop(box)).getbbox() is not None


def test_title_scale_day_names_and_no_answer_are_drawn() -> None:
    full = _image(chart.week_chart(WEEK, DAYS, last_week=6.4))
    bare = _image(chart.week_chart(WEEK, DAYS, last_week=6.4, text=False))
    assert full.size == (chart.WIDTH, chart.HEIGHT)
    assert _drawn(full, bare, (0, 0, chart.WIDTH, 40)), "title"
    for level in (0, 5, 10):
        y = chart.level_y(level)
        assert _drawn(full, bare, (0, y - 10, chart.LEFT - 2, y + 10)), f"scale {level}"
    for i, (left, right) in enumerate(chart.columns(7)):
        assert _drawn(full, bare, (left - 8, chart.BOTTOM + 6, right + 8, chart.HEIGHT)), (
            f"day name {DAYS[i]}")
        if WEEK[i] is None:  # "no answer" written inside the outline
            middle = chart.level_y(5)
            assert _drawn(full, bare, (left + 3, middle - 20, right - 3, middle + 20)), DAYS[i]
    # Without words the picture has no text anywhere outside the plot.
    assert bare.crop((0, 0, chart.WIDTH, 40)).getcolors() == [(chart.WIDTH * 40, chart.BG)]


def test_a_missing_day_is_an_outline_not_a_bar_of_zero() -> None:
    bare = _image(chart.week_chart(WEEK, DAYS, text=False))
    cols = chart.columns(7)
    (left, right), zero = cols[1], cols[3]
    middle = (left + right) // 2
    assert bare.getpixel((middle, chart.BOTTOM - 3)) == chart.BG  # nothing at the base
    assert bare.getpixel((middle, chart.level_y(3))) == chart.BG
    edge = [bare.getpixel((left, y)) for y in range(chart.level_y(10), chart.BOTTOM)]
    assert chart.OUTLINE in edge  # its outline stands where a bar would
    middle = (zero[0] + zero[1]) // 2
    assert bare.getpixel((middle, chart.BOTTOM - 3)) == chart.BAR  # a real 0 is a sliver


def test_last_weeks_average_is_a_line_and_absent_without_one() -> None:
    with_line = _image(chart.week_chart(WEEK, DAYS, last_week=6.4, text=False))
    y = chart.level_y(6.4)
    row = [with_line.getpixel((x, y)) for x in range(chart.LEFT, chart.RIGHT)]
    assert row.count(chart.AVERAGE) > (chart.RIGHT - chart.LEFT) // 4
    without = _image(chart.week_chart(WEEK, DAYS, last_week=None))
    assert chart.AVERAGE not in {c for _, c in without.getcolors(maxcolors=1 << 16) or []}


async def test_the_day_15_summary_draws_day_names_and_last_weeks_average(tmp_path) -> None:
    """Through the check-in sender: week two's answers, with week one's average as the line."""
    from datetime import UTC, date, datetime

    from tests.harness import Clock
    from tests.test_checkins import _person, _run_until, _setup

    clock = Clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    store, dispatcher, bot = await _setup(tmp_path, clock)
    photos: list[bytes] = []
    keep = bot.send_photo

    async def send_photo(chat_id: int, photo: bytes, caption: str = "", **more):  # type: ignore[no-untyped-def]
        photos.append(photo)
        return await keep(chat_id, photo, caption, **more)

    bot.send_photo = send_photo  # type: ignore[method-assign]
    await _person(store, 1, "UTC", "18:00", clock.now, nc_start=date(2026, 3, 1))
    answers = {1: 8, 2: 6, 3: 7, 4: 5, 5: 6, 6: 4, 7: 6,   # week one: average 6.0
               8: 5, 9: 4, 11: 3, 12: 0, 13: 2, 14: 3}      # week two: the 10th unanswered
    for day, value in answers.items():
        async with store.transaction():
            await store.record(1, "pull_day", value, datetime(2026, 3, day, 19, tzinfo=UTC))
    await _run_until(dispatcher, clock, datetime(2026, 3, 16, tzinfo=UTC))
    await store.close()
    assert len(photos) == 2  # with day 8's and day 15's check-ins
    names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    expected = chart.week_chart([5, 4, None, 3, 0, 2, 3], names, last_week=6.0)
    assert photos[1] == expected
    assert photos[0] == chart.week_chart([8, 6, 7, 5, 6, 4, 6], names, last_week=None)
