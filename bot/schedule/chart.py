"""A small bar chart of the week's 0-10 answers, as a PNG made with the standard library.

No plotting dependency: seven bars on a pixel grid, written with zlib and struct. The
numbers themselves go in the photo's caption, so the picture is a glance, not the only copy.
"""

from __future__ import annotations

import struct
import zlib

WIDTH, HEIGHT = 420, 220
_MARGIN = 20
_BG = (250, 248, 244)
_GRID = (222, 218, 210)
_BAR = (94, 129, 172)
_NONE = (200, 196, 190)


def week_chart(values: list[int | None]) -> bytes:
    """One bar per day (oldest first); None is a day without an answer (a short grey stub)."""
    pixels = [[_BG] * WIDTH for _ in range(HEIGHT)]
    plot_h = HEIGHT - 2 * _MARGIN
    base = HEIGHT - _MARGIN
    for level in (0, 5, 10):  # gridlines at 0, 5 and 10
        y = base - round(plot_h * level / 10)
        for x in range(_MARGIN, WIDTH - _MARGIN):
            pixels[y][x] = _GRID
    count = max(len(values), 1)
    slot = (WIDTH - 2 * _MARGIN) // count
    bar_w = max(slot * 3 // 5, 2)
    for i, value in enumerate(values):
        left = _MARGIN + i * slot + (slot - bar_w) // 2
        height = 3 if value is None else max(round(plot_h * min(max(value, 0), 10) / 10), 2)
        colour = _NONE if value is None else _BAR
        for y in range(base - height, base + 1):
            row = pixels[y]
            for x in range(left, left + bar_w):
                row[x] = colour
    return _png(pixels)


def _png(pixels: list[list[tuple[int, int, int]]]) -> bytes:
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)
    height, width = len(pixels), len(pixels[0])

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
