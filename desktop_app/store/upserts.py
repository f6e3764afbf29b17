"""The statements a sync writes pages with: whole batches expanded inside SQLite, no Python per record.

A page reaches SQLite either as the JSON rows :func:`encode_rows` builds from typed records, or as the list
documents the server sent (see :func:`raw_upsert`); either way one statement writes the batch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from desktop_app.store.core import dumps
from desktop_app.store.records import ServerRecord

NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

#: Upsert of a JSON array of ``[type, id, attributes, relationships, updated_at]`` rows (a ``SELECT`` feeding an
#: upsert needs a ``WHERE`` for SQLite to parse ``ON CONFLICT``).
#: A page older than the row (listed before a push confirmed a newer version) leaves its values alone: the server's
#: ``updated_at`` only moves forward, and a full sync racing a push must not bring back what was just replaced.
_NEWER = "coalesce(excluded.updated_at >= updated_at, 1)"
_UPSERT_TAIL = (
    f"ON CONFLICT (type, id) DO UPDATE SET attributes = CASE WHEN {_NEWER} THEN excluded.attributes ELSE attributes "
    f"END, relationships = CASE WHEN {_NEWER} THEN json_patch(relationships, excluded.relationships) ELSE "
    f"relationships END, updated_at = CASE WHEN {_NEWER} THEN excluded.updated_at ELSE updated_at END, "
    "seen_at = excluded.seen_at, generation = max(generation, excluded.generation)"
)
_UPSERT_HEAD = (
    "INSERT INTO records (type, id, attributes, relationships, updated_at, seen_at, generation) "
    "SELECT value ->> 0, value ->> 1, value -> 2, value -> 3, value ->> 4, ?, ? FROM json_each(?) AS j "
)
#: Leaves out records whose delete the server confirmed after the page was listed (see ``tombstones``).
_NOT_DELETED = "NOT EXISTS (SELECT 1 FROM tombstones AS t WHERE t.type = j.value ->> 0 AND t.id = j.value ->> 1) "
BULK_UPSERT = _UPSERT_HEAD + "WHERE " + _NOT_DELETED + _UPSERT_TAIL
#: The same, leaving out rows with pending edits (their server version is kept beside the user's values).
BULK_UPSERT_SPARING_PENDING = (
    _UPSERT_HEAD + "WHERE NOT EXISTS (SELECT 1 FROM records AS r WHERE r.type = j.value ->> 0 AND r.id = j.value ->> 1 "
    "AND r.pending = 1) AND " + _NOT_DELETED + _UPSERT_TAIL
)


#: Upsert of every record under ``data`` of list documents as the server sent them: ``?1`` type, ``?2`` seen_at,
#: ``?3`` generation, ``?4`` onwards the documents (see :func:`raw_upsert`). Relationships become ids the way the
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
#: Documents a sync binds to each statement it runs: always this many, the rest ``NULL`` (``json_each(NULL)`` is
#: empty). A prepared statement keeps its last bound values until it runs again, and Python's statement cache
#: keeps one statement per distinct text: a statement per batch size held a copy of up to 256 pages each (a full
#: sync of 300,000 stock items grew to over 300 MB); one size holds at most this many pages (about 1 MB).
STATEMENT_DOCUMENTS = 32


def raw_upsert(to_one: Sequence[str], documents: int, *, sparing_deleted: bool = False) -> str:
    """:data:`_RAW_UPSERT` for ``documents`` documents bound as ``?4``.., in one statement: SQLite runs it in one
    call that releases the interpreter lock throughout, where a statement per page took the lock back after each
    (a writer thread then waits on the network code for it; 15 % less CPU on 400 pages, and fewer stalls).

    ``to_one``: the listing asked for exactly these to-one relationships to be included (only those carry
    ``data``); reading each id by its path skips walking every relationship (a fifth of the writes).

    ``sparing_deleted``: leave out records the ``tombstones`` name (only asked for when the type has any, so the
    usual full sync pays no lookup per record)."""
    if not 0 < documents <= DOCUMENTS_PER_STATEMENT:
        raise ValueError(f"between 1 and {DOCUMENTS_PER_STATEMENT} documents a statement, not {documents}")
    rows = ",".join(f"(?{number})" for number in range(4, 4 + documents))
    statement = _RAW_UPSERT.replace("_DOCUMENTS_", f"(VALUES {rows}) AS p")
    if sparing_deleted:
        spared = "WHERE NOT EXISTS (SELECT 1 FROM tombstones AS t WHERE t.type = ?1 AND t.id = d.value ->> 'id') "
        statement = statement.replace("WHERE true ", spared)
    if not to_one:
        return statement
    if not all(NAME.match(name) for name in to_one):
        raise KeyError(f"not relationship names: {list(to_one)!r}")
    pairs = ", ".join(f"'{name}', CAST(d.value ->> '$.relationships.{name}.data.id' AS TEXT)" for name in to_one)
    return statement.replace(_RAW_RELATIONSHIPS, f"json_object({pairs})")


def encode_rows(records: Sequence[ServerRecord]) -> str:
    """A page as the JSON text :meth:`RecordStore.store_pages` expands in SQLite."""
    return dumps([[r.type, r.id, r.attributes, r.relationships, r.attributes.get("updated_at")] for r in records])
