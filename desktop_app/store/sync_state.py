"""What the cache knows about each resource's sync: when, up to which ``updated_at``, and which full pass is open.

A full listing stamps every record it writes with the pass's generation; only a pass that completed may drop the
records it did not see, so a sync cut short leaves the cache as it was plus the pages it wrote.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from desktop_app.schema import get_resource, parse_datetime
from desktop_app.store.core import Database, now_text
from desktop_app.store.records import SyncState


class SyncStateStore:
    """Per resource: sync times, high-water mark, generation of the open full pass, the server's count."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def get(self, type_: str) -> SyncState:
        type_ = get_resource(type_).type
        rows = self._database.query(
            "SELECT full_synced_at, synced_at, high_water, generation, full_in_progress, server_count "
            "FROM sync_state WHERE type = ?",
            (type_,),
        )
        if not rows:
            return SyncState(type_, None, None, None, 0, False, None)
        full, synced, high_water, generation, in_progress, server_count = rows[0]
        return SyncState(
            type_,
            parse_datetime(full) if full else None,
            parse_datetime(synced) if synced else None,
            high_water,
            int(generation),
            bool(in_progress),
            server_count,
        )

    def synced_at(self, type_: str) -> datetime | None:
        """When the resource was last brought up to date (full or incremental), for "cache age"."""
        return self.get(type_).synced_at

    def types(self) -> list[str]:
        """Types with records or sync state, for ``status``."""
        rows = self._database.query("SELECT type FROM sync_state UNION SELECT DISTINCT type FROM records ORDER BY 1")
        return [str(r[0]) for r in rows]

    def begin_full_sync(self, type_: str) -> int:
        """Start (or resume) a full listing; returns the generation every record seen in it is stamped with.

        A full sync cut short keeps its generation, so the next attempt finishes the same pass and records seen
        before the interruption still count as seen.
        """
        type_ = get_resource(type_).type
        with self._database.transaction() as db:
            _ensure_state(db, type_)
            generation, in_progress = db.execute(
                "SELECT generation, full_in_progress FROM sync_state WHERE type = ?", (type_,)
            ).fetchone()
            if not in_progress:
                generation += 1
                db.execute(
                    "UPDATE sync_state SET generation = ?, full_in_progress = 1 WHERE type = ?", (generation, type_)
                )
            return int(generation)

    def finish_full_sync(
        self, type_: str, generation: int, server_count: int | None = None, *, high_water: str | None = None
    ) -> int:
        """The listing completed: drop records it did not see (deleted on the server) and record the high-water
        mark (the newest ``updated_at`` on the server when the listing began, so changes made during it are
        fetched next time). Rows with pending edits or created locally stay; returns how many were removed."""
        type_ = get_resource(type_).type
        with self._database.transaction() as db:
            # A type that fills most of the table is read in storage order: through an index of the type the
            # planner reads every row at random to look at its generation (300,000 stock items: 0.9-2.0 s, where
            # one pass over the table takes 0.11-0.13 s).
            whole = " NOT INDEXED" if _most_of_table(db, server_count) else ""
            removed = db.execute(
                f"DELETE FROM records{whole} WHERE type = ? AND generation < ? AND pending = 0 AND local_only = 0",
                (type_, generation),
            ).rowcount
            if high_water is None:
                high_water = _max_updated_at(db, type_)
            now = now_text()
            db.execute(
                "UPDATE sync_state SET full_synced_at = ?, synced_at = ?, high_water = ?, full_in_progress = 0, "
                "server_count = ? WHERE type = ?",
                (now, now, high_water, server_count, type_),
            )
        with self._database.reading() as db:
            # Statistics let the planner use the relationship indexes (stock levels of a model, items of a SKU).
            # A sample of each index is enough for that choice: 0.4 ms instead of 13 ms on 100,000 rows.
            db.execute("PRAGMA analysis_limit = 1000")
            db.execute("ANALYZE")
        return int(removed)

    def finish_incremental_sync(
        self, type_: str, server_count: int | None = None, *, high_water: str | None = None
    ) -> None:
        type_ = get_resource(type_).type
        with self._database.transaction() as db:
            _ensure_state(db, type_)
            if high_water is None:
                high_water = _max_updated_at(db, type_)
            db.execute(
                "UPDATE sync_state SET synced_at = ?, high_water = ?, server_count = ? WHERE type = ?",
                (now_text(), high_water, server_count, type_),
            )


def _ensure_state(db: sqlite3.Connection, type_: str) -> None:
    db.execute("INSERT OR IGNORE INTO sync_state (type) VALUES (?)", (type_,))


def _most_of_table(db: sqlite3.Connection, rows: int | None) -> bool:
    """Whether ``rows`` records (a type's count on the server) are a quarter or more of the records table, judged
    by its largest row id (one look down its B-tree): a pass over the whole table then costs less than reading
    that many rows at random."""
    if not rows:
        return False
    last = db.execute("SELECT max(rowid) FROM records").fetchone()[0]
    return last is not None and rows * 4 >= int(last)


def _max_updated_at(db: sqlite3.Connection, type_: str) -> str | None:
    row = db.execute("SELECT max(updated_at) FROM records WHERE type = ? AND local_only = 0", (type_,)).fetchone()
    return str(row[0]) if row[0] is not None else None
