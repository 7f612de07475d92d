"""`python -m bot stats [--png FILE]`: the operator's "Is it helping?" report from the store.

Reads `BOT_DATABASE_URL` (environment or `.env`) like the bot does; prints counts and
averages only (see `bot.store.stats`). Exit 2 on a bad setting, bad usage or a store that
cannot be opened.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

USAGE = "usage: python -m bot stats [--png FILE]"


def stats(argv: list[str]) -> int:
    png: Path | None = None
    if argv[:1] == ["--png"] and len(argv) == 2:
        png = Path(argv[1])
    elif argv:
        print(USAGE, file=sys.stderr)
        return 2
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from bot.settings import Settings

    try:
        path = Settings().database_path
    except (ValidationError, SettingsError, ValueError) as exc:
        print(f"error: settings: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    if not path.is_file():
        print(f"error: BOT_DATABASE_URL: no database at {path}", file=sys.stderr)
        return 2
    from bot.store import StoreError

    try:
        text, picture = asyncio.run(_report(path, datetime.now(UTC), png is not None))
    except (StoreError, OSError) as exc:
        reason = exc.code if isinstance(exc, StoreError) else type(exc).__name__
        print(f"error: cannot read the database: {reason}", file=sys.stderr)
        return 2
    print(text)
    if png is not None and picture is not None:
        png.write_bytes(picture)
        print(f"(picture written to {png})")
    return 0


async def _report(path: Path, now: datetime, picture: bool) -> tuple[str, bytes | None]:
    from bot.outcomes import report_png, report_text
    from bot.store import Store

    store = await Store.open(path)
    try:
        figures = await store.outcomes(now)
    finally:
        await store.close()
    return report_text(figures, now), report_png(figures, now) if picture else None
