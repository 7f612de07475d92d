"""The weekly picture of the check-in answers: a PNG a tired person understands at a glance.

Drawn with Pillow because a picture without words fails its reader: it needs a title that
says what the bars mean and which way is good, day names, a 0/5/10 scale, a missing day that
looks missing (an outline, never a bar of 0), and last week's average as a line to compare
against. The numbers also go in the photo's caption, so the picture is never the only copy.
"""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

TITLE = "Pull to contact them, 0-10, lower is easier"
NO_ANSWER = "no\nanswer"
WIDTH, HEIGHT = 720, 420
#: The plot area: left edge leaves room for the scale, bottom for the day names.
LEFT, RIGHT, TOP, BOTTOM = 56, WIDTH - 24, 78, HEIGHT - 52
BG = (250, 248, 244)
INK = (52, 52, 60)
GRID = (222, 218, 210)
BAR = (94, 129, 172)
OUTLINE = (170, 164, 156)
AVERAGE = (214, 120, 64)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font: no font file of this machine is needed."""
    return ImageFont.load_default(size=size)


def level_y(level: float) -> int:
    """The pixel row of a 0-10 level inside the plot."""
    return round(BOTTOM - (BOTTOM - TOP) * min(max(level, 0), 10) / 10)


def columns(count: int) -> list[tuple[int, int]]:
    """(left, right) of each day's bar."""
    slot = (RIGHT - LEFT) / max(count, 1)
    width = slot * 0.62
    return [(round(LEFT + i * slot + (slot - width) / 2),
             round(LEFT + i * slot + (slot + width) / 2)) for i in range(count)]


def week_chart(values: list[int | None], days: list[str] | None = None,
               last_week: float | None = None, text: bool = True) -> bytes:
    """One bar per day (oldest first); None is a day without an answer (outlined only).

    `days` are the names under the bars; `last_week` is last week's average (a dashed line).
    `text=False` draws the same picture without any words (tests compare the two).
    """
    image = Image.new("RGB", (WIDTH, HEIGHT), BG)
    draw = ImageDraw.Draw(image)
    for level in (0, 5, 10):
        y = level_y(level)
        draw.line([(LEFT, y), (RIGHT, y)], fill=GRID, width=2 if level == 0 else 1)
        if text:
            draw.text((LEFT - 12, y), str(level), fill=INK, font=_font(16), anchor="rm")
    if text:
        draw.text((WIDTH // 2, 26), TITLE, fill=INK, font=_font(22), anchor="mm")
    if last_week is not None:
        _dashed_line(draw, LEFT, RIGHT, level_y(last_week))  # under the bars and numbers
        if text:  # the key sits under the title, where no bar can cover it
            _dashed_line(draw, WIDTH // 2 - 120, WIDTH // 2 - 92, 56)
            draw.text((WIDTH // 2 - 84, 56), f"last week's average: {last_week:.1f}",
                      fill=AVERAGE, font=_font(15), anchor="lm")
    for i, (left, right) in enumerate(columns(len(values))):
        value = values[i]
        middle = (left + right) // 2
        if value is None:
            _dashed_box(draw, left, level_y(10), right, level_y(0))
            if text:
                draw.multiline_text((middle, level_y(5)), NO_ANSWER, fill=OUTLINE,
                                    font=_font(12), anchor="mm", align="center")
        else:
            top = min(level_y(value), BOTTOM - 3)  # a 0 is a visible sliver, not nothing
            draw.rectangle([left, top, right, BOTTOM], fill=BAR)
            if text:
                at, label = (middle, top - 6), str(value)
                box = draw.textbbox(at, label, font=_font(16), anchor="md")
                draw.rectangle([box[0] - 3, box[1] - 2, box[2] + 3, box[3] + 2], fill=BG)
                draw.text(at, label, fill=INK, font=_font(16), anchor="md")
        if text and days and i < len(days):
            draw.text((middle, BOTTOM + 12), days[i], fill=INK, font=_font(16), anchor="mt")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _dashed_line(draw: ImageDraw.ImageDraw, left: int, right: int, y: int) -> None:
    for x in range(left, right, 14):
        draw.line([(x, y), (min(x + 8, right), y)], fill=AVERAGE, width=3)


def _dashed_box(draw: ImageDraw.ImageDraw, left: int, top: int, right: int,
                bottom: int) -> None:
    """The outline of a day with no answer: it must not read as a bar of 0."""
    for x in range(left, right, 10):
        end = min(x + 5, right)
        draw.line([(x, top), (end, top)], fill=OUTLINE, width=2)
        draw.line([(x, bottom - 1), (end, bottom - 1)], fill=OUTLINE, width=2)
    for y in range(top, bottom, 10):
        end = min(y + 5, bottom)
        draw.line([(left, y), (left, end)], fill=OUTLINE, width=2)
        draw.line([(right, y), (right, end)], fill=OUTLINE, width=2)
