"""The local cache of one profile: fast reads for the window, page-by-page writes for the sync engine.

Reads decode the JSON of many rows in one ``json.loads`` call (a 100,000-row table opens in a fraction of a
second); writes are short transactions so an interrupted sync leaves every committed page usable.
"""

from __future__ import annotations

import gc
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop_app.schema import get_resource, parse_datetime
from desktop_app.store.core import dumps, now_text
from desktop_app.store.database import mark_closed, open_database
from desktop_app.store.outbox import OutboxStore
from desktop_app.store.records import CachedRecord, ServerRecord, SyncState

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_COLUMNS = "type, id, attributes, relationships, updated_at, seen_at, pending, local_only"


#: Upsert of a JSON array of ``[type, id, attributes, relationships, updated_at]`` rows (a ``SELECT`` feeding an
#: upsert needs a ``WHERE`` for SQLite to parse ``ON CONFLICT``).
_UPSERT_TAIL = (
    "ON CONFLICT (type, id) DO UPDATE SET attributes = excluded.attributes, "
    "relationships = json_patch(relationships, excluded.relationships), updated_at = excluded.updated_at, "
    "seen_at = excluded.seen_at, generation = max(generation, excluded.generation)"
)
_UPSERT_HEAD = (
    "INSERT INTO records (type, id, attributes, relationships, updated_at, seen_at, generation) "
    "SELECT value ->> 0, value ->> 1, value -> 2, value -> 3, value ->> 4, ?, ? FROM json_each(?) AS j "
)
_BULK_UPSERT = _UPSERT_HEAD + "WHERE true " + _UPSERT_TAIL
#: The same, leaving out rows with pending edits (their server version is kept beside the user's values).
_BULK_UPSERT_SPARING_PENDING = (
    _UPSERT_HEAD + "WHERE NOT EXISTS (SELECT 1 FROM records AS r WHERE r.type = j.value ->> 0 AND r.id = j.value ->> 1 "
    "AND r.pending = 1) " + _UPSERT_TAIL
)


#: Upsert of every record under ``data`` of list documents as the server sent them: ``?1`` type, ``?2`` seen_at,
#: ``?3`` generation, ``?4`` onwards the documents (see :func:`_raw_upsert`). Relationships become ids the way the
#: client reads them: only those whose ``data`` the server filled, a to-one as its id (or null), a to-many as an
#: array of ids.
_RAW_RELATIONSHIPS = (
    "coalesce((SELECT json_group_object(r.key, CASE WHEN json_type(r.value, '$.data') = 'array' THEN "
    "(SELECT json_group_array(CAST(x.value ->> 'id' AS TEXT)) FROM json_each(r.value, '$.data') AS x "
    "WHERE x.value ->> 'id' IS NOT NULL) ELSE CAST(r.value ->> '$.data.id' AS TEXT) END) "
    "FROM json_each(d.value, '$.relationships') AS r WHERE json_type(r.value, '$.data') IS NOT NULL), '{}')"
)
_RAW_UPSERT = (
    "INSERT INTO records (type, id, attributes, relationships, updated_at, seen_at, generation) "
    "SELECT ?1, d.value ->> 'id', coalesce(d.value -> 'attributes', '{}'), " + _RAW_RELATIONSHIPS + ", "
    "d.value ->> '$.attributes.updated_at', ?2, ?3 FROM _DOCUMENTS_, json_each(p.column1, '$.data') AS d "
    "WHERE true " + _UPSERT_TAIL
)
#: Documents per statement at most (SQLite before 3.32 allows 999 parameters).
DOCUMENTS_PER_STATEMENT = 256


def _raw_upsert(to_one: Sequence[str], documents: int) -> str:
    """:data:`_RAW_UPSERT` for ``documents`` documents bound as ``?4``.., in one statement: SQLite runs it in one
    call that releases the interpreter lock throughout, where a statement per page took the lock back after each
    (a writer thread then waits on the network code for it; 15 % less CPU on 400 pages, and fewer stalls).

    ``to_one``: the listing asked for exactly these to-one relationships to be included (only those carry
    ``data``); reading each id by its path skips walking every relationship (a fifth of the writes)."""
    if not 0 < documents <= DOCUMENTS_PER_STATEMENT:
        raise ValueError(f"between 1 and {DOCUMENTS_PER_STATEMENT} documents a statement, not {documents}")
    rows = ",".join(f"(?{number})" for number in range(4, 4 + documents))
    statement = _RAW_UPSERT.replace("_DOCUMENTS_", f"(VALUES {rows}) AS p")
    if not to_one:
        return statement
    if not all(_NAME.match(name) for name in to_one):
        raise KeyError(f"not relationship names: {list(to_one)!r}")
    pairs = ", ".join(f"'{name}', CAST(d.value ->> '$.relationships.{name}.data.id' AS TEXT)" for name in to_one)
    return statement.replace(_RAW_RELATIONSHIPS, f"json_object({pairs})")


