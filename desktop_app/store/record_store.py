"""The records of the cache: fast reads for the window, page-by-page writes for the sync engine.

Reads decode the JSON of many rows in one ``json.loads`` call (a 100,000-row table opens in a fraction of a
second); writes are short transactions so an interrupted sync leaves every committed page usable.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_app.collector import collector_paused
from desktop_app.schema import format_datetime, get_resource
from desktop_app.store.core import Database, now_text
from desktop_app.store.keys import GENERATED, KEY_TABLES, own_keys
from desktop_app.store.records import CachedRecord, ServerRecord
from desktop_app.store.upserts import (
    BULK_UPSERT,
    BULK_UPSERT_SPARING_PENDING,
    NAME,
    STATEMENT_DOCUMENTS,
    encode_rows,
    raw_upsert,
)
from desktop_app.store.visible import keep_server_copy, server_copy

#: How long a confirmed delete keeps a listed page from bringing its record back, at least (see ``forget_deleted``).
TOMBSTONE_HOURS = 1

#: Whether a type has rows with pending edits, asked before every page a sync writes, must read the small partial
#: index of those rows: left to itself the planner picks an index of the whole type (``type = ?`` matches its
#: partial ``WHERE``) and reads every row of it, so each write cost more than the one before (a million stock items
#: took a quarter of an hour, mostly in this question).
PENDING_ONLY = "INDEXED BY records_pending"

_COLUMNS = "type, id, attributes, relationships, updated_at, seen_at, pending, local_only"
#: Record ids per look-up statement of :meth:`RecordStore.get_many` (one JSON parameter each).
ID_CHUNK = 5000


def _column(type_: str, name: str) -> str:
    """The SQL expression of a field or relationship of ``type_`` (the same text the indexes use)."""
    if name in ("id", "updated_at"):
        return name
    if not NAME.match(name):
        raise KeyError(f"{type_} has no field {name!r}")
    resource = get_resource(type_)
    if name in resource.relationships:
        return GENERATED.get(("relationships", name), f"json_extract(relationships, '$.{name}')")
    if name in resource.fields:
        return GENERATED.get(("attributes", name), f"json_extract(attributes, '$.{name}')")
    raise KeyError(f"{type_} has no field {name!r}")


def _condition(column: str, value: Any) -> tuple[str, list[Any]]:
    """One ``AND …`` condition of ``column`` on ``value`` (a list value means "any of") and its parameters."""
    if isinstance(value, list | tuple | set | frozenset):
        values = list(value)
        return (f" AND {column} IN ({','.join('?' * len(values))})" if values else " AND 0"), values
    if value is None:
        return f" AND {column} IS NULL", []
    return f" AND {column} = ?", [value]


def _keyed(type_: str, where: Mapping[str, Any] | None) -> tuple[str, list[Any], dict[str, Any]]:
    """The conditions of ``where`` on values the type's key table holds, as a ``WHERE`` of that table (``""`` when
    none), their parameters, and the rest of ``where``. A stock item's SKU, location and quantity are indexed there
    and nowhere else (see ``store.keys``)."""
    held = own_keys(type_)
    if not held or not where:
        return "", [], dict(where or {})
    resource = get_resource(type_)
    sql = "deleted = 0"
    params: list[Any] = []
    rest: dict[str, Any] = {}
    for name, value in where.items():
        document = "relationships" if name in resource.relationships else "attributes"
        column = held.get((document, name))
        if column is None:
            rest[name] = value
            continue
        term, values = _condition(column, value)
        sql += term
        params.extend(values)
    return ("" if len(rest) == len(where) else sql), params, rest


def _conditions(type_: str, where: Mapping[str, Any] | None) -> tuple[str, str, list[Any]]:
    """``where`` as SQL conditions on ``records`` (each ``AND …``) with the access to ``records`` they want, and
    their parameters; a list value means "any of". Values held in the type's key table are looked up in its indexes
    and the rows read by row id (``NOT INDEXED``: left to itself, the planner reads the whole type through its key
    index instead, each row checked against the list)."""
    keyed, params, rest = _keyed(type_, where)
    sql = ""
    access = ""
    if keyed:
        table, item, _ = KEY_TABLES[type_]
        sql = f" AND rowid IN (SELECT {item} FROM {table} WHERE {keyed})"
        access = " NOT INDEXED"
    for name, value in rest.items():
        term, values = _condition(_column(type_, name), value)
        sql += term
        params.extend(values)
    return access, sql, params


def _decode_rows(rows: list[Any]) -> list[CachedRecord]:
    """Decode all rows' JSON in two ``json.loads`` calls, with the cyclic collector paused: building 100,000
    small dicts otherwise triggers collections that cost more than the decoding itself. It is the process's one
    pause (:mod:`desktop_app.collector`): a push or a preview in another thread may hold it too, and neither ends
    the other's."""
    if not rows:
        return []
    with collector_paused():
        attributes = json.loads("[" + ",".join(row[2] for row in rows) + "]")
        relationships = json.loads("[" + ",".join(row[3] for row in rows) + "]")
        return [
            CachedRecord(row[0], row[1], attrs, rels, row[4], row[5], bool(row[6]), bool(row[7]))
            for row, attrs, rels in zip(rows, attributes, relationships, strict=True)
        ]


