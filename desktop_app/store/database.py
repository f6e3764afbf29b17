"""Opening the cache file: WAL, schema version and migrations, and recovery from a file we cannot trust.

A cache is only a copy of the server plus the queue of edits not sent yet, so a damaged file is never worth a
crash; but the queue may hold the only copy of someone's work, so a bad file is moved aside (and named in a
message), never deleted.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from desktop_app.errors import StockroomError

log = logging.getLogger("desktop_app.store")

#: Bumped with each entry appended to ``MIGRATIONS``; stored in ``PRAGMA user_version``.
SCHEMA_VERSION = 4

#: ``MIGRATIONS[n]`` takes a version-``n`` file to version ``n + 1``.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE records (
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        attributes TEXT NOT NULL,
        relationships TEXT NOT NULL,
        updated_at TEXT,
        seen_at TEXT NOT NULL,
        pending INTEGER NOT NULL DEFAULT 0,
        local_only INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        server TEXT,
        generation INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (type, id)
    ) WITHOUT ROWID;
    CREATE INDEX records_by_inventory_model ON records (
        type, json_extract(relationships, '$.inventory_model'), json_extract(attributes, '$.priority'));
    CREATE INDEX records_by_sku ON records (type, json_extract(relationships, '$.sku'));
    CREATE INDEX records_by_stock_location ON records (type, json_extract(relationships, '$.stock_location'));
    CREATE INDEX records_by_stock_item ON records (type, json_extract(relationships, '$.stock_item'));
    CREATE INDEX records_by_updated_at ON records (type, updated_at);
    CREATE TABLE sync_state (
        type TEXT PRIMARY KEY,
        full_synced_at TEXT,
        synced_at TEXT,
        high_water TEXT,
        generation INTEGER NOT NULL DEFAULT 0,
        full_in_progress INTEGER NOT NULL DEFAULT 0,
        server_count INTEGER
    );
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
        type TEXT NOT NULL,
        record_id TEXT NOT NULL,
        attributes TEXT NOT NULL DEFAULT '{}',
        relationships TEXT NOT NULL DEFAULT '{}',
        base TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed', 'conflict')),
        error TEXT,
        field_errors TEXT NOT NULL DEFAULT '{}',
        theirs TEXT,
        label TEXT,
        group_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE INDEX outbox_by_record ON outbox (type, record_id, seq);
    """,
    # Partial indexes: each row pays only for the index of its own type (a full sync of 10,000 stock items
    # writes 2 index entries per row instead of 5); queries name the type literally so the planner can use them.
    """
    DROP INDEX records_by_inventory_model;
    DROP INDEX records_by_sku;
    DROP INDEX records_by_stock_location;
    DROP INDEX records_by_stock_item;
    DROP INDEX records_by_updated_at;
    CREATE INDEX levels_by_inventory_model ON records (
        json_extract(relationships, '$.inventory_model'), json_extract(attributes, '$.priority'))
        WHERE type = 'inventory_stock_locations';
    CREATE INDEX levels_by_stock_location ON records (json_extract(relationships, '$.stock_location'))
        WHERE type = 'inventory_stock_locations';
    CREATE INDEX items_by_sku ON records (json_extract(relationships, '$.sku')) WHERE type = 'stock_items';
    CREATE INDEX items_by_stock_location ON records (json_extract(relationships, '$.stock_location'))
        WHERE type = 'stock_items';
    CREATE INDEX reserved_by_stock_item ON records (json_extract(relationships, '$.stock_item'))
        WHERE type = 'reserved_stocks';
    """,
    # A pusher claims an entry before sending it, so two pushes at once (the window and the command line, or two
    # windows) never send the same create twice; a claim lapses if its process dies.
    """
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
    ALTER TABLE outbox ADD COLUMN claimed_until REAL;
    """,
    # Lets a sync page skip the pending-row checks in one lookup when nothing is pending (the usual case).
    """
    CREATE INDEX records_pending ON records (type) WHERE pending = 1;
    """,
)


class CacheRecovery(Exception):
    """Raised inside :func:`open_database` when the file must be moved aside; carries the reason."""


def cache_path(data_dir: Path | str, cache_key: str) -> Path:
    """The cache file of one profile (``cache_key`` comes from the connection and is filesystem-safe)."""
    folder = Path(data_dir) / "caches"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{cache_key}.sqlite3"


def _now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    db.execute("PRAGMA busy_timeout = 30000")
    return db


#: SQLite's answers meaning "this file is damaged or is no database at all" (SQLITE_CORRUPT, SQLITE_NOTADB).
_DAMAGED = {11, 26}


def _check(db: sqlite3.Connection) -> int:
    """The file's schema version; raises :class:`CacheRecovery` when the file is not a healthy database.

    Other failures (locked by another program, a full disk, an I/O error) are not the file's fault and must not
    set it aside: they surface as a :class:`StockroomError` naming the file.
    """
    try:
        result = db.execute("PRAGMA quick_check").fetchone()
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", 26) & 0xFF not in _DAMAGED:
            raise StockroomError(f"cannot read the cache {db_name(db)}: {error}") from error
        raise CacheRecovery(f"the cache file is not a readable database ({error})") from error
    if result is None or result[0] != "ok":
        raise CacheRecovery(f"the cache file failed its integrity check ({result[0] if result else 'no answer'})")
    return version


def db_name(db: sqlite3.Connection) -> str:
    rows = db.execute("PRAGMA database_list").fetchall()
    return str(rows[0][2]) if rows else "file"


def _move_aside(path: Path, suffix: str) -> Path:
    target = path.with_name(f"{path.name}.{suffix}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.{suffix}-{counter}")
    path.rename(target)
    for extra in ("-wal", "-shm"):
        side = path.with_name(path.name + extra)
        if side.exists():
            side.rename(target.with_name(target.name + extra))
    return target


def migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring a file from ``version`` to :data:`SCHEMA_VERSION`, each step in its own transaction.

    The version is read again under the write lock: when the window and a command open an old file at the same
    moment, the second one finds the step done and skips it.
    """
    for step in range(version, SCHEMA_VERSION):
        db.execute("BEGIN IMMEDIATE")
        try:
            if int(db.execute("PRAGMA user_version").fetchone()[0]) > step:
                db.execute("COMMIT")
                continue
            for statement in _statements(MIGRATIONS[step]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {step + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements (ours contain no semicolons inside literals)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def open_database(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """Open (or create) the cache at ``path``; returns the connection and a message when the old file was set aside."""
    path.parent.mkdir(parents=True, exist_ok=True)
    message: str | None = None
    db: sqlite3.Connection | None = None
    if path.exists():
        existing = _connect(path)
        db = existing
        try:
            version = _check(existing)
            if version > SCHEMA_VERSION:
                existing.close()
                db = None
                moved = _move_aside(path, f"newer-{version}")
                message = (
                    f"The cache {path.name} was written by a newer Stockroom (schema {version}, this one reads "
                    f"{SCHEMA_VERSION}); it was moved to {moved.name} and a new cache was started."
                )
        except StockroomError:
            existing.close()
            raise
        except CacheRecovery as problem:
            existing.close()
            db = None
            moved = _move_aside(path, f"corrupt-{_now_stamp()}")
            message = f"{str(problem).capitalize()}; it was moved to {moved.name} and a new cache was started."
    if message:
        log.warning("%s", message)
    if db is None:
        db = _connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    migrate(db, version)
    return db, message
