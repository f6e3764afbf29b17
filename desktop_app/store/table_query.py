"""A table of a million rows read from the cache as the window needs it: an order of row ids, then screenfuls.

The window never holds a table's values: it holds the ``rowid`` of each shown row, in the order shown (8 bytes a
row in an ``array('q')``), and reads the few rows being painted. Sorting, the filter bar's conditions and the quick
find are SQL here, each choosing the plan that an index makes cheap:

* an attribute with an index on it is read in index order (quantity: no table row is touched);
* a related name (a stock item's SKU code, its location's name) walks the related records in name order and takes
  each one's rows from the relationship's index (100,000 SKUs, not a million items, are sorted);
* anything else (derived quantities, attributes without an index) is one ``ORDER BY`` over the rows, still in
  SQLite and still off the window's thread.

An order comes back as one text of row ids built inside SQLite and parsed in C (:mod:`table_sql`, which also holds
where each column's value comes from): a million ``rowid``s cost no Python object each. A :class:`TableQuery` owns
its read-only connection; use it from one thread at a time.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from desktop_app.store.filters import condition_sql, held_in
from desktop_app.store.keys import KEY_TABLES, own_keys, sort_index
from desktop_app.store.table_sql import Source, _ids, _json, _listed, _name, expression, shown

__all__ = ["BLOCK", "Rows", "Source", "TableQuery", "expression", "shown"]

#: Rows read per statement when painting (one ``IN`` list).
BLOCK = 400


class Rows(NamedTuple):
    """Rows read for painting: per row id, the id, the pending flag, the to-one ids and each column's value."""

    values: dict[int, tuple[Any, ...]]


class _Kept(NamedTuple):
    """The last whole order read through an index: its column, direction, the file's version then, and how many
    rows (the first ones) had a value."""

    key: str | None
    descending: bool
    version: int
    present: int
    ids: array[int]


