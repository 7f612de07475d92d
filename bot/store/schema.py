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
    # 3: tallies for the operator's "Is it helping?" figures (bot/store/stats.py), kept by
    # triggers as answers are written, so the report reads one small row per person instead
    # of every record (100,000 people in under 2 s). Counts, 0-10 values and times only;
    # erased with the person (ON DELETE CASCADE, and Store.delete_user names them).
    f"""
    CREATE TABLE tallies (
        user_id        INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        answered       INTEGER NOT NULL DEFAULT 0,  -- check-in answers (pull_day)
        last_checkin   TEXT CHECK ({iso_time("last_checkin")}),
        last_at        TEXT CHECK ({iso_time("last_at")}),  -- the last answer of any kind
        started        INTEGER NOT NULL DEFAULT 0,  -- urges: pull rated before
        finished       INTEGER NOT NULL DEFAULT 0,  -- urges: "where are you now?" answered
        slips          INTEGER NOT NULL DEFAULT 0,
        pairs          INTEGER NOT NULL DEFAULT 0,  -- pull rated before, then after
        sum_before     INTEGER NOT NULL DEFAULT 0,
        sum_after      INTEGER NOT NULL DEFAULT 0,
        fell           INTEGER NOT NULL DEFAULT 0,  -- pairs where the pull after was lower
        sent           INTEGER NOT NULL DEFAULT 0,  -- check-ins delivered
        -- the last pull_before while it waits for its pull_after (NULL otherwise)
        pending_before INTEGER CHECK (pending_before IS NULL OR pending_before BETWEEN 0 AND 10)
    ) STRICT;

    CREATE TABLE choice_tallies (
        field   TEXT NOT NULL CHECK (field IN ('tool', 'tactic')),
        value   TEXT NOT NULL CHECK {ident("value")},
        user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        n       INTEGER NOT NULL,
        PRIMARY KEY (field, value, user_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX choice_tallies_user ON choice_tallies(user_id);
    CREATE INDEX users_created ON users(created_on);

    CREATE TRIGGER records_tally AFTER INSERT ON records BEGIN
        INSERT INTO tallies (user_id) VALUES (NEW.user_id) ON CONFLICT DO NOTHING;
        UPDATE tallies SET
            last_at = max(coalesce(last_at, ''), NEW.at),
            answered = answered + (NEW.field = 'pull_day'),
            last_checkin = CASE WHEN NEW.field = 'pull_day'
                           THEN max(coalesce(last_checkin, ''), NEW.at) ELSE last_checkin END,
            started = started + (NEW.field = 'pull_before'),
            finished = finished + (NEW.field = 'outcome'),
            slips = slips + (NEW.field = 'slip'),
            pairs = pairs + (NEW.field = 'pull_after' AND pending_before IS NOT NULL),
            sum_before = sum_before + CASE WHEN NEW.field = 'pull_after'
                         THEN coalesce(pending_before, 0) ELSE 0 END,
            sum_after = sum_after + CASE WHEN NEW.field = 'pull_after'
                        AND pending_before IS NOT NULL THEN NEW.value_int ELSE 0 END,
            fell = fell + coalesce(NEW.field = 'pull_after'
                                   AND NEW.value_int < pending_before, 0),
            pending_before = CASE NEW.field WHEN 'pull_before' THEN NEW.value_int
                             WHEN 'pull_after' THEN NULL ELSE pending_before END
        WHERE user_id = NEW.user_id;
    END;

    CREATE TRIGGER records_choice AFTER INSERT ON records
    WHEN NEW.field IN ('tool', 'tactic') AND NEW.value_id IS NOT NULL BEGIN
        INSERT INTO choice_tallies VALUES (NEW.field, NEW.value_id, NEW.user_id, 1)
        ON CONFLICT (field, value, user_id) DO UPDATE SET n = n + 1;
    END;

    CREATE TRIGGER due_sent_tally AFTER UPDATE OF sent_at ON due
    WHEN NEW.kind = 'checkin' AND OLD.sent_at IS NULL AND NEW.sent_at IS NOT NULL BEGIN
        INSERT INTO tallies (user_id) VALUES (NEW.user_id) ON CONFLICT DO NOTHING;
        UPDATE tallies SET sent = sent + 1 WHERE user_id = NEW.user_id;
    END;

    CREATE TRIGGER due_sent_inserted AFTER INSERT ON due
    WHEN NEW.kind = 'checkin' AND NEW.sent_at IS NOT NULL BEGIN
        INSERT INTO tallies (user_id) VALUES (NEW.user_id) ON CONFLICT DO NOTHING;
        UPDATE tallies SET sent = sent + 1 WHERE user_id = NEW.user_id;
    END;

    -- What was recorded before this migration.
    INSERT INTO tallies (user_id, answered, last_checkin, last_at, started, finished, slips)
        SELECT user_id, sum(field = 'pull_day'), max(CASE WHEN field = 'pull_day' THEN at END),
               max(at), sum(field = 'pull_before'), sum(field = 'outcome'), sum(field = 'slip')
        FROM records GROUP BY user_id;
    INSERT INTO tallies (user_id) SELECT DISTINCT user_id FROM due
        WHERE kind = 'checkin' AND sent_at IS NOT NULL ON CONFLICT DO NOTHING;
    UPDATE tallies SET sent = d.n FROM (SELECT user_id, count(*) AS n FROM due
        WHERE kind = 'checkin' AND sent_at IS NOT NULL GROUP BY user_id) AS d
        WHERE d.user_id = tallies.user_id;
    UPDATE tallies SET pairs = p.n, sum_before = p.b, sum_after = p.a, fell = p.f
        FROM (SELECT user_id, count(*) AS n, sum(before) AS b, sum(value_int) AS a,
                     sum(value_int < before) AS f
              FROM (SELECT user_id, field, value_int, lag(field) OVER w AS previous,
                           lag(value_int) OVER w AS before
                    FROM records WHERE field IN ('pull_before', 'pull_after')
                    WINDOW w AS (PARTITION BY user_id ORDER BY id))
              WHERE field = 'pull_after' AND previous = 'pull_before'
              GROUP BY user_id) AS p
        WHERE p.user_id = tallies.user_id;
    UPDATE tallies SET pending_before = l.value_int
        FROM (SELECT user_id, field, value_int,
                     row_number() OVER (PARTITION BY user_id ORDER BY id DESC) AS k
              FROM records WHERE field IN ('pull_before', 'pull_after')) AS l
        WHERE l.user_id = tallies.user_id AND l.k = 1 AND l.field = 'pull_before';
    INSERT INTO choice_tallies
        SELECT field, value_id, user_id, count(*) FROM records
        WHERE field IN ('tool', 'tactic') AND value_id IS NOT NULL
        GROUP BY field, value_id, user_id;
    """,
]
