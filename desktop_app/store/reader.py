"""The cache read from a worker thread: its own read-only connection, so a long read never holds the lock the
window's thread writes through, and a preview of 100,000 rows reads only the few columns it compares.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from desktop_app.schema import get_resource
from desktop_app.store.core import Database
from desktop_app.store.record_store import RecordStore, _column

#: A key inside a record's metadata (``metadata.reorder_point``), as a column name.
_METADATA_KEY = re.compile(r"^metadata\.([a-z_][a-z0-9_]*)$")
#: Rows per statement: the ids go as one JSON parameter, so only memory bounds it.
CHUNK = 20_000


class CacheReader:
    """What a worker thread reads of a cache file: :attr:`records` (the usual reads) and :meth:`rows_of`."""

    def __init__(self, path: Path | str) -> None:
        connection = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        connection.execute("PRAGMA query_only = ON")
        self._database = Database(connection)
        self.records = RecordStore(self._database)

    def close(self) -> None:
        self._database.close()

    def rows_of(
        self, type_: str, names: Sequence[str], *, ids: Sequence[str] = (), rowids: Sequence[int] = ()
    ) -> list[tuple[Any, ...]]:
        """``(id, *values)`` of the visible records named by record ``ids`` or by table ``rowids`` (the window's
        shown order holds those), in that order; ``names`` are fields, to-one relationships or ``metadata.<key>``.

        The rows are chosen inside SQLite from one JSON list per statement: a table's 100,000 filtered rows cost a
        few statements, and no column but the named ones is read."""
        type_ = get_resource(type_).type
        columns = ", ".join(["r.id", *(_expression(type_, name) for name in names)])
        by_rowid = bool(rowids)
        wanted: Sequence[Any] = rowids if by_rowid else ids
        key = "r.rowid" if by_rowid else "r.id"
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(wanted), CHUNK):
            chunk = list(wanted[start : start + CHUNK])
            sql = (
                f"SELECT {columns} FROM json_each(?) AS w JOIN records AS r ON {key} = w.value "
                f"WHERE r.type = '{type_}' AND r.deleted = 0 ORDER BY w.key"
            )
            out.extend(self._database.query(sql, (json.dumps(chunk),)))
        return out


def _expression(type_: str, name: str) -> str:
    matched = _METADATA_KEY.match(name)
    if matched:
        return f"json_extract(r.attributes, '$.metadata.{matched.group(1)}')"
    if name == "metadata":
        return "json_extract(r.attributes, '$.metadata')"
    return "r." + _column(type_, name) if name in ("id", "updated_at") else _column(type_, name)


@contextlib.contextmanager
def reading(path: Path | str) -> Iterator[CacheReader]:
    """A :class:`CacheReader` of ``path``, closed when the block ends (a worker thread opens and closes its own)."""
    reader = CacheReader(path)
    try:
        yield reader
    finally:
        reader.close()
