"""The SQLite schema, as numbered migrations applied by `PRAGMA user_version`.

Every column holds an id, an enum, an integer, a date or a time. CHECK constraints make a
free-text value impossible to store, so a bug elsewhere cannot leak what someone typed into
the database: the insert fails instead.
"""

from __future__ import annotations


def ident(column: str, extra: str = "") -> str:
    """CHECK that `column` is NULL or a short id of lower-case letters, digits, _ (and extra)."""
    return (f"({column} IS NULL OR (length({column}) BETWEEN 1 AND 40 "
            f"AND {column} NOT GLOB '*[^a-z0-9_{extra}]*'))")


def iso_date(column: str) -> str:
    return (f"({column} IS NULL OR {column} GLOB "
            "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')")


def iso_time(column: str) -> str:
    """A UTC timestamp as written by `Store`: 2026-11-21T20:51:14+00:00 (or with microseconds)."""
    return (f"({column} IS NULL OR (length({column}) BETWEEN 25 AND 32 AND {column} GLOB "
            "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]*' "
            f"AND {column} NOT GLOB '*[^0-9T:.+-]*'))")


def hhmm(column: str) -> str:
    return f"({column} IS NULL OR {column} GLOB '[0-2][0-9]:[0-5][0-9]')"


MIGRATIONS: list[str] = [
    # 1: people, their place in a flow, recorded values, ticks, the due-queue, sent message ids.
    f"""
    CREATE TABLE users (
        user_id      INTEGER PRIMARY KEY,
        created_on   TEXT NOT NULL CHECK ({iso_date("created_on")}),
        active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        relation     TEXT CHECK {ident("relation")},
        coparent     INTEGER CHECK (coparent IS NULL OR coparent IN (0, 1)),
        country      TEXT CHECK (country IS NULL OR country GLOB '[A-Z][A-Z]'),
        tz           TEXT CHECK (tz IS NULL OR (length(tz) BETWEEN 1 AND 40
                                 AND tz NOT GLOB '*[^A-Za-z0-9_/+-]*')),
        nc_start     TEXT CHECK ({iso_date("nc_start")}),
        past_days    INTEGER NOT NULL DEFAULT 0 CHECK (past_days BETWEEN 0 AND 100000),
        longest_run  INTEGER NOT NULL DEFAULT 0 CHECK (longest_run BETWEEN 0 AND 100000),
        checkin_time TEXT CHECK ({hhmm("checkin_time")}),
        quiet_start  TEXT NOT NULL DEFAULT '22:00' CHECK ({hhmm("quiet_start")}),
        quiet_end    TEXT NOT NULL DEFAULT '07:00' CHECK ({hhmm("quiet_end")}),
        checkins     TEXT NOT NULL DEFAULT 'daily'
                     CHECK (checkins IN ('daily', 'weekly', 'paused', 'off')),
        paused_until TEXT CHECK ({iso_date("paused_until")}),
        flow         TEXT CHECK {ident("flow")},
        node         TEXT CHECK {ident("node")},
        timer        TEXT CHECK {ident("timer", ".")},
        resume_flow  TEXT CHECK {ident("resume_flow")},
        resume_node  TEXT CHECK {ident("resume_node")},
        guess        TEXT CHECK {ident("guess")}
    ) STRICT;

    CREATE TABLE records (
        id        INTEGER PRIMARY KEY,
        user_id   INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        at        TEXT NOT NULL CHECK ({iso_time("at")}),
        field     TEXT NOT NULL CHECK {ident("field")},
        value_int INTEGER CHECK (value_int IS NULL OR value_int BETWEEN 0 AND 10),
        value_id  TEXT CHECK {ident("value_id")},
        CHECK ((value_int IS NULL) <> (value_id IS NULL))
    ) STRICT;
    CREATE INDEX records_user ON records(user_id, id);

    CREATE TABLE marks (
        user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        field   TEXT NOT NULL CHECK {ident("field")},
        value   TEXT NOT NULL CHECK {ident("value")},
        PRIMARY KEY (user_id, field, value)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE due (
        id         INTEGER PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        kind       TEXT NOT NULL CHECK (kind IN ('timer', 'checkin', 'summary')),
        ref        TEXT NOT NULL CHECK {ident("ref", ".-")},
        due_at     TEXT NOT NULL CHECK ({iso_time("due_at")}),
        claimed_at TEXT CHECK ({iso_time("claimed_at")}),
        sent_at    TEXT CHECK ({iso_time("sent_at")}),
        UNIQUE (user_id, kind, ref)
    ) STRICT;
    CREATE INDEX due_pending ON due(due_at) WHERE claimed_at IS NULL;

    CREATE TABLE bot_messages (
        user_id    INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        message_id INTEGER NOT NULL CHECK (message_id > 0),
        sent_at    TEXT NOT NULL CHECK ({iso_time("sent_at")}),
        PRIMARY KEY (user_id, message_id)
    ) STRICT, WITHOUT ROWID;
    """,
    # 2: hard dates ("hoover season"): a month-day and an enum label, never a name or a note.
    """
    CREATE TABLE hard_dates (
        user_id   INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        month_day TEXT NOT NULL CHECK (length(month_day) = 5
                                       AND month_day GLOB '[0-1][0-9]-[0-3][0-9]'),
        label     TEXT NOT NULL CHECK (label IN ('my_birthday', 'their_birthday',
                                       'anniversary', 'breakup', 'holiday', 'other')),
        PRIMARY KEY (user_id, month_day, label)
    ) STRICT, WITHOUT ROWID;
    """,
    # 3: indexes for the operator's "Is it helping?" figures (bot/store/stats.py), so they are
    # read from ordered, covering index ranges instead of every row: 100,000 people in < 2 s.
    """
    CREATE INDEX records_field ON records(field, value_id, user_id, at, value_int);
    CREATE INDEX due_sent ON due(user_id) WHERE kind = 'checkin' AND sent_at IS NOT NULL;
    """,
]
