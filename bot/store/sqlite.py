"""The store: one aiosqlite connection, WAL, migrations, and the only SQL in the bot.

The rest of the bot talks to `Store` methods, never SQL, so a PostgreSQL store can later
stand behind the same methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.engine import Profile, UserState
from bot.store.schema import MIGRATIONS

#: Telegram lets a bot delete a message for 48 hours; older ids are of no use to /wipe.
MESSAGE_WINDOW = timedelta(hours=48)
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


class Store:
    """Open with `await Store.open(path)`; close with `await store.close()`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        #: One connection is shared by handlers and the dispatcher; writes take turns so one
        #: task's statements never land inside another task's transaction.
        self.lock = asyncio.Lock()
        #: The task inside `transaction()`, whose reads are part of it. Any other task's read
        #: waits for the lock: on this one connection it would otherwise see the open
        #: transaction's uncommitted (and perhaps later rolled back) writes.
        self.owner: asyncio.Task[object] | None = None

    @classmethod
    async def open(cls, path: Path) -> Store:
        _prepare_file(path)
        db = await aiosqlite.connect(path, isolation_level=None)
        db.row_factory = sqlite3.Row
        store = cls(db, path)
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA busy_timeout=5000")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA secure_delete=ON")
            await store._migrate()
        except BaseException:
            # Not a database, or unwritable: close, or aiosqlite's thread keeps the process up.
            await db.close()
            raise
        return store

    async def close(self) -> None:
        await self.db.close()

    async def _migrate(self) -> None:
        async with self.db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = row[0] if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self.db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")
        _owner_only(self.path)

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
                             ("hard_dates", "month_day")):
            rows = await self._all(f"SELECT * FROM {table} WHERE user_id = ? ORDER BY {order}",
                                   (user_id,))
            out[table] = [dict(r) for r in rows]
        return out

    async def delete_user(self, user_id: int) -> None:
        """Erase every row about the person. Call it outside `transaction()`: it is one."""
        async with self.transaction():
            for table in ("records", "marks", "due", "bot_messages", "hard_dates", "users"):
                await self.db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
        # Fold the WAL back so deleted pages do not linger in it (secure_delete zeroes them).
        async with self.lock:
            await self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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
        except BaseException:
            self.store.lock.release()
            raise
        self.store.owner = asyncio.current_task()

    async def __aexit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                try:
                    await self.store.db.execute("COMMIT")
                except BaseException:
                    await self._rollback()  # a failed COMMIT must not leave it open
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


def _prepare_file(path: Path) -> None:
    """Create the folder and file owner-only before SQLite opens it: it says who uses the bot."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.is_dir():  # found here: aiosqlite's failed connect leaves a thread behind
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file", str(path))
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


def _owner_only(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.chmod(side, 0o600)


def local_date(now: datetime, tz: str | None) -> date:
    """The calendar day it is for someone in zone `tz` (UTC when unknown)."""
    return now.astimezone(ZoneInfo(tz or "UTC")).date()


def run_days(nc_start: str | None, today: date) -> int:
    if not nc_start:
        return 0
    return max(0, (today - date.fromisoformat(nc_start)).days)
