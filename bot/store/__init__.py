"""Storage behind one interface (`Store`): SQLite through aiosqlite today."""

from bot.store.sqlite import DueRow, Store, local_date, run_days

__all__ = ["DueRow", "Store", "local_date", "run_days"]
