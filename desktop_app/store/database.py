"""Opening the cache file: WAL, schema version and migrations, and recovery from a file we cannot trust.

A cache is only a copy of the server plus the queue of edits not sent yet, so a damaged file is never worth a
crash; but the queue may hold the only copy of someone's work, so a bad file is moved aside (and named in a
message), never deleted.

``PRAGMA quick_check`` reads every page (~32 ms for 100,000 stock items, on the window's cold start), so it runs
only when the file may have changed outside a clean session of ours: a sidecar ``<cache>.state`` written at
close records the file's size and modification time; an open that finds the file as it was left, no WAL left
over (a session that crashed, or another one still running) and a full check within :data:`CHECK_EVERY` skips
it. Every open still reads the header and the schema, so a file that is not a database at all, or from a newer
version, is set aside as before.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from desktop_app.config import private_folder
from desktop_app.errors import StockroomError
from desktop_app.store.core import db_name

log = logging.getLogger("desktop_app.store")

#: Bumped with each entry appended to ``MIGRATIONS``; stored in ``PRAGMA user_version``.
SCHEMA_VERSION = 15

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
    # Rows in a rowid table with the key in its own index: server ids are random, and in a WITHOUT ROWID table
    # each sync transaction rewrote nearly every leaf page (rows ~300 bytes, key order random); now rows are
    # appended and only the small key index takes random inserts (a full sync of 10,000 rows writes a third).
    """
    CREATE TABLE records_v5 (
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
        generation INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO records_v5 (type, id, attributes, relationships, updated_at, seen_at, pending, local_only, deleted,
        server, generation)
        SELECT type, id, attributes, relationships, updated_at, seen_at, pending, local_only, deleted, server,
        generation FROM records ORDER BY type, id;
    DROP TABLE records;
    ALTER TABLE records_v5 RENAME TO records;
    CREATE UNIQUE INDEX records_key ON records (type, id);
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
    CREATE INDEX records_pending ON records (type) WHERE pending = 1;
    """,
    # Stock figures without reading rows (``store/stock_figures.py``): a stock item's location, SKU, quantity and
    # thresholds in one index, so totals per location and the low-stock list scan it alone (a fifth to a half of
    # the time of parsing 100,000 rows' JSON; ``tests/bench/bench_inventory.py``); it replaces the location-only
    # index, which no query used (writing a stock item costs about a quarter more). SKUs are found by code (as
    # scanned, in any case) in an index that also labels them, and the few with default thresholds in a partial one.
    """
    DROP INDEX items_by_stock_location;
    CREATE INDEX stock_item_figures ON records (
        json_extract(relationships, '$.stock_location'), json_extract(relationships, '$.sku'),
        json_extract(attributes, '$.quantity'), json_extract(attributes, '$.metadata.reorder_point'),
        json_extract(attributes, '$.metadata.target_level'), id)
        WHERE type = 'stock_items' AND deleted = 0;
    CREATE INDEX skus_by_code ON records (
        json_extract(attributes, '$.code') COLLATE NOCASE, id, json_extract(attributes, '$.name'))
        WHERE type = 'skus' AND deleted = 0;
    CREATE INDEX sku_thresholds ON records (
        id, json_extract(attributes, '$.metadata.reorder_point'), json_extract(attributes, '$.metadata.target_level'))
        WHERE type = 'skus' AND deleted = 0 AND (json_extract(attributes, '$.metadata.reorder_point') IS NOT NULL
        OR json_extract(attributes, '$.metadata.target_level') IS NOT NULL);
    """,
    # Tables of a million rows sort and filter in SQL: the values they sort by most are virtual columns (computed
    # on read, nothing stored) in indexes that hold the type and the deleted flag too, so a sort, a count or a
    # related-name order reads only index pages, never the rows themselves (a million random row reads take
    # seconds). See store.keys.GENERATED and store.table_query.
    """
    ALTER TABLE records ADD COLUMN k_sku AS (json_extract(relationships, '$.sku')) VIRTUAL;
    ALTER TABLE records ADD COLUMN k_stock_location AS (json_extract(relationships, '$.stock_location')) VIRTUAL;
    ALTER TABLE records ADD COLUMN k_quantity AS (json_extract(attributes, '$.quantity')) VIRTUAL;
    ALTER TABLE records ADD COLUMN k_code AS (json_extract(attributes, '$.code')) VIRTUAL;
    ALTER TABLE records ADD COLUMN k_name AS (json_extract(attributes, '$.name')) VIRTUAL;
    DROP INDEX items_by_sku;
    CREATE INDEX items_by_sku ON records (type, k_sku, deleted) WHERE type = 'stock_items';
    CREATE INDEX items_by_stock_location ON records (type, k_stock_location, deleted) WHERE type = 'stock_items';
    CREATE INDEX items_by_quantity ON records (type, deleted, k_quantity) WHERE type = 'stock_items';
    CREATE INDEX records_by_code ON records (type, deleted, k_code COLLATE NOCASE, id) WHERE k_code IS NOT NULL;
    CREATE INDEX records_by_name ON records (type, deleted, k_name COLLATE NOCASE, id) WHERE k_name IS NOT NULL;
    CREATE INDEX items_by_reference ON records (type, deleted, json_extract(attributes, '$.reference'))
        WHERE type = 'stock_items' AND json_extract(attributes, '$.reference') IS NOT NULL;
    """,
    # History: the versions of a record fetched on demand (readable offline, see store.history), and what each of
    # the last few syncs changed in the cache, recorded by triggers inside the sync's own write transactions.
    """
    CREATE TABLE versions (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        record_id TEXT NOT NULL,
        event TEXT NOT NULL,
        changes TEXT NOT NULL DEFAULT '{}',
        who TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    );
    CREATE INDEX versions_by_record ON versions (type, record_id, created_at);
    CREATE TABLE history_fetched (
        type TEXT NOT NULL,
        record_id TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        pages INTEGER NOT NULL DEFAULT 1,
        complete INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (type, record_id)
    );
    CREATE TABLE sync_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE TABLE sync_changes (
        run INTEGER NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        record_id TEXT NOT NULL,
        event TEXT NOT NULL CHECK (event IN ('create', 'update', 'delete')),
        changes TEXT NOT NULL DEFAULT '{}',
        attributes TEXT NOT NULL DEFAULT '{}',
        relationships TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX sync_changes_by_run ON sync_changes (run, type);
    """,
    # The sort keys of stock items in a narrow table of real columns, kept by triggers on every write (a delete and
    # an insert, not INSERT OR REPLACE: an upsert's own ON CONFLICT overrides a trigger's conflict clause): SQLite
    # (3.40) reads a row for each entry of an index on a generated column or an expression, so sorting a million
    # items through one meant a million row reads in random order (seconds); an index of real columns answers alone.
    """
    CREATE TABLE stock_item_keys (
        item INTEGER PRIMARY KEY,
        sku TEXT,
        stock_location TEXT,
        quantity INTEGER,
        deleted INTEGER NOT NULL
    );
    INSERT INTO stock_item_keys SELECT rowid, json_extract(relationships, '$.sku'),
        json_extract(relationships, '$.stock_location'), json_extract(attributes, '$.quantity'), deleted
        FROM records WHERE type = 'stock_items';
    CREATE INDEX stock_item_keys_by_sku ON stock_item_keys (sku, deleted);
    CREATE INDEX stock_item_keys_by_stock_location ON stock_item_keys (stock_location, deleted);
    CREATE INDEX stock_item_keys_by_quantity ON stock_item_keys (deleted, quantity);
    CREATE TRIGGER stock_item_keys_inserted AFTER INSERT ON records WHEN new.type = 'stock_items' BEGIN
        DELETE FROM stock_item_keys WHERE item = new.rowid;
        INSERT INTO stock_item_keys VALUES (new.rowid, json_extract(new.relationships, '$.sku'),
            json_extract(new.relationships, '$.stock_location'), json_extract(new.attributes, '$.quantity'),
            new.deleted);
    END;
    CREATE TRIGGER stock_item_keys_updated AFTER UPDATE OF attributes, relationships, deleted ON records
        WHEN new.type = 'stock_items' BEGIN
        DELETE FROM stock_item_keys WHERE item = new.rowid;
        INSERT INTO stock_item_keys VALUES (new.rowid, json_extract(new.relationships, '$.sku'),
            json_extract(new.relationships, '$.stock_location'), json_extract(new.attributes, '$.quantity'),
            new.deleted);
    END;
    CREATE TRIGGER stock_item_keys_deleted AFTER DELETE ON records WHEN old.type = 'stock_items' BEGIN
        DELETE FROM stock_item_keys WHERE item = old.rowid;
    END;
    """,
    # Stock counts (store.counts): a count of one stock location and its lines, each line committed as it is typed
    # or scanned, so a closed window, a crash or a killed process loses nothing and an unfinished count reopens.
    # At most one unfinished count per location: opening it again resumes it.
    """
    CREATE TABLE counts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stock_location TEXT NOT NULL,
        location_name TEXT NOT NULL,
        started_at TEXT NOT NULL,
        uncounted_zero INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'applied', 'abandoned')),
        finished_at TEXT,
        batch_name TEXT
    );
    CREATE UNIQUE INDEX counts_open_by_location ON counts (stock_location) WHERE state = 'open';
    CREATE TABLE count_lines (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        count_id INTEGER NOT NULL REFERENCES counts (id) ON DELETE CASCADE,
        sku TEXT NOT NULL,
        code TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity >= 0),
        expected INTEGER,
        stock_item TEXT,
        counted_at TEXT NOT NULL,
        UNIQUE (count_id, sku)
    );
    """,
    # Batches: named groups of edits queued together (a count, an import, a bulk edit). Each line keeps what undo
    # needs after its outbox entry is gone (the values before, the record's id on the server) and whether it was
    # sent; an entry leaving the outbox any other way than confirmed (discarded, cancelled) marks its line cancelled.
    """
    CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        undo_of TEXT,
        notes TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE batch_lines (
        batch_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        entry_id TEXT NOT NULL UNIQUE,
        op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
        type TEXT NOT NULL,
        record_id TEXT NOT NULL,
        line_label TEXT NOT NULL DEFAULT '',
        before TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'cancelled')),
        PRIMARY KEY (batch_id, position)
    );
    CREATE INDEX batch_lines_by_record ON batch_lines (type, record_id);
    ALTER TABLE outbox ADD COLUMN batch_id TEXT;
    CREATE INDEX outbox_by_batch ON outbox (batch_id) WHERE batch_id IS NOT NULL;
    CREATE TRIGGER batch_line_dropped AFTER DELETE ON outbox WHEN old.batch_id IS NOT NULL BEGIN
        UPDATE batch_lines SET state = 'cancelled' WHERE entry_id = old.id AND state = 'queued';
    END;
    """,
    # Records whose delete the server confirmed, for a while (see RecordStore.forget_deleted): a page listed
    # before the delete and written after it must not bring the record back until the next sync.
    """
    CREATE TABLE tombstones (
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        deleted_at TEXT NOT NULL,
        PRIMARY KEY (type, id)
    ) WITHOUT ROWID;
    """,
    # A stock item's SKU code and location name beside its sort keys, each in an index of its own: sorting a
    # million items by a related name is then one index scan, where walking 50,000 SKUs in code order and the items
    # of each through the relationship's index took twice as long. Triggers keep them: a stock item written reads
    # the two names; a SKU or location whose name changes (or that is deleted, created late) rewrites its items'.
    """
    ALTER TABLE stock_item_keys ADD COLUMN sku_code TEXT;
    ALTER TABLE stock_item_keys ADD COLUMN location_name TEXT;
    UPDATE stock_item_keys SET
        sku_code = (SELECT t.k_code FROM records AS t WHERE t.type = 'skus' AND t.id = sku AND t.deleted = 0),
        location_name = (SELECT t.k_name FROM records AS t WHERE t.type = 'stock_locations'
            AND t.id = stock_location AND t.deleted = 0);
    CREATE INDEX stock_item_keys_by_sku_code ON stock_item_keys (deleted, sku_code COLLATE NOCASE);
    CREATE INDEX stock_item_keys_by_location_name ON stock_item_keys (deleted, location_name COLLATE NOCASE);
    DROP TRIGGER stock_item_keys_inserted;
    DROP TRIGGER stock_item_keys_updated;
    CREATE TRIGGER stock_item_keys_inserted AFTER INSERT ON records WHEN new.type = 'stock_items' BEGIN
        DELETE FROM stock_item_keys WHERE item = new.rowid;
        INSERT INTO stock_item_keys (item, sku, stock_location, quantity, deleted, sku_code, location_name)
            SELECT new.rowid, s, l, json_extract(new.attributes, '$.quantity'), new.deleted,
                (SELECT t.k_code FROM records AS t WHERE t.type = 'skus' AND t.id = s AND t.deleted = 0),
                (SELECT t.k_name FROM records AS t WHERE t.type = 'stock_locations' AND t.id = l AND t.deleted = 0)
            FROM (SELECT json_extract(new.relationships, '$.sku') AS s,
                json_extract(new.relationships, '$.stock_location') AS l);
    END;
    CREATE TRIGGER stock_item_keys_updated AFTER UPDATE OF attributes, relationships, deleted ON records
        WHEN new.type = 'stock_items' BEGIN
        DELETE FROM stock_item_keys WHERE item = new.rowid;
        INSERT INTO stock_item_keys (item, sku, stock_location, quantity, deleted, sku_code, location_name)
            SELECT new.rowid, s, l, json_extract(new.attributes, '$.quantity'), new.deleted,
                (SELECT t.k_code FROM records AS t WHERE t.type = 'skus' AND t.id = s AND t.deleted = 0),
                (SELECT t.k_name FROM records AS t WHERE t.type = 'stock_locations' AND t.id = l AND t.deleted = 0)
            FROM (SELECT json_extract(new.relationships, '$.sku') AS s,
                json_extract(new.relationships, '$.stock_location') AS l);
    END;
    CREATE TRIGGER sku_code_keys_inserted AFTER INSERT ON records WHEN new.type = 'skus' BEGIN
        UPDATE stock_item_keys SET sku_code = CASE WHEN new.deleted = 0 THEN new.k_code END WHERE sku = new.id;
    END;
    CREATE TRIGGER sku_code_keys_updated AFTER UPDATE OF attributes, deleted ON records
        WHEN new.type = 'skus' AND (new.k_code IS NOT old.k_code OR new.deleted IS NOT old.deleted) BEGIN
        UPDATE stock_item_keys SET sku_code = CASE WHEN new.deleted = 0 THEN new.k_code END WHERE sku = new.id;
    END;
    CREATE TRIGGER sku_code_keys_deleted AFTER DELETE ON records WHEN old.type = 'skus' BEGIN
        UPDATE stock_item_keys SET sku_code = NULL WHERE sku = old.id;
    END;
    CREATE TRIGGER location_name_keys_inserted AFTER INSERT ON records WHEN new.type = 'stock_locations' BEGIN
        UPDATE stock_item_keys SET location_name = CASE WHEN new.deleted = 0 THEN new.k_name END
            WHERE stock_location = new.id;
    END;
    CREATE TRIGGER location_name_keys_updated AFTER UPDATE OF attributes, deleted ON records
        WHEN new.type = 'stock_locations' AND (new.k_name IS NOT old.k_name OR new.deleted IS NOT old.deleted) BEGIN
        UPDATE stock_item_keys SET location_name = CASE WHEN new.deleted = 0 THEN new.k_name END
            WHERE stock_location = new.id;
    END;
    CREATE TRIGGER location_name_keys_deleted AFTER DELETE ON records WHEN old.type = 'stock_locations' BEGIN
        UPDATE stock_item_keys SET location_name = NULL WHERE stock_location = old.id;
    END;
    """,
    # Edits sent through a bulk import carry its reference until the import's outcome is known: a push killed while
    # the import ran finds the job again by it instead of importing the same edits twice.
    """
    ALTER TABLE outbox ADD COLUMN import_ref TEXT;
    """,
    # A stock item's SKU, location and quantity are found, counted and filtered through the key table's indexes
    # (migration 9), which hold them as real columns: the records table's indexes of the same values were a second
    # copy, each built by reading every stock item's JSON at the end of a first full sync (three of its five such
    # indexes) and written on every change.
    """
    DROP INDEX IF EXISTS items_by_sku;
    DROP INDEX IF EXISTS items_by_stock_location;
    DROP INDEX IF EXISTS items_by_quantity;
    """,
)


class CacheRecovery(Exception):
    """Raised inside :func:`open_database` when the file must be moved aside; carries the reason."""


def cache_path(data_dir: Path | str, cache_key: str) -> Path:
    """The cache file of one profile (``cache_key`` comes from the connection and is filesystem-safe)."""
    folder = Path(data_dir) / "caches"
    private_folder(folder)
    return folder / f"{cache_key}.sqlite3"


def _now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    db.execute("PRAGMA busy_timeout = 30000")
    return db


#: SQLite's answers meaning "this file is damaged or is no database at all" (SQLITE_CORRUPT, SQLITE_NOTADB).
_DAMAGED = {11, 26}


#: A file left as a clean session closed it is still checked whole this often (disks fail silently too).
CHECK_EVERY = 7 * 24 * 3600.0


def _check(db: sqlite3.Connection, *, full: bool = True) -> int:
    """The file's schema version; raises :class:`CacheRecovery` when the file is not a healthy database.

    ``full`` runs ``PRAGMA quick_check`` over every page; without it only the header and the schema are read.
    Other failures (locked by another program, a full disk, an I/O error) are not the file's fault and must not
    set it aside: they surface as a :class:`StockroomError` naming the file.
    """
    try:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        result = db.execute("PRAGMA quick_check").fetchone() if full else ("ok",)
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", 26) & 0xFF not in _DAMAGED:
            raise StockroomError(f"cannot read the cache {db_name(db)}: {error}") from error
        raise CacheRecovery(f"the cache file is not a readable database ({error})") from error
    if result is None or result[0] != "ok":
        raise CacheRecovery(f"the cache file failed its integrity check ({result[0] if result else 'no answer'})")
    return version


def _state_path(path: Path) -> Path:
    return path.with_name(path.name + ".state")


def _read_state(path: Path) -> dict[str, int | float]:
    """The sidecar's numbers (``mtime_ns`` stays an int: a float would round it and never match again)."""
    try:
        state = json.loads(_state_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict):
        return {}
    return {k: v for k, v in state.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def _write_state(path: Path, state: dict[str, int | float]) -> None:
    """Best effort: without the sidecar the next open simply runs the full check."""
    target = _state_path(path)
    spare = target.with_name(target.name + f".{os.getpid()}")
    with contextlib.suppress(OSError):
        with os.fdopen(os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as file:
            file.write(json.dumps(state))
        os.replace(spare, target)


def _needs_full_check(path: Path) -> bool:
    """Whether the file may have changed since a clean session of ours closed it (see the module's notes)."""
    state = _read_state(path)
    try:
        stat = path.stat()
        wal = path.with_name(path.name + "-wal")
        left_over = wal.exists() and wal.stat().st_size > 0
    except OSError:
        return True
    return (
        left_over
        or state.get("size") != stat.st_size
        or state.get("mtime_ns") != stat.st_mtime_ns
        or time.time() - state.get("checked_at", 0.0) > CHECK_EVERY
    )


def forget_state(path: Path) -> None:
    """Drop what a clean close recorded, so the next open checks the file whole."""
    with contextlib.suppress(OSError):
        _state_path(path).unlink()


def mark_closed(path: Path) -> None:
    """Record how a clean session left the file, so the next open can skip the full check."""
    state = _read_state(path)
    if "checked_at" not in state:
        return
    try:
        stat = path.stat()
    except OSError:
        return
    _write_state(path, {"checked_at": state["checked_at"], "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})


def _move_aside(path: Path, suffix: str) -> Path:
    target = path.with_name(f"{path.name}.{suffix}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.{suffix}-{counter}")
    path.rename(target)
    with contextlib.suppress(OSError):
        _state_path(path).unlink()
    for extra in ("-wal", "-shm"):
        side = path.with_name(path.name + extra)
        if side.exists():
            side.rename(target.with_name(target.name + extra))
    return target


def migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring a file from ``version`` to :data:`SCHEMA_VERSION`, each step in its own transaction.

    The version is read again under the write lock: when the window and a command open an old file at the same
    moment, the second one finds the step done and skips it. Indexes a first full sync left to build (see
    ``store.indexes``) are built first: a step may drop or redefine them, and they were recorded as they were.
    """
    if version < SCHEMA_VERSION:
        from desktop_app.store.indexes import build_recorded

        build_recorded(db)
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
    """Split a migration into statements (ours contain no semicolons inside literals; a trigger's body holds
    several, so pieces are joined until SQLite calls the statement complete)."""
    out: list[str] = []
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                out.append(pending.strip().rstrip(";"))
            pending = ""
    if pending.strip(" \n;"):
        out.append(pending.strip().rstrip(";"))
    return out


def open_database(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """Open (or create) the cache at ``path``; returns the connection and a message when the old file was set aside.

    The queued edits of a file set aside are copied into the new one where SQLite can still read them (see
    :mod:`desktop_app.store.salvage`); the message says how many, how many were lost, and where the old file is."""
    private_folder(path.parent)
    message: str | None = None
    moved: Path | None = None
    db: sqlite3.Connection | None = None
    checked_at = time.time()
    if path.exists() and path.stat().st_size == 0:
        moved = _move_aside(path, f"empty-{_now_stamp()}")
        message = f"The cache {path.name} was an empty file (0 bytes), with no queued edits left to recover"
    elif path.exists():
        full = _needs_full_check(path)
        if not full:
            checked_at = float(_read_state(path)["checked_at"])
        existing = _connect(path)
        db = existing
        try:
            version = _check(existing, full=full)
            if version > SCHEMA_VERSION:
                existing.close()
                db = None
                moved = _move_aside(path, f"newer-{version}")
                message = (
                    f"The cache {path.name} was written by a newer Stockroom (schema {version}, this one reads "
                    f"{SCHEMA_VERSION})"
                )
        except StockroomError:
            existing.close()
            raise
        except CacheRecovery as problem:
            existing.close()
            db = None
            moved = _move_aside(path, f"corrupt-{_now_stamp()}")
            message = str(problem).capitalize()
    if db is None:
        _create_private(path)
        db = _connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    migrate(db, version)
    if moved is not None and message is not None:
        message = f"{message}; it was moved to {moved} and a new cache was started. {_recover_outbox(moved, db)}"
        log.info("%s", message)  # the command line prints it, the window shows it
    # In use from now on: until a clean close records the file again, the next open checks it whole.
    _write_state(path, {"checked_at": checked_at})
    return db, message


def _recover_outbox(moved: Path, db: sqlite3.Connection) -> str:
    """Copy the queued edits still readable in ``moved`` into ``db``; the sentence that says how it went."""
    from desktop_app.store.salvage import Salvage, read_outbox, restore

    try:
        salvage = read_outbox(moved)
        restore(db, salvage)
    except (sqlite3.Error, OSError) as error:
        log.warning("could not recover the queued edits of %s: %s", moved, error)
        salvage = Salvage(lost=None)
    return salvage.describe()


def _create_private(path: Path) -> None:
    """Create the cache file owner-only before SQLite opens it (its WAL and shared-memory files copy this mode)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