class RecordStore:
    """The records as the user sees them (pending edits applied), their server copies, and the sync's writes."""

    def __init__(self, database: Database) -> None:
        self._database = database

    # -- reads --------------------------------------------------------------------------------------------------

    def find(
        self,
        type_: str,
        *,
        where: Mapping[str, Any] | None = None,
        order_by: str | Sequence[str] | None = None,
    ) -> list[CachedRecord]:
        """Visible records of a type (pending deletes hidden).

        ``where`` maps field or relationship names to a value (a list means "any of"); ``order_by`` names fields,
        ``-`` in front for descending. Stock levels of a model by priority is
        ``find("inventory_stock_locations", where={"inventory_model": id}, order_by="priority")``.
        """
        type_ = get_resource(type_).type
        # The type is a catalogue name (letters and underscores), written literally so partial indexes apply. A
        # whole type is read through the key index (type, id), in the order asked for; the indexes of the window's
        # sorts, holding the type too, would read the rows in random order, then sort them.
        access, conditions, params = _conditions(type_, where)
        key = access if where else " INDEXED BY records_key"
        sql = f"SELECT {_COLUMNS} FROM records{key} WHERE type = '{type_}' AND deleted = 0{conditions}"
        orders = [order_by] if isinstance(order_by, str) else list(order_by or [])
        terms = [f"{_column(type_, o.lstrip('-'))} {'DESC' if o.startswith('-') else 'ASC'}" for o in orders]
        sql += " ORDER BY " + ", ".join([*terms, "id"])
        return _decode_rows(self._database.query(sql, params))

    def columns(self, type_: str, names: Sequence[str]) -> list[tuple[Any, ...]]:
        """``(id, *values)`` of every visible record of a type, for the named fields or to-one relationships only:
        what a lookup over a whole table needs (an import's keys), without decoding every row's JSON."""
        type_ = get_resource(type_).type
        selected = ", ".join(["id", *(_column(type_, name) for name in names)])
        sql = f"SELECT {selected} FROM records INDEXED BY records_key WHERE type = '{type_}' AND deleted = 0"
        rows: list[tuple[Any, ...]] = self._database.query(sql, ())  # plain tuples (no row factory)
        return rows

    def keys(self, type_: str, names: Sequence[str]) -> list[tuple[Any, ...]]:
        """``(rowid, *values)`` of every visible record of a type, for the named fields or to-one relationships:
        from the type's narrow key table when it holds them all (a stock item's SKU and location: 100,000 rows
        without reading one record), else from the records. :meth:`by_rowid` reads the records matched."""
        type_ = get_resource(type_).type
        keyed = KEY_TABLES.get(type_)
        if keyed is not None:
            table, item, columns = keyed
            held = {name: columns.get(("relationships", name)) or columns.get(("attributes", name)) for name in names}
            if all(held.values()):
                selected = ", ".join([item, *(str(held[name]) for name in names)])
                rows: list[tuple[Any, ...]] = self._database.query(
                    f"SELECT {selected} FROM {table} WHERE deleted = 0", ()
                )
                return rows
        selected = ", ".join(["rowid", *(_column(type_, name) for name in names)])
        sql = f"SELECT {selected} FROM records INDEXED BY records_key WHERE type = '{type_}' AND deleted = 0"
        found: list[tuple[Any, ...]] = self._database.query(sql, ())
        return found

    def keys_among(self, type_: str, names: Sequence[str], wanted: Sequence[tuple[str, ...]]) -> list[tuple[Any, ...]]:
        """:meth:`keys` of only the records whose values of ``names`` are among ``wanted`` (an import's 10,000
        keys): looked up in the key table's index inside SQLite, one JSON list per statement, instead of reading
        all 100,000 keys into Python (0.2 s)."""
        type_ = get_resource(type_).type
        keyed = KEY_TABLES.get(type_)
        held = {}
        if keyed is not None:
            _, _, columns = keyed
            held = {name: columns.get(("relationships", name)) or columns.get(("attributes", name)) for name in names}
        if keyed is None or not all(held.values()):
            chosen = set(wanted)
            return [row for row in self.keys(type_, names) if tuple(str(v) for v in row[1:]) in chosen]
        table, item, _ = keyed
        selected = ", ".join([f"k.{item}", *(f"k.{held[name]}" for name in names)])
        matched = " AND ".join(f"k.{held[name]} = w.value ->> '$[{n}]'" for n, name in enumerate(names))
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(wanted), 20_000):
            chunk = json.dumps([list(key) for key in wanted[start : start + 20_000]])
            found.extend(
                self._database.query(
                    f"SELECT {selected} FROM json_each(?) AS w JOIN {table} AS k ON {matched} WHERE k.deleted = 0",
                    (chunk,),
                )
            )
        return found

    def by_rowid(self, type_: str, rowids: Sequence[int]) -> list[CachedRecord]:
        """The visible records of a type at these row ids (from :meth:`keys`), in one statement."""
        type_ = get_resource(type_).type
        sql = (
            f"SELECT {_COLUMNS} FROM records WHERE rowid IN (SELECT value FROM json_each(?)) "
            f"AND type = '{type_}' AND deleted = 0"
        )
        return _decode_rows(self._database.query(sql, (json.dumps(list(rowids)),)))

    def get(self, type_: str, record_id: str) -> CachedRecord | None:
        type_ = get_resource(type_).type
        rows = self._database.query(
            f"SELECT {_COLUMNS} FROM records WHERE type = ? AND id = ? AND deleted = 0", (type_, record_id)
        )
        return _decode_rows(rows)[0] if rows else None

    def get_many(self, type_: str, record_ids: Iterable[str]) -> dict[str, CachedRecord]:
        """Id → visible record, for those of ``record_ids`` the cache holds: :meth:`get` for thousands (a batch's
        records), one statement per :data:`ID_CHUNK` ids instead of one each."""
        type_ = get_resource(type_).type
        ids = list(dict.fromkeys(record_ids))
        found: dict[str, CachedRecord] = {}
        for start in range(0, len(ids), ID_CHUNK):
            rows = self._database.query(
                f"SELECT {_COLUMNS} FROM records WHERE type = ? AND id IN (SELECT value FROM json_each(?)) "
                "AND deleted = 0",
                (type_, json.dumps(ids[start : start + ID_CHUNK])),
            )
            found.update((record.id, record) for record in _decode_rows(rows))
        return found

    def stream(self, type_: str, batch: int = 2000) -> Iterator[CachedRecord]:
        """Every visible record of a type in id order, read ``batch`` rows at a time (each read picks up after the
        last id of the one before), so an export of a million rows holds a batch, never the table."""
        type_ = get_resource(type_).type
        after = ""
        while True:
            rows = self._database.query(
                f"SELECT {_COLUMNS} FROM records INDEXED BY records_key WHERE type = '{type_}' AND id > ? "
                "AND deleted = 0 ORDER BY id LIMIT ?",
                (after, batch),
            )
            yield from _decode_rows(rows)
            if len(rows) < batch:
                return
            after = rows[-1][1]

    def count(self, type_: str, *, where: Mapping[str, Any] | None = None) -> int:
        """Visible records of a type, or of those matching ``where`` (as in :meth:`find`): a stock location's
        stock items counted through the index, without reading them."""
        type_ = get_resource(type_).type
        keyed, params, rest = _keyed(type_, where)
        if keyed and not rest:  # counted in the key table's index alone
            sql = f"SELECT count(*) FROM {KEY_TABLES[type_][0]} WHERE {keyed}"
            return int(self._database.query(sql, params)[0][0])
        access, conditions, params = _conditions(type_, where)
        sql = f"SELECT count(*) FROM records{access} WHERE type = '{type_}' AND deleted = 0{conditions}"
        return int(self._database.query(sql, params)[0][0])

    def server_version(self, type_: str, record_id: str) -> dict[str, Any] | None:
        """The server's copy of a record as last seen (``None`` for a record created offline)."""
        with self._database.reading() as db:
            return server_copy(db, type_, record_id)

    # -- what the server is believed to hold (the deletion search) ------------------------------------------------

    def server_count(self, type_: str) -> int:
        """Records the server is believed to hold: every row not created locally (pending deletes included)."""
        type_ = get_resource(type_).type
        rows = self._database.query("SELECT count(*) FROM records WHERE type = ? AND local_only = 0", (type_,))
        return int(rows[0][0])

    def server_ids(self, type_: str) -> set[str]:
        type_ = get_resource(type_).type
        rows = self._database.query("SELECT id FROM records WHERE type = ? AND local_only = 0", (type_,))
        return {str(r[0]) for r in rows}

    def server_created(self, type_: str) -> list[tuple[str, str]]:
        """(created_at, id) of every row the server is believed to hold, in that order (the deletion search)."""
        type_ = get_resource(type_).type
        rows = self._database.query(
            "SELECT coalesce(CASE WHEN server IS NULL THEN json_extract(attributes, '$.created_at') "
            "ELSE json_extract(server, '$.attributes.created_at') END, ''), id FROM records "
            "WHERE type = ? AND local_only = 0 ORDER BY 1, 2",
            (type_,),
        )
        return [(str(stamp), str(record_id)) for stamp, record_id in rows]

    # -- writes by the sync engine --------------------------------------------------------------------------------

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
        with self._database.transaction() as db:
            types = {record.type for record in batch}
            marks = ",".join("?" * len(types))
            any_pending = db.execute(
                f"SELECT 1 FROM records {PENDING_ONLY} WHERE pending = 1 AND type IN ({marks}) LIMIT 1", tuple(types)
            ).fetchone()
            if any_pending is None:
                db.execute(BULK_UPSERT, (seen, generation or 0, text))
                return len(batch)
            held = {
                (row[0], row[1])
                for row in db.execute(
                    "SELECT r.type, r.id FROM json_each(?) AS j JOIN records AS r "
                    "ON r.type = j.value ->> 0 AND r.id = j.value ->> 1 WHERE r.pending = 1",
                    (text,),
                )
            }
            db.execute(BULK_UPSERT_SPARING_PENDING, (seen, generation or 0, text))
            for record in batch:
                if (record.type, record.id) in held:
                    keep_server_copy(db, record, seen, generation)
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
        the relationships the listing included, when only they are wanted (see :func:`raw_upsert`).
        """
        type_ = get_resource(type_).type
        if not texts:
            return 0
        seen = now_text()
        with self._database.transaction() as db:
            if db.execute(
                f"SELECT 1 FROM records {PENDING_ONLY} WHERE pending = 1 AND type = ? LIMIT 1", (type_,)
            ).fetchone():
                return self.store_pages([decode(text) for text in texts], generation)
            written = 0  # each statement's own rows (``total_changes`` would count the key table's too)
            deleted = db.execute("SELECT 1 FROM tombstones WHERE type = ? LIMIT 1", (type_,)).fetchone() is not None
            statement = raw_upsert(to_one, STATEMENT_DOCUMENTS, sparing_deleted=deleted)
            try:
                for start in range(0, len(texts), STATEMENT_DOCUMENTS):
                    chunk: list[str | None] = list(texts[start : start + STATEMENT_DOCUMENTS])
                    chunk += [None] * (STATEMENT_DOCUMENTS - len(chunk))
                    written += db.execute(statement, (type_, seen, generation or 0, *chunk)).rowcount
            except sqlite3.OperationalError as error:
                if "JSON" not in str(error):
                    raise
                raise ValueError(f"a page of {type_} is not a JSON document ({error})") from None
            return written

    def forget_deleted(self, type_: str, before: str) -> int:
        """Drop the tombstones of ``type_``'s records deleted before ``before`` (when a sync began) and more than
        :data:`TOMBSTONE_HOURS` ago: pages listed after a delete do not hold the record any more, and no page waits
        that long between being listed and being written. Returns how many were dropped."""
        type_ = get_resource(type_).type
        cutoff = min(before, format_datetime(datetime.now(UTC) - timedelta(hours=TOMBSTONE_HOURS)))
        with self._database.transaction() as db:
            return int(db.execute("DELETE FROM tombstones WHERE type = ? AND deleted_at < ?", (type_, cutoff)).rowcount)

    def remove_ids(self, type_: str, ids: set[str]) -> int:
        """Drop rows deleted on the server; rows with pending edits stay (their push will say what happened)."""
        type_ = get_resource(type_).type
        with self._database.transaction() as db:
            db.executemany("DELETE FROM records WHERE type = ? AND id = ? AND pending = 0", [(type_, i) for i in ids])
        return len(ids)

    def remove_missing(self, type_: str, present: set[str]) -> int:
        """Drop rows the server no longer has (``present`` is its complete id list); pending rows stay."""
        type_ = get_resource(type_).type
        gone = [i for i in self.server_ids(type_) if i not in present]
        with self._database.transaction() as db:
            db.executemany(
                "DELETE FROM records WHERE type = ? AND id = ? AND pending = 0",
                [(type_, record_id) for record_id in gone],
            )
        return len(gone)
