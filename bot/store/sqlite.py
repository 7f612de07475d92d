"""The store: one aiosqlite connection, WAL, migrations, and the only SQL in the bot.

The rest of the bot talks to `Store` methods, never SQL, so a PostgreSQL store can later
stand behind the same methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import inspect
import logging
import os
import sqlite3
import stat
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import aiosqlite

from bot.engine import Profile, UserState
from bot.store import stats
from bot.store.errors import StoreBusy, StoreCorrupt, StoreError, StoreFull, StoreReadOnly
from bot.store.schema import MIGRATIONS
from bot.store.stats import Outcomes

log = logging.getLogger(__name__)

#: Telegram lets a bot delete a message for 48 hours; older ids are of no use to /wipe.
MESSAGE_WINDOW = timedelta(hours=48)
#: Written into the file header (PRAGMA application_id), so a file is known to be ours.
APPLICATION_ID = 0x4E43_4231  # "NCB1"
#: Tables an earlier version of this bot made before it wrote APPLICATION_ID.
OUR_TABLES = frozenset({"users", "records", "marks", "due", "bot_messages"})
SQLITE_MAGIC = b"SQLite format 3\x00"
#: /delete waits this long (seconds, one pause before each try) for other readers of the
#: database to let go before it says what is still pending: about 0.75 s in all.
FOLD_PAUSES = (0.0, 0.05, 0.1, 0.2, 0.4)
#: How long one checkpoint try waits on a lock: not at all. A TRUNCATE checkpoint holds the
#: write lock while it waits for readers, so any wait here would be every writer's wait too.
FOLD_BUSY_SECONDS = 0.0
#: Between tries in the background, once /delete has answered (growing to the second value).
FOLD_RETRY = (0.5, 5.0)
PROFILE_COLUMNS = ("relation", "coparent", "country", "tz", "nc_start", "checkin_time",
                   "quiet_start", "quiet_end", "checkins", "paused_until")


@dataclass(frozen=True)
class DueRow:
    id: int
    user_id: int
    kind: str
    ref: str
    due_at: datetime


def _ts(moment: datetime) -> str:
    """Timestamps are stored in UTC ISO form so they sort and compare as text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat()


def _parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


#: SQLite's primary code names (extended ones start with these) and the store error they are.
_KINDS: tuple[tuple[str, type[StoreError]], ...] = (
    ("SQLITE_BUSY", StoreBusy), ("SQLITE_LOCKED", StoreBusy), ("SQLITE_FULL", StoreFull),
    ("SQLITE_READONLY", StoreReadOnly), ("SQLITE_CORRUPT", StoreCorrupt),
    ("SQLITE_NOTADB", StoreCorrupt))

P = ParamSpec("P")
R = TypeVar("R")


def translated(exc: sqlite3.Error) -> StoreError:
    """The store's error for a SQLite one: the code name only, never SQLite's message."""
    code = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
    for prefix, kind in _KINDS:
        if code == prefix or code.startswith(prefix + "_"):
            return kind(code)
    return StoreError(code)


