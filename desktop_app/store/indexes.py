"""The cache while a full sync writes a large listing: a bigger page cache, and a first listing's indexes built
after its rows.

A full sync of a large catalogue inserts into B-trees in random key order (server ids, SKUs, locations,
quantities); once those indexes outgrow SQLite's page cache (2 MB by default) every insert reads its leaf back
from the file and every commit writes it again. :meth:`IndexStore.bulk_writing` keeps them in memory for the
length of the listing, and the cache shrinks back after it, so the window's process does not keep the memory.

The first listing of a large type into a cache that holds none of it goes further: the indexes of that type
alone (the partial indexes of ``records`` limited to it, and those of its key table, see ``KEY_TABLES``) are
dropped before its rows arrive and created after, each in one sorted pass (300,000 stock items: 7 s of writes
and 3 s of building, where writing through nine live indexes took 15 s). What to build is recorded in
``deferred_indexes`` in the transaction that drops them, so a sync killed at any point, even while building,
leaves a cache whose queries still answer (without those indexes, slower) and whose next sync builds what is
missing: the listing resumed keeps them dropped until its end; a sync that finds no listing open builds them
first. The key table itself is still filled row by row by its triggers, so the window lists the items meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
from collections.abc import Iterator

from desktop_app.schema import get_resource
from desktop_app.store.core import Database, db_name
from desktop_app.store.keys import KEY_TABLES

log = logging.getLogger("desktop_app.store")

#: Page cache while a full sync writes (KiB): the key index of a million stock items is about 40 MB, and the
#: sync's memory must stay well under 150 MB.
SYNC_CACHE_KB = 48 * 1024

#: Page cache while deferred indexes are built (KiB); see :meth:`IndexStore.build`.
BUILD_CACHE_KB = 8 * 1024

#: A listing of at least this many pages into an empty type builds its indexes after its rows; smaller ones
#: keep them (a few thousand rows cost little to index as they come, and the window sorts them meanwhile).
DEFER_PAGES = 100

_DEFERRED_TABLE = (
    "CREATE TABLE IF NOT EXISTS deferred_indexes (name TEXT PRIMARY KEY, type TEXT NOT NULL, sql TEXT NOT NULL)"
)
_CREATE = re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+", re.IGNORECASE)


class IndexStore:
    """How the cache writes a large listing (see the module's notes)."""

    def __init__(self, database: Database) -> None:
        self._database = database
        with database.reading() as db:
            self._path = db_name(db)

    @contextlib.contextmanager
    def bulk_writing(self) -> Iterator[None]:
        """A larger page cache on the connection until the block ends (nested blocks keep the outer setting)."""
        with self._pragmas(cache_size=-SYNC_CACHE_KB):
            yield

    @contextlib.contextmanager
    def _pragmas(self, **values: int) -> Iterator[None]:
        """Set these pragmas until the block ends; a cache already larger than asked is left as it is."""
        with self._database.reading() as db:
            before = {name: int(db.execute(f"PRAGMA {name}").fetchone()[0]) for name in values}
            wanted = {
                name: value
                for name, value in values.items()
                if not (name == "cache_size" and (before[name] >= 0 or before[name] <= value))
            }
            for name, value in wanted.items():
                db.execute(f"PRAGMA {name} = {value}")
        try:
            yield
        finally:
            with self._database.reading() as db:
                for name in wanted:
                    db.execute(f"PRAGMA {name} = {before[name]}")

    def deferred(self, type_: str) -> list[str]:
        """Names of ``type_``'s indexes waiting to be built."""
        type_ = get_resource(type_).type
        with self._database.reading() as db:
            if not _has_table(db):
                return []
            rows = db.execute("SELECT name FROM deferred_indexes WHERE type = ? ORDER BY name", (type_,)).fetchall()
        return [str(row[0]) for row in rows]

    def defer(self, type_: str) -> list[str]:
        """Drop ``type_``'s own indexes while the cache holds none of its rows, recording how to build them again
        (one transaction); returns their names (none when the type already has rows: its indexes stay)."""
        type_ = get_resource(type_).type
        table = KEY_TABLES[type_][0] if type_ in KEY_TABLES else None
        with self._database.transaction() as db:
            if db.execute("SELECT 1 FROM records WHERE type = ? LIMIT 1", (type_,)).fetchone() is not None:
                return []
            found = db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
                "((tbl_name = 'records' AND sql LIKE ?) OR tbl_name = ?) ORDER BY name",
                (f"%WHERE type = '{type_}'%", table),
            ).fetchall()
            if not found:
                return []
            db.execute(_DEFERRED_TABLE)
            for name, sql in found:
                db.execute("INSERT OR REPLACE INTO deferred_indexes VALUES (?, ?, ?)", (name, type_, sql))
                db.execute(f'DROP INDEX "{name}"')
        names = [str(name) for name, _ in found]
        log.info("%s: %d indexes built after the first listing (%s)", type_, len(names), ", ".join(names))
        return names

    def build(self, type_: str) -> list[str]:
        """Create ``type_``'s deferred indexes, each in its own transaction with its record dropped (a kill leaves
        the ones not built yet recorded); then refresh the planner's statistics. Returns the names built.

        It runs on a connection of its own, meant for a worker thread: building a million rows' index takes
        seconds, and the cache's shared connection (the window's reads) must not wait for it; readers see the file
        as before meanwhile (WAL), and the shared connection's statements pick up the new indexes by themselves."""
        type_ = get_resource(type_).type
        db = self._connect()
        try:
            # The sorts of CREATE INDEX take as much memory as the page cache allows: a modest one, and a second
            # thread for them (300,000 stock items: 3.9 s with one, 2.6 s with two; 48 MB of cache made no
            # difference).
            db.execute(f"PRAGMA cache_size = {-BUILD_CACHE_KB}")
            db.execute("PRAGMA threads = 2")
            built = _build_on(db, type_)
            if built:
                db.execute("PRAGMA analysis_limit = 1000")
                db.execute("ANALYZE")
        finally:
            db.close()
        if built:
            log.info("%s: built %d indexes (%s)", type_, len(built), ", ".join(built))
        return built

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, isolation_level=None, timeout=30)
        db.execute("PRAGMA busy_timeout = 30000")
        return db


def build_recorded(db: sqlite3.Connection) -> None:
    """Build every deferred index of every type on a bare connection in autocommit mode (before a migration)."""
    _build_on(db, None)


def _build_on(db: sqlite3.Connection, type_: str | None) -> list[str]:
    """Build the deferred indexes of ``type_`` (``None``: of every type) on ``db``, one transaction each."""
    if not _has_table(db):
        return []
    rows = db.execute("SELECT name FROM deferred_indexes WHERE ?1 IS NULL OR type = ?1 ORDER BY name", (type_,))
    built: list[str] = []
    for (name,) in rows.fetchall():
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT sql FROM deferred_indexes WHERE name = ?", (name,)).fetchone()
            if row is not None:  # else another process built it meanwhile
                db.execute(_if_missing(row[0]))
                db.execute("DELETE FROM deferred_indexes WHERE name = ?", (name,))
                built.append(str(name))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    return built


def _if_missing(sql: str) -> str:
    return _CREATE.sub(lambda m: f"CREATE {m.group(1) or ''}INDEX IF NOT EXISTS ", sql, count=1)


def _has_table(db: sqlite3.Connection) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deferred_indexes'").fetchone()
        is not None
    )
