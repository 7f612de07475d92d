"""Storage behind one interface (`Store`): SQLite through aiosqlite today.

Callers catch the store's own errors (`StoreError` and kin), never the backend's.
"""

from bot.store.errors import StoreBusy, StoreCorrupt, StoreError, StoreFull, StoreReadOnly
from bot.store.sqlite import DueRow, NotOurFile, Store, local_date, run_days

__all__ = ["DueRow", "NotOurFile", "Store", "StoreBusy", "StoreCorrupt", "StoreError",
           "StoreFull", "StoreReadOnly", "local_date", "run_days"]