def _boundary(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Wrap one public store method so no `sqlite3.Error` leaves the store."""
    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise translated(exc) from exc
    return wrapper


def _translating(cls: type[Store]) -> type[Store]:
    """Every public coroutine method of the store raises `StoreError`s, not sqlite3's."""
    for name, value in list(vars(cls).items()):
        if name.startswith("_"):
            continue
        if isinstance(value, classmethod) and inspect.iscoroutinefunction(value.__func__):
            setattr(cls, name, classmethod(_boundary(value.__func__)))
        elif inspect.iscoroutinefunction(value):
            setattr(cls, name, _boundary(value))
    return cls


class NotOurFile(ValueError):
    """The path names something this bot did not make: it is left exactly as it was."""


@_translating
class Store:
    """Open with `await Store.open(path)`; close with `await store.close()`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        #: One connection is shared by handlers and the dispatcher; writes take turns so one
        #: task's statements never land inside another task's transaction.
        self.lock = asyncio.Lock()
        #: Retries folding the WAL after an erase that another reader held up.
        self._fold_task: asyncio.Task[None] | None = None
        #: The task inside `transaction()`, whose reads are part of it. Any other task's read
        #: waits for the lock: on this one connection it would otherwise see the open
        #: transaction's uncommitted (and perhaps later rolled back) writes.
        self.owner: asyncio.Task[object] | None = None

    @classmethod
    async def open(cls, path: Path) -> Store:
        dedicated = _prepare_file(path)
        db = await aiosqlite.connect(path, isolation_level=None)
        db.row_factory = sqlite3.Row
        store = cls(db, path)
        try:
            # Read-only checks first: nothing is written (not even WAL mode) to a file that
            # turns out to be another program's database.
            await store._check_ours()
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA busy_timeout=5000")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA secure_delete=ON")
            await store._migrate()
            await db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        except BaseException:
            # Not a database, or unwritable: close, or aiosqlite's thread keeps the process up.
            await db.close()
            raise
        _owner_only(path, dedicated)
        # An erase that a crash interrupted may have left its rows in the WAL: fold it now.
        if not await asyncio.to_thread(_checkpoint, path):
            store._fold_later()
        return store

    async def close(self) -> None:
        if self._fold_task is not None:
            self._fold_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._fold_task
        await self.db.close()

    async def _check_ours(self) -> None:
        """Refuse a database another program made (it would get our tables and modes)."""
        app_id = (await self._one("PRAGMA application_id") or (0,))[0]
        if app_id == APPLICATION_ID:
            return
        tables = {r[0] for r in await self._all(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id == 0 and (not tables or tables >= OUR_TABLES):
            return  # new and empty, or made by an earlier version of this bot
        raise NotOurFile("it is another program's database; point BOT_DATABASE_URL at a new "
                         "file")

    async def _migrate(self) -> None:
        async with self.db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = row[0] if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self.db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        if self._in_own_transaction():
            return await self._fetch_one(sql, params)
        async with self.lock:  # outside: wait for any open transaction to end
            return await self._fetch_one(sql, params)

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        if self._in_own_transaction():
            return await self._fetch_all(sql, params)
        async with self.lock:
            return await self._fetch_all(sql, params)

    def _in_own_transaction(self) -> bool:
        return self.owner is not None and self.owner is asyncio.current_task()

    async def _fetch_one(self, sql: str, params: Iterable[Any]) -> sqlite3.Row | None:
        async with self.db.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def _fetch_all(self, sql: str, params: Iterable[Any]) -> list[sqlite3.Row]:
        async with self.db.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    # -- people -------------------------------------------------------------------------

    async def has_user(self, user_id: int) -> bool:
        """Whether the person has a row: only /start (or writing to the bot) makes one."""
        return await self._one("SELECT 1 FROM users WHERE user_id = ?", (user_id,)) is not None

    async def ensure_user(self, user_id: int, today: date) -> bool:
        """Create the person's row if new; returns True when it was created."""
        cur = await self.db.execute(
            "INSERT INTO users (user_id, created_on) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (user_id, today.isoformat()))
        return cur.rowcount == 1

    async def user(self, user_id: int) -> dict[str, Any] | None:
        row = await self._one("SELECT * FROM users WHERE user_id = ?", (user_id,))
        return dict(row) if row else None

    async def set_profile(self, user_id: int, **values: Any) -> None:
        unknown = set(values) - set(PROFILE_COLUMNS) - {"active"}
        if unknown:
            raise ValueError(f"not profile columns: {sorted(unknown)}")
        sets = ", ".join(f"{name} = ?" for name in values)
        await self.db.execute(f"UPDATE users SET {sets} WHERE user_id = ?",
                              (*values.values(), user_id))

    async def set_active(self, user_id: int, active: bool) -> None:
        await self.db.execute("UPDATE users SET active = ? WHERE user_id = ?",
                              (int(active), user_id))

    async def load(self, user_id: int, now: datetime) -> tuple[UserState, Profile]:
        """The person's place and the facts the engine's wording reads.

        Day counts use the person's own calendar day (their zone, UTC until they set one).
        """
        row = await self.user(user_id)
        if row is None:
            return UserState(), Profile()
        today = local_date(now, row["tz"])
        marks = await self._all("SELECT field, value FROM marks WHERE user_id = ?", (user_id,))
        state = UserState(flow=row["flow"], node=row["node"], timer=row["timer"],
                          resume_flow=row["resume_flow"], resume_node=row["resume_node"],
                          guess=row["guess"])
        days = run_days(row["nc_start"], today)
        profile = Profile(
            relation=row["relation"] or "other",
            coparent=bool(row["coparent"]),
            tz=row["tz"] or "UTC",
            marks=frozenset((m["field"], m["value"]) for m in marks),
            days=days,
            longest=max(row["longest_run"], days),
            total=row["past_days"] + days,
            country=row["country"],
        )
        return state, profile

    async def save_state(self, user_id: int, state: UserState) -> None:
        await self.db.execute(
            "UPDATE users SET flow = ?, node = ?, timer = ?, resume_flow = ?, resume_node = ?, "
            "guess = ? WHERE user_id = ?",
            (state.flow, state.node, state.timer, state.resume_flow, state.resume_node,
             state.guess, user_id))

    async def restart_run(self, user_id: int, today: date) -> None:
        """Start a new run today. Days already done move into the total; the longest stays."""
        row = await self.user(user_id)
        if row is None:
            return
        days = run_days(row["nc_start"], today)
        await self.db.execute(
            "UPDATE users SET past_days = past_days + ?, longest_run = max(longest_run, ?), "
            "nc_start = ? WHERE user_id = ?", (days, days, today.isoformat(), user_id))

    # -- recorded values and ticks --------------------------------------------------------

    async def record(self, user_id: int, field: str, value: str | int, now: datetime) -> None:
        value_int = value if isinstance(value, int) else None
        value_id = value if isinstance(value, str) else None
        await self.db.execute(
            "INSERT INTO records (user_id, at, field, value_int, value_id) VALUES (?,?,?,?,?)",
            (user_id, _ts(now), field, value_int, value_id))

    async def records(self, user_id: int, fields: Iterable[str] | None = None,
                      limit: int = 500) -> list[tuple[str, str | int]]:
        """Oldest first, at most the last `limit`."""
        rows = await self._all(
            "SELECT field, value_int, value_id FROM (SELECT * FROM records WHERE user_id = ? "
            "ORDER BY id DESC LIMIT ?) ORDER BY id", (user_id, limit))
        wanted = set(fields) if fields is not None else None
        return [(r["field"], r["value_int"] if r["value_id"] is None else r["value_id"])
                for r in rows if wanted is None or r["field"] in wanted]

    async def mark(self, user_id: int, field: str, value: str, on: bool) -> None:
        if on:
            await self.db.execute("INSERT OR IGNORE INTO marks VALUES (?, ?, ?)",
                                  (user_id, field, value))
        else:
            await self.db.execute(
                "DELETE FROM marks WHERE user_id = ? AND field = ? AND value = ?",
                (user_id, field, value))

    # -- the due-queue ----------------------------------------------------------------------

    async def schedule(self, user_id: int, kind: str, ref: str, due_at: datetime) -> None:
        """Add a due row; the same (user, kind, ref) twice is one row (never two sends)."""
        await self.db.execute(
            "INSERT INTO due (user_id, kind, ref, due_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, kind, ref) DO NOTHING",
            (user_id, kind, ref, _ts(due_at)))

    async def cancel(self, user_id: int, kind: str, ref: str | None = None) -> None:
        """Drop pending rows of `kind` (one `ref`, or all) that nobody has claimed yet."""
        sql = "DELETE FROM due WHERE user_id = ? AND kind = ? AND claimed_at IS NULL"
        params: tuple[Any, ...] = (user_id, kind)
        if ref is not None:
            sql += " AND ref = ?"
            params += (ref,)
        await self.db.execute(sql, params)

    async def claim_due(self, now: datetime, limit: int = 500) -> list[DueRow]:
        """Atomically claim due rows: a claimed row is never handed to a second process."""
        rows = await self._all(
            "UPDATE due SET claimed_at = ? WHERE id IN (SELECT id FROM due "
            "WHERE claimed_at IS NULL AND due_at <= ? ORDER BY due_at LIMIT ?) "
            "RETURNING id, user_id, kind, ref, due_at",
            (_ts(now), _ts(now), limit))
        return [DueRow(r["id"], r["user_id"], r["kind"], r["ref"], _parse_ts(r["due_at"]))
                for r in rows]

    async def release(self, due_id: int) -> None:
        """Un-claim a row that was certainly not sent, so the next scan tries it again."""
        await self.db.execute("UPDATE due SET claimed_at = NULL WHERE id = ? AND sent_at IS NULL",
                              (due_id,))

    async def release_unsent(self, kind: str) -> int:
        """Un-claim every claimed, unsent row of `kind` (after a crash); returns how many."""
        cur = await self.db.execute(
            "UPDATE due SET claimed_at = NULL WHERE kind = ? AND claimed_at IS NOT NULL "
            "AND sent_at IS NULL", (kind,))
        return cur.rowcount

    async def mark_sent(self, due_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE due SET sent_at = ? WHERE id = ?", (_ts(now), due_id))

    async def last_claimed(self, user_id: int, kind: str) -> str | None:
        """The newest `ref` of `kind` already claimed (for check-ins: the last local date)."""
        row = await self._one(
            "SELECT max(ref) AS ref FROM due WHERE user_id = ? AND kind = ? "
            "AND claimed_at IS NOT NULL", (user_id, kind))
        return row["ref"] if row else None

    async def pending(self, user_id: int) -> list[DueRow]:
        rows = await self._all(
            "SELECT id, user_id, kind, ref, due_at FROM due WHERE user_id = ? "
            "AND claimed_at IS NULL ORDER BY due_at", (user_id,))
        return [DueRow(r["id"], r["user_id"], r["kind"], r["ref"], _parse_ts(r["due_at"]))
                for r in rows]

    # -- hard dates ("hoover season"): a month-day and an enum label -----------------------

    async def add_hard_date(self, user_id: int, month_day: str, label: str) -> None:
        # ON CONFLICT, not OR IGNORE: OR IGNORE would also swallow a failed CHECK.
        await self.db.execute("INSERT INTO hard_dates VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                              (user_id, month_day, label))

    async def hard_dates(self, user_id: int) -> list[tuple[str, str]]:
        rows = await self._all("SELECT month_day, label FROM hard_dates WHERE user_id = ? "
                               "ORDER BY month_day, label", (user_id,))
        return [(r["month_day"], r["label"]) for r in rows]

    async def clear_hard_dates(self, user_id: int) -> None:
        await self.db.execute("DELETE FROM hard_dates WHERE user_id = ?", (user_id,))

    async def scale_since(self, user_id: int, field: str,
                          since: datetime) -> list[tuple[datetime, int]]:
        """(when, value) of a 0-10 field recorded at or after `since`, oldest first."""
        rows = await self._all(
            "SELECT at, value_int FROM records WHERE user_id = ? AND field = ? AND at >= ? "
            "AND value_int IS NOT NULL ORDER BY id", (user_id, field, _ts(since)))
        return [(_parse_ts(r["at"]), r["value_int"]) for r in rows]

    # -- the bot's own messages (for /wipe) ---------------------------------------------------

    async def remember_message(self, user_id: int, message_id: int, now: datetime) -> None:
        """Keep a message id for /wipe; ids past Telegram's 48-hour delete window go."""
        await self.db.execute("DELETE FROM bot_messages WHERE user_id = ? AND sent_at < ?",
                              (user_id, _ts(now - MESSAGE_WINDOW)))
        await self.db.execute("INSERT OR IGNORE INTO bot_messages VALUES (?, ?, ?)",
                              (user_id, message_id, _ts(now)))

    async def messages(self, user_id: int, since: datetime) -> list[int]:
        rows = await self._all(
            "SELECT message_id FROM bot_messages WHERE user_id = ? AND sent_at >= ? "
            "ORDER BY message_id", (user_id, _ts(since)))
        return [r["message_id"] for r in rows]

    async def forget_messages(self, user_id: int) -> None:
        await self.db.execute("DELETE FROM bot_messages WHERE user_id = ?", (user_id,))

    # -- a person's data as a whole --------------------------------------------------------------

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the person, for /mydata."""
        user = await self.user(user_id)
        if user is None:
            return {}
        out: dict[str, Any] = {"user": user}
        for table, order in (("records", "id"), ("marks", "field, value"),
                             ("due", "due_at"), ("bot_messages", "message_id"),
                             ("hard_dates", "month_day"), ("tallies", "user_id"),
                             ("choice_tallies", "field, value")):
            rows = await self._all(f"SELECT * FROM {table} WHERE user_id = ? ORDER BY {order}",
                                   (user_id,))
            out[table] = [dict(r) for r in rows]
        return out

    async def delete_user(self, user_id: int) -> bool:
        """Erase every row about the person. Call it outside `transaction()`: it is one.

        Returns True only when no copy is left in the WAL either. The WAL still holds the
        person's old pages until a checkpoint folds it into the database (where
        secure_delete has zeroed them) and truncates it; a reader in another process can
        hold that up. Then False: the fold is retried in the background until it succeeds.
        """
        async with self.transaction():
            for table in ("records", "marks", "due", "bot_messages", "hard_dates", "tallies",
                          "choice_tallies", "users"):
                await self.db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
        return await self.fold_wal()

    @property
    def fold_pending(self) -> bool:
        """True while erased rows may still sit in the WAL (a background retry is on)."""
        return self._fold_task is not None and not self._fold_task.done()

    async def wait_folded(self) -> None:
        """Return once no background fold is pending (for benchmarks and shutdown checks)."""
        if self._fold_task is not None:
            await asyncio.shield(self._fold_task)

    async def fold_wal(self, pauses: Iterable[float] = FOLD_PAUSES) -> bool:
        """Checkpoint and truncate the WAL, trying briefly; True when it is empty.

        Runs on its own short-lived connection in a worker thread with no busy wait:
        neither the shared connection, nor the write lock, nor other writers wait on it.
        """
        for pause in pauses:
            await asyncio.sleep(pause)
            if await asyncio.to_thread(_checkpoint, self.path):
                return True
        self._fold_later()
        return False

    def _fold_later(self) -> None:
        if not self.fold_pending:
            self._fold_task = asyncio.create_task(self._fold_until_done())

    async def _fold_until_done(self) -> None:
        pause, longest = FOLD_RETRY
        while True:
            await asyncio.sleep(pause)
            if await asyncio.to_thread(_checkpoint, self.path):
                log.info("the database journal is folded: erased rows are gone from it too")
                return
            pause = min(pause * 2, longest)

    async def outcomes(self, now: datetime) -> Outcomes:
        """The operator's "Is it helping?" figures: aggregates only, already suppressed."""
        return await stats.outcomes(self.db, now)

    def transaction(self) -> _Transaction:
        """`async with store.transaction():` all writes inside land together or not at all."""
        return _Transaction(self)


class _Transaction:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def __aenter__(self) -> None:
        await self.store.lock.acquire()
        try:
            await self.store.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self.store.lock.release()
            raise translated(exc) from exc
        except BaseException:
            self.store.lock.release()
            raise
        self.store.owner = asyncio.current_task()

    async def __aexit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                try:
                    await self.store.db.execute("COMMIT")
                except BaseException as failed:
                    await self._rollback()  # a failed COMMIT must not leave it open
                    if isinstance(failed, sqlite3.Error):
                        raise translated(failed) from failed
                    raise
            else:
                await self._rollback()
        finally:
            self.store.owner = None
            self.store.lock.release()

    async def _rollback(self) -> None:
        # SQLite has often rolled back already (disk full, I/O error): a second ROLLBACK
        # would raise "no transaction is active" and hide the real error.
        if self.store.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                await self.store.db.execute("ROLLBACK")


def _checkpoint(path: Path) -> bool:
    """One TRUNCATE checkpoint on a fresh connection; True when the WAL was folded and emptied.

    The result row is (busy, log frames, checkpointed frames): busy 1 means a reader still
    needs the old pages, so they (and the erased rows in them) stay in the WAL for now.
    """
    try:
        con = sqlite3.connect(path, timeout=FOLD_BUSY_SECONDS, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        busy, frames, done = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error:  # locked by another checkpoint or writer: try again later
        return False
    finally:
        con.close()
    return busy == 0 and frames == done and frames >= 0


def _prepare_file(path: Path) -> bool:
    """Check the path names our file (or nothing yet) before anything is created or chmod-ed.

    A wrong BOT_DATABASE_URL must never change someone else's file: symlinks are refused,
    and an existing file must be empty or a SQLite database (which `Store.open` then checks
    is ours before it writes). Returns whether the folder holds nothing but the database, so
    it can be made owner-only too (never a shared folder such as the home folder).
    """
    folder = path.parent
    if not os.path.lexists(folder):
        folder.mkdir(parents=True, mode=0o700)
    elif os.path.islink(folder):
        raise NotOurFile("its folder is a symbolic link; name the real folder")
    if os.path.islink(path):
        raise NotOurFile("it is a symbolic link; name the real file")
    if path.is_dir():  # found here: aiosqlite's failed connect leaves a thread behind
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file", str(path))
    ours = {path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"}
    dedicated = set(os.listdir(folder)) <= ours and os.stat(folder).st_uid == os.geteuid()
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600))
        return dedicated
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        info = os.fstat(fd)
        head = os.read(fd, len(SQLITE_MAGIC))
    finally:
        os.close(fd)
    if not stat.S_ISREG(info.st_mode):
        raise NotOurFile("it is not a regular file")
    if info.st_size and head != SQLITE_MAGIC:
        raise NotOurFile("it is not a SQLite database; point BOT_DATABASE_URL at a new file")
    return dedicated


def _owner_only(path: Path, dedicated: bool) -> None:
    """Mode 0600 for our files and 0700 for a folder that holds only them; links untouched."""
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        _chmod_no_follow(name, 0o600)
    if dedicated:
        _chmod_no_follow(str(path.parent), 0o700)
    else:
        log.warning("the database folder holds other files too; its permissions are left as "
                    "they are (a folder of its own is made owner-only)")


def _chmod_no_follow(name: str, mode: int) -> None:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return
    except OSError as exc:  # ELOOP: a symbolic link put there; leave it and what it names
        log.warning("not changing the mode of a symbolic link beside the database (%s)",
                    errno.errorcode.get(exc.errno or 0, "error"))
        return
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def local_date(now: datetime, tz: str | None) -> date:
    """The calendar day it is for someone in zone `tz` (UTC when unknown)."""
    return now.astimezone(ZoneInfo(tz or "UTC")).date()


def run_days(nc_start: str | None, today: date) -> int:
    if not nc_start:
        return 0
    return max(0, (today - date.fromisoformat(nc_start)).days)