def encode_rows(records: Sequence[ServerRecord]) -> str:
    """A page as the JSON text :meth:`Cache.store_pages` expands in SQLite."""
    return dumps([[r.type, r.id, r.attributes, r.relationships, r.attributes.get("updated_at")] for r in records])


def _column(type_: str, name: str) -> str:
    """The SQL expression of a field or relationship of ``type_`` (the same text the indexes use)."""
    if name in ("id", "updated_at"):
        return name
    if not _NAME.match(name):
        raise KeyError(f"{type_} has no field {name!r}")
    resource = get_resource(type_)
    if name in resource.relationships:
        return f"json_extract(relationships, '$.{name}')"
    if name in resource.fields:
        return f"json_extract(attributes, '$.{name}')"
    raise KeyError(f"{type_} has no field {name!r}")


def _decode_rows(rows: list[Any]) -> list[CachedRecord]:
    """Decode all rows' JSON in two ``json.loads`` calls, with the cyclic collector paused: building 100,000
    small dicts otherwise triggers collections that cost more than the decoding itself."""
    if not rows:
        return []
    paused = gc.isenabled()
    gc.disable()
    try:
        attributes = json.loads("[" + ",".join(row[2] for row in rows) + "]")
        relationships = json.loads("[" + ",".join(row[3] for row in rows) + "]")
        return [
            CachedRecord(row[0], row[1], attrs, rels, row[4], row[5], bool(row[6]), bool(row[7]))
            for row, attrs, rels in zip(rows, attributes, relationships, strict=True)
        ]
    finally:
        if paused:
            gc.enable()