class TableQuery:
    """Orders, filters and screenfuls of one type's visible rows (pending deletes hidden)."""

    def __init__(self, path: Path | str, type_: str, sources: Sequence[Source], relationships: Sequence[str]) -> None:
        self.path = str(path)
        self.type = _name(type_)
        self.sources = tuple(sources)
        self.relationships = tuple(_name(r) for r in relationships)
        self._db: sqlite3.Connection | None = None
        self._count: int | None = None
        self._keys = KEY_TABLES.get(self.type)
        self._kept: _Kept | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA query_only = ON")
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _base(self, access: str = "") -> str:
        # The type written literally, so the partial indexes of this type apply.
        return f"records AS r{access} WHERE r.type = '{self.type}'"

    def _key(self, document: str, name: str) -> str | None:
        """The column of this type's key table holding a JSON value of its records, when there is one."""
        return None if self._keys is None else self._keys[2].get((document, name))

    def key_column(self, document: str, name: str) -> str | None:
        """The key table's column holding ``name`` (``document``: attributes, relationships or related)."""
        return self._key(document, name)

    def key_table(self) -> str | None:
        """The narrow table of this type's sort keys (row id ``item``), when it has one."""
        return None if self._keys is None else self._keys[0]

    def _keyed(self) -> str:
        """The visible rows of this type's key table, as ``k`` with their row id as ``rid``."""
        assert self._keys is not None
        table, item, _ = self._keys
        return f"SELECT k.{item} AS rid FROM {table} AS k WHERE k.deleted = 0"

    # -- orders ----------------------------------------------------------------------------------------------
    def count(self) -> int:
        """Visible rows (for stock items, read from an index holding the type and deleted flag); kept until
        :meth:`changed`."""
        if self._count is None:
            sql = f"SELECT count(*) FROM {self._base()} AND r.deleted = 0"
            if self._keys is not None:
                sql = f"SELECT count(*) FROM {self._keys[0]} WHERE deleted = 0"
            self._count = int(self.db.execute(sql).fetchone()[0])
        return self._count

    def changed(self) -> None:
        """Rows were added, changed or removed since the last read."""
        self._count = None
        self._kept = None

    def _run(self, select: str, params: Sequence[Any] = ()) -> array[int]:
        """The row ids ``select`` returns (its one column named ``rid``), in its order."""
        return _ids(self.db.execute(_listed(select), params).fetchone()[0])

    def order(self, key: str | None, descending: bool = False, *, limit: int | None = None) -> array[int]:
        """Every visible row id, sorted by column ``key`` (``None``: storage order); empty values last either way,
        ties in storage order (reversed with the order where an index gives them so). ``limit``: only the first
        rows (a first screenful, which an index or a related-name walk finds without reading the rest)."""
        source = next((s for s in self.sources if s.key == key), None)
        if source is not None and source.kind == "related":
            return self._related_order(source, descending, limit)
        way = "DESC" if descending else "ASC"
        tail = "" if limit is None else f" LIMIT {int(limit)}"
        if source is None:
            if self._keys is not None:  # the key table read in its own order (``+``: no index, no sorting)
                table, item, _ = self._keys
                return self._run(f"SELECT k.{item} AS rid FROM {table} AS k WHERE +k.deleted = 0 ORDER BY rid{tail}")
            return self._run(f"SELECT r.rowid AS rid FROM {self._scan()} ORDER BY r.rowid{tail}")
        value = expression(source)
        collate = " COLLATE NOCASE" if source.text else ""
        keyed = self._key("attributes", source.name) if source.kind == "attribute" else None
        if keyed is not None:
            return self._split_order(self._keyed(), f"k.{keyed}", collate, key, descending, limit=limit)
        if source.kind == "attribute" and sort_index(self.type, value.removeprefix("r.")):
            rows = f"SELECT r.rowid AS rid FROM {self._base()} AND r.deleted = 0"
            return self._split_order(rows, value, collate, key, descending, limit=limit)
        return self._run(
            f"SELECT r.rowid AS rid FROM {self._scan()} ORDER BY {value} IS NULL, {value}{collate} {way}, r.rowid{tail}"
        )

    def _split_order(
        self, rows: str, value: str, collate: str, key: str | None, descending: bool, *, limit: int | None
    ) -> array[int]:
        """``rows`` (a ``SELECT`` of ``rid`` with a ``WHERE``) having ``value`` in its order, then those without it
        by row id: two range reads of one index. A whole order is kept, so the other direction is the same rows
        reversed (ties too), with no query at all while the file is unchanged."""
        if limit is None and (flipped := self._flipped(key, descending)) is not None:
            return flipped
        version = self._version()
        way = "DESC" if descending else "ASC"
        tail = "" if limit is None else f" LIMIT {int(limit)}"
        out = self._run(f"{rows} AND {value} IS NOT NULL ORDER BY {value}{collate} {way}, rid {way}{tail}")
        present = len(out)
        if limit is None or present < limit:
            rest = "" if limit is None else f" LIMIT {int(limit) - present}"
            out.extend(self._run(f"{rows} AND {value} IS NULL ORDER BY rid{rest}"))
        if limit is None:
            self._kept = _Kept(key, descending, version, present, out)
        return out

    def _version(self) -> int:
        """Changes by any other connection to the file move this number (this connection only reads)."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def _flipped(self, key: str | None, descending: bool) -> array[int] | None:
        """The kept order of ``key`` the other way round, when the file has not changed since it was read."""
        kept = self._kept
        if kept is None or kept.key != key or kept.descending == descending or kept.version != self._version():
            return None
        out = kept.ids[kept.present - 1 :: -1] if kept.present else array("q")
        out.extend(kept.ids[kept.present :])  # the rows without a value stay last, in row id order
        self._kept = _Kept(key, descending, kept.version, kept.present, out)
        return out

    def _scan(self) -> str:
        """The visible rows, for a pass over their values. A type with a key table is most of the file (a million
        stock items): read in storage order, the ``+`` keeping SQLite off the type's index, which would mean a
        million reads in random order. Any other type through that index: a dozen locations in a file of a million
        items must not cost a pass over the whole file (two seconds, on the window's thread for a small table)."""
        plus = "+" if self._keys is not None else ""
        return f"records AS r WHERE {plus}r.type = '{self.type}' AND r.deleted = 0"

    def _related_order(self, source: Source, descending: bool, limit: int | None) -> array[int]:
        """Related records in name order, each one's rows through the relationship's index (``CROSS JOIN`` keeps
        the related records the outer loop); then the rows whose related record has no such name."""
        way = "DESC" if descending else "ASC"
        tail = "" if limit is None else f" LIMIT {int(limit)}"
        kept = self._key("related", f"{source.name}.{source.target_attribute}")
        if kept is not None:  # the name kept beside the row's keys: one scan of its index
            return self._split_order(self._keyed(), f"k.{kept}", " COLLATE NOCASE", source.key, descending, limit=limit)
        name = _json("attributes", source.target_attribute, "t")
        related = (
            f"(SELECT t.id AS tid FROM records AS t WHERE t.type = '{_name(source.target)}' "
            f"AND t.deleted = 0 AND {name} IS NOT NULL ORDER BY {name} COLLATE NOCASE {way}) AS o"
        )
        keyed = self._key("relationships", source.name)
        if keyed is not None:
            assert self._keys is not None
            table, item, _ = self._keys
            named = self._run(
                f"SELECT k.{item} AS rid FROM {related} CROSS JOIN {table} AS k "
                f"WHERE k.{keyed} = o.tid AND k.deleted = 0{tail}"
            )
        else:
            link = _json("relationships", source.name)
            named = self._run(
                f"SELECT r.rowid AS rid FROM {related} CROSS JOIN records AS r "
                f"WHERE r.type = '{self.type}' AND {link} = o.tid AND r.deleted = 0{tail}"
            )
        if limit is not None and len(named) == limit:
            return named
        if len(named) < self.count():
            # Rows pointing at nothing, or at a record without that name (rare): found by a pass over the rows.
            value = expression(source)
            rest = "" if limit is None else f" LIMIT {int(limit) - len(named)}"
            named.extend(
                self._run(f"SELECT r.rowid AS rid FROM {self._scan()} AND {value} IS NULL ORDER BY r.rowid{rest}")
            )
        return named

    # -- which rows ------------------------------------------------------------------------------------------
    def matching(
        self, conditions: Sequence[tuple[Any, Any]], find: str = "", find_in: Collection[str] | None = None
    ) -> set[int] | None:
        """Row ids meeting every parsed filter condition (``(Condition, value)`` pairs) and, with ``find``, having
        it in a text column (those keyed in ``find_in``, when given: the ones shown); ``None`` when nothing narrows
        the rows."""
        held = {value: f"k.{column}" for value, column in own_keys(self.type).items()}
        clauses: list[str] = []
        params: list[Any] = []
        keyed: list[str] = []  # conditions on values of the key table, answered from its indexes alone
        keyed_params: list[Any] = []
        for condition, value in conditions:
            if held and held_in(self.type, condition, held):
                clause, values = condition_sql(self.type, condition, value, held)
                keyed.append(clause)
                keyed_params.extend(values)
            else:
                clause, values = condition_sql(self.type, condition, value)
                clauses.append(clause)
                params.extend(values)
        found = self._found(find, find_in) if find.strip() else None
        if not clauses and not keyed:
            return found
        sql = (f"{self._keyed()} AND " + " AND ".join(f"({c})" for c in keyed)) if keyed else ""
        if clauses:
            terms = " AND ".join(f"({c})" for c in clauses)
            if keyed:  # the rows the key table names, by row id (not the whole type through its key index)
                terms += f" AND r.rowid IN ({sql})"
            base = self._base(" NOT INDEXED" if keyed else "")
            sql = f"SELECT r.rowid AS rid FROM {base} AND r.deleted = 0 AND {terms}"
        rows = set(self._run(sql, params + keyed_params))  # ids as one text parsed in C, not an object per row
        return rows if found is None else rows & found

    def _found(self, text: str, keys: Collection[str] | None) -> set[int]:
        """Rows with ``text`` in a text column: each column read the cheapest way (a related name through the
        related records, which are far fewer, and the relationship's index; an attribute by a scan of its index
        or of the rows)."""
        needle = text.strip().lower()
        parts: list[str] = []
        params: list[Any] = []
        for source in self.sources:
            if not source.text or (keys is not None and source.key not in keys):
                continue
            if source.kind == "related":
                name = _json("attributes", source.target_attribute, "t")
                keyed = self._key("relationships", source.name)
                link = _json("relationships", source.name)
                rows = (
                    f"{self._keyed()} AND k.{keyed}"
                    if keyed is not None
                    else f"SELECT r.rowid AS rid FROM {self._base()} AND r.deleted = 0 AND {link}"
                )
                parts.append(
                    f"{rows} IN (SELECT t.id FROM records AS t WHERE t.type = '{_name(source.target)}' "
                    f"AND t.deleted = 0 AND {name} IS NOT NULL AND instr(lower({name}), ?) > 0)"
                )
            else:
                # ``IS NOT NULL`` first: a partial index of the values present (a reference) then holds the few rows.
                value = expression(source)
                parts.append(
                    f"SELECT r.rowid AS rid FROM {self._base()} AND r.deleted = 0 AND {value} IS NOT NULL "
                    f"AND instr(lower({value}), ?) > 0"
                )
            params.append(needle)
        if not parts:
            return set()
        return set(self._run(" UNION ".join(parts), params))

    # -- painting --------------------------------------------------------------------------------------------
    def rows(self, rowids: Iterable[int]) -> Rows:
        """The values of these rows: ``(id, pending, *relationship ids, *column values)`` by row id (a row gone
        since the order was read is simply missing)."""
        wanted = list(rowids)
        selects = ["r.rowid", "r.id", "r.pending"]
        selects += [_json("relationships", name) for name in self.relationships]
        selects += [expression(s) for s in self.sources]
        out: dict[int, tuple[Any, ...]] = {}
        booleans = [i + 2 + len(self.relationships) for i, s in enumerate(self.sources) if s.boolean]
        for start in range(0, len(wanted), BLOCK):
            chunk = wanted[start : start + BLOCK]
            sql = (
                f"SELECT {', '.join(selects)} FROM records AS r WHERE r.rowid IN ({','.join('?' * len(chunk))}) "
                "AND r.deleted = 0"
            )
            for row in self.db.execute(sql, chunk):
                values = list(row[1:])
                values[1] = bool(values[1])
                for i in booleans:
                    values[i] = None if values[i] is None else bool(values[i])
                out[int(row[0])] = tuple(values)
        return Rows(out)

    def rowids_of(self, ids: Iterable[str]) -> dict[str, int]:
        """Row ids of these record ids (visible ones only)."""
        wanted = list(ids)
        out: dict[str, int] = {}
        for start in range(0, len(wanted), BLOCK):
            chunk = wanted[start : start + BLOCK]
            sql = (
                f"SELECT id, rowid FROM records WHERE type = '{self.type}' AND deleted = 0 "
                f"AND id IN ({','.join('?' * len(chunk))})"
            )
            out.update((str(i), int(r)) for i, r in self.db.execute(sql, chunk))
        return out
