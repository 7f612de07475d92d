"""The store's own errors: callers catch these, never the backend's (sqlite3, later asyncpg).

Each carries the backend's error code NAME only (e.g. "SQLITE_BUSY"), never a value or the
backend's message, so logging one can never leak what someone typed. The backend module
translates its errors into these at the boundary (every public store method and the
transaction's begin and commit).
"""

from __future__ import annotations


class StoreError(Exception):
    """A database operation failed; nothing of the failed unit of work was saved."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        #: The backend's code name (SQLITE_FULL...): says what went wrong, never with what data.
        self.code = code


class StoreBusy(StoreError):
    """Another writer held the database longer than the busy timeout: try again later."""


class StoreFull(StoreError):
    """The disk (or the database's size limit) is full: writes fail, reads still work."""


class StoreReadOnly(StoreError):
    """The database refuses writes (read-only file, mount or connection)."""


class StoreCorrupt(StoreError):
    """The file is damaged or is not a database at all: an operator must look."""