class Cache(OutboxStore):
    """Records, sync state and the outbox of one profile, in one SQLite file.

    ``recovery_message`` is set when the previous file was unreadable or from a newer version and was moved aside;
    the command line prints it and the window shows it once.
    """

    def __init__(self, db: Any, path: Path, recovery_message: str | None) -> None:
        super().__init__(db)
        self.path = path
        self.recovery_message = recovery_message

    @classmethod
    def open(cls, path: Path | str) -> Cache:
        path = Path(path)
        db, message = open_database(path)
        return cls(db, path, message)

    def close(self) -> None:
        super().close()
        mark_closed(self.path)

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- reads --------------------------------------------------------------------------------------------------

    def records(
        self,
        type_: str,
        *,
        where: Mapping[str, Any] | None = None,
        order_by: str | Sequence[str] | None = None,
    ) -> list[CachedRecord]:
        """Visible records of a type (pending deletes hidden).

        ``where`` maps field or relationship names to a value (a list means "any of"); ``order_by`` names fields,
        ``-`` in front for descending. Stock levels of a model by priority is
        ``records("inventory_stock_locations", where={"inventory_model": id}, order_by="priority")``.
        """
        type_ = get_resource(type_).type
        # The type is a catalogue name (letters and underscores), written literally so partial indexes apply.
        sql = f"SELECT {_COLUMNS} FROM records WHERE type = '{type_}' AND deleted = 0"
        params: list[Any] = []
        for name, value in (where or {}).items():
            column = _column(type_, name)
            if isinstance(value, list | tuple | set | frozenset):
                values = list(value)
                sql += f" AND {column} IN ({','.join('?' * len(values))})" if values else " AND 0"
                params.extend(values)
            elif value is None:
                sql += f" AND {column} IS NULL"
            else:
                sql += f" AND {column} = ?"
                params.append(value)
        orders = [order_by] if isinstance(order_by, str) else list(order_by or [])
        terms = [f"{_column(type_, o.lstrip('-'))} {'DESC' if o.startswith('-') else 'ASC'}" for o in orders]
        sql += " ORDER BY " + ", ".join([*terms, "id"])
        return _decode_rows(self._query(sql, params))

    def get(self, type_: str, record_id: str) -> CachedRecord | None:
        type_ = get_resource(type_).type
        rows = self._query(
            f"SELECT {_COLUMNS} FROM records WHERE type = ? AND id = ? AND deleted = 0", (type_, record_id)
        )
        return _decode_rows(rows)[0] if rows else None

    def count(self, type_: str) -> int:
        type_ = get_resource(type_).type
        return int(self._query("SELECT count(*) FROM records WHERE type = ? AND deleted = 0", (type_,))[0][0])

    def types(self) -> list[str]:
        """Types with records or sync state, for ``status``."""
        rows = self._query("SELECT type FROM sync_state UNION SELECT DISTINCT type FROM records ORDER BY 1")
        return [str(r[0]) for r in rows]

    def sync_state(self, type_: str) -> SyncState:
        type_ = get_resource(type_).type
        rows = self._query(
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
        return self.sync_state(type_).synced_at

    # -- writes by the sync engine --------------------------------------------------------------------------------

    def _ensure_state(self, db: Any, type_: str) -> None:
        db.execute("INSERT OR IGNORE INTO sync_state (type) VALUES (?)", (type_,))

    def begin_full_sync(self, type_: str) -> int:
        """Start (or resume) a full listing; returns the generation every record seen in it is stamped with.

        A full sync cut short keeps its generation, so the next attempt finishes the same pass and records seen
        before the interruption still count as seen.
        """
        type_ = get_resource(type_).type
        with self.transaction() as db:
            self._ensure_state(db, type_)
            generation, in_progress = db.execute(
                "SELECT generation, full_in_progress FROM sync_state WHERE type = ?", (type_,)
            ).fetchone()
            if not in_progress:
                generation += 1
                db.execute(
                    "UPDATE sync_state SET generation = ?, full_in_progress = 1 WHERE type = ?", (generation, type_)
                )
            return int(generation)

    def store_page(self, records: Iterable[ServerRecord], generation: int | None = None) -> int:
        """Write one page of server records in one transaction; rows with pending edits keep the user's values
        (the server's version becomes their new base). Returns how many were written."""
        return self.store_pages([list(records)], generation)

    def store_pages(
        self,
        pages: Sequence[Sequence[ServerRecord]],
        generation: int | None = None,
        *,
        encoded: Sequence[str] | None = None,
    ) -> int:
        """Write several pages in one transaction (the sync's writer catching up after a burst of pages).

        Relationship ids merge into what the cache knows: a record read without ``include`` (the server then sends
        no relationship data) keeps the ids an earlier listing stored.

        The batch goes to SQLite as one JSON array expanded by ``json_each``: one statement does every insert
        without coming back to Python, so a writer thread hardly needs the interpreter lock. ``encoded`` are the
        pages already run through :func:`encode_rows` (the sync encodes on its own thread, so the writer thread
        does not compete with the network code for the lock at all).
        """
        batch = [record for page in pages for record in page]
        if not batch:
            return 0
        texts = list(encoded) if encoded is not None else [encode_rows(page) for page in pages]
        text = texts[0] if len(texts) == 1 else "[" + ",".join(t[1:-1] for t in texts if len(t) > 2) + "]"
        seen = now_text()
        with self.transaction() as db:
            types = {record.type for record in batch}
            marks = ",".join("?" * len(types))
            any_pending = db.execute(
                f"SELECT 1 FROM records WHERE pending = 1 AND type IN ({marks}) LIMIT 1", tuple(types)
            ).fetchone()
            if any_pending is None:
                db.execute(_BULK_UPSERT, (seen, generation or 0, text))
                return len(batch)
            held = {
                (row[0], row[1])
                for row in db.execute(
                    "SELECT r.type, r.id FROM json_each(?) AS j JOIN records AS r "
                    "ON r.type = j.value ->> 0 AND r.id = j.value ->> 1 WHERE r.pending = 1",
                    (text,),
                )
            }
            db.execute(_BULK_UPSERT_SPARING_PENDING, (seen, generation or 0, text))
            for record in batch:
                if (record.type, record.id) in held:
                    self._store_server_copy(db, record, seen, generation)
        return len(batch)

    def store_documents(
        self,
        type_: str,
        texts: Sequence[str],
        generation: int | None,
        decode: Callable[[str], Sequence[ServerRecord]],
        to_one: Sequence[str] = (),
    ) -> int:
        """Write list documents as received (see ``CommerceLayerClient.list_all_raw``) in one transaction.

        SQLite reads the records out of the text itself, so a full sync never builds Python objects per record;
        while rows of ``type_`` have pending edits, ``decode`` turns each document into records for
        :meth:`store_pages`, which keeps the user's values. Returns how many records were written. ``to_one``:
        the relationships the listing included, when only they are wanted (see :func:`_raw_upsert`).
        """
        type_ = get_resource(type_).type
        if not texts:
            return 0
        seen = now_text()
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM records WHERE pending = 1 AND type = ? LIMIT 1", (type_,)).fetchone():
                return self.store_pages([decode(text) for text in texts], generation)
            before = db.total_changes
            try:
                for start in range(0, len(texts), DOCUMENTS_PER_STATEMENT):
                    chunk = texts[start : start + DOCUMENTS_PER_STATEMENT]
                    db.execute(_raw_upsert(to_one, len(chunk)), (type_, seen, generation or 0, *chunk))
            except sqlite3.OperationalError as error:
                if "JSON" not in str(error):
                    raise
                raise ValueError(f"a page of {type_} is not a JSON document ({error})") from None
            return int(db.total_changes - before)

    def _store_server_copy(self, db: Any, record: ServerRecord, seen: str, generation: int | None) -> None:
        server = {
            "attributes": record.attributes,
            "relationships": record.relationships,
            "updated_at": record.attributes.get("updated_at"),
        }
        db.execute(
            "UPDATE records SET server = ?, seen_at = ?, generation = max(generation, ?) WHERE type = ? AND id = ?",
            (dumps(server), seen, generation or 0, record.type, record.id),
        )
        self._rebuild_visible(db, record.type, record.id)

    def store_record(self, record: ServerRecord) -> None:
        """Keep one record the server just sent (a retrieve during push, a conflict's "theirs")."""
        self.store_page([record])

    def _max_updated_at(self, db: Any, type_: str) -> str | None:
        row = db.execute("SELECT max(updated_at) FROM records WHERE type = ? AND local_only = 0", (type_,)).fetchone()
        return str(row[0]) if row[0] is not None else None

    def finish_full_sync(
        self, type_: str, generation: int, server_count: int | None = None, *, high_water: str | None = None
    ) -> int:
        """The listing completed: drop records it did not see (deleted on the server) and record the high-water
        mark (the newest ``updated_at`` on the server when the listing began, so changes made during it are
        fetched next time). Rows with pending edits or created locally stay; returns how many were removed."""
        type_ = get_resource(type_).type
        with self.transaction() as db:
            removed = db.execute(
                "DELETE FROM records WHERE type = ? AND generation < ? AND pending = 0 AND local_only = 0",
                (type_, generation),
            ).rowcount
            if high_water is None:
                high_water = self._max_updated_at(db, type_)
            now = now_text()
            db.execute(
                "UPDATE sync_state SET full_synced_at = ?, synced_at = ?, high_water = ?, full_in_progress = 0, "
                "server_count = ? WHERE type = ?",
                (now, now, high_water, server_count, type_),
            )
        with self._lock:
            # Statistics let the planner use the relationship indexes (stock levels of a model, items of a SKU).
            # A sample of each index is enough for that choice: 0.4 ms instead of 13 ms on 100,000 rows.
            self._db.execute("PRAGMA analysis_limit = 1000")
            self._db.execute("ANALYZE")
        return int(removed)

    def finish_incremental_sync(
        self, type_: str, server_count: int | None = None, *, high_water: str | None = None
    ) -> None:
        type_ = get_resource(type_).type
        with self.transaction() as db:
            self._ensure_state(db, type_)
            if high_water is None:
                high_water = self._max_updated_at(db, type_)
            db.execute(
                "UPDATE sync_state SET synced_at = ?, high_water = ?, server_count = ? WHERE type = ?",
                (now_text(), high_water, server_count, type_),
            )

    def server_count(self, type_: str) -> int:
        """Records the server is believed to hold: every row not created locally (pending deletes included)."""
        type_ = get_resource(type_).type
        return int(self._query("SELECT count(*) FROM records WHERE type = ? AND local_only = 0", (type_,))[0][0])

    def server_ids(self, type_: str) -> set[str]:
        type_ = get_resource(type_).type
        return {str(r[0]) for r in self._query("SELECT id FROM records WHERE type = ? AND local_only = 0", (type_,))}

    def server_created(self, type_: str) -> list[tuple[str, str]]:
        """(created_at, id) of every row the server is believed to hold, in that order (the deletion search)."""
        type_ = get_resource(type_).type
        rows = self._query(
            "SELECT coalesce(CASE WHEN server IS NULL THEN json_extract(attributes, '$.created_at') "
            "ELSE json_extract(server, '$.attributes.created_at') END, ''), id FROM records "
            "WHERE type = ? AND local_only = 0 ORDER BY 1, 2",
            (type_,),
        )
        return [(str(stamp), str(record_id)) for stamp, record_id in rows]

    def remove_ids(self, type_: str, ids: set[str]) -> int:
        """Drop rows deleted on the server; rows with pending edits stay (their push will say what happened)."""
        type_ = get_resource(type_).type
        with self.transaction() as db:
            db.executemany("DELETE FROM records WHERE type = ? AND id = ? AND pending = 0", [(type_, i) for i in ids])
        return len(ids)

    def remove_missing(self, type_: str, present: set[str]) -> int:
        """Drop rows the server no longer has (``present`` is its complete id list); pending rows stay."""
        type_ = get_resource(type_).type
        gone = [i for i in self.server_ids(type_) if i not in present]
        with self.transaction() as db:
            db.executemany(
                "DELETE FROM records WHERE type = ? AND id = ? AND pending = 0",
                [(type_, record_id) for record_id in gone],
            )
        return len(gone)
