"""The shown rows of one table: their order as row ids, and the few rows around the viewport.

Two kinds of table: one read from the cache file (a million rows: the order is an ``array('q')`` of ``rowid`` read
from SQL, the values are read a block at a time as rows are painted, and at most :data:`KEEP` rows are held), and
one paged from the server because the cache does not hold the type yet (a few pages: every row is held, and keys are
counted from 1). :class:`Plan` is what a sort, filter or find asks for; :meth:`RowOrder.compute` answers it with plain
data and touches nothing shared, so it runs in the worker thread.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable, Sequence
from itertools import compress
from pathlib import Path
from typing import Any, NamedTuple

from desktop_app.schema import Column
from desktop_app.store.table_query import TableQuery, shown
from desktop_app.ui.models.table_rows import Row, source_of

#: Rows read per block around the one being painted (before it and after it), when the rows next to it are held: a
#: scroll by the wheel or the keys, which goes on the same way.
BEFORE, AFTER = 40, 100
#: The same after a jump (the scroll bar dragged, a sort, a find: neither neighbour held): a screenful. Each row read
#: is ~40 us of SQLite at a million stock items; a block of 140 cost the jump's repaint 6 ms, this one 2.5 ms.
JUMP_BEFORE, JUMP_AFTER = 8, 48
#: Rows held at most (values of a screenful or two, plus whatever was just edited).
KEEP = 4000
#: Row ids searched per step when finding where rows went.
SLICE = 50_000
#: Rows whose new places are searched for one by one (more: one pass over the order).
FEW = 16
#: The key of a row whose place is known but not its record yet (a sort's first screenful shown before its whole
#: order): painted blank until the order comes. Row ids of the cache are never negative.
UNKNOWN = -1


class Plan(NamedTuple):
    """What the shown order should be: the sort column's key, the filter conditions, the quick find."""

    key: str | None = None
    descending: bool = False
    conditions: tuple[tuple[Any, Any], ...] = ()
    find: str = ""
    find_in: frozenset[str] | None = None
    limit: int | None = None


class Answer(NamedTuple):
    """A computed order: every row in sort order, the matching ones (``None``: all) and the shown ones; the new
    position of each row id asked about (the rows persistent indexes point at)."""

    plan: Plan
    every: array[int]
    matching: set[int] | None
    order: array[int]
    positions: dict[int, int]


class RowOrder:
    """The rows of one table, read from the cache file (:meth:`open`) or held in memory (:meth:`hold`)."""

    def __init__(self, type_: str, columns: Sequence[Column], relationships: Sequence[str]) -> None:
        self.type = type_
        self.columns = tuple(columns)
        self.relationships = tuple(relationships)
        self.sources = tuple(source_of(type_, c) for c in self.columns)
        self._order: array[int] = array("q")
        #: Where the rows read for painting sit in the order (key -> position), until the order is replaced: an
        #: edit or a sync of a row on screen finds its place here, not by a scan of a million row ids.
        self._where: dict[int, int] = {}
        #: Rows counted but not in the order yet (a first screenful's table, counted before its whole order is
        #: read): shown blank, so the scroll bar has its full length from the start and nothing jumps later.
        self.placeholders = 0
        self.every: array[int] = array("q")
        self.matching: set[int] | None = None
        self.rows: dict[int, Row] = {}
        self.path: Path | None = None
        self._read: TableQuery | None = None  # the window's thread reads rows through it
        self._work: TableQuery | None = None  # the worker thread runs orders through it
        self._quick: TableQuery | None = None  # the quick lane's thread: first screenfuls and counts
        self._keys: dict[str, int] = {}  # record id -> key, for the rows held

    @property
    def order(self) -> array[int]:
        """The shown rows' keys in the shown order (row ids of the cache file, or keys of held rows)."""
        return self._order

    @order.setter
    def order(self, value: array[int]) -> None:
        self._order = value
        self._where = {}
        self.placeholders = 0

    @property
    def size(self) -> int:
        """Rows shown: those in the order, and those counted but not read yet."""
        return len(self._order) + self.placeholders

    def remove_at(self, position: int) -> None:
        """A held row taken out of the order (the rows after it move up one)."""
        del self._order[position]
        self._where = {}

    # -- where rows come from --------------------------------------------------------------------------------
    @property
    def cached(self) -> bool:
        return self.path is not None

    def open(self, path: Path) -> None:
        """Read from the cache file at ``path`` (nothing is read yet). The connections of a file read before are
        left to close when the worker is done with them."""
        self._read = self._work = self._quick = None
        self.path = Path(path)
        self._read = TableQuery(path, self.type, self.sources, self.relationships)
        self._work = TableQuery(path, self.type, self.sources, self.relationships)
        self._quick = TableQuery(path, self.type, self.sources, self.relationships)
        self.order, self.every, self.matching = array("q"), array("q"), None
        self.rows, self._keys = {}, {}

    def hold(self, rows: Iterable[Row]) -> None:
        """Show ``rows`` (records from the server) instead of the cache's, in this order."""
        self._read = self._work = self._quick = None
        self.path = None
        self.order = array("q")
        self.rows, self._keys = {}, {}
        self.extend(rows)
        self.every = array("q", self.order)

    def extend(self, rows: Iterable[Row]) -> range:
        """Held rows added at the end; returns the positions they take."""
        start = len(self.order)
        for row in rows:
            key = len(self.rows) + 1
            self.rows[key] = row
            self._keys[row[0]] = key
            self.order.append(key)
        return range(start, len(self.order))

    def close(self) -> None:
        for query in (self._read, self._work, self._quick):
            if query is not None:
                query.close()
        self._read = self._work = self._quick = None
        self.path = None

    # -- reading ---------------------------------------------------------------------------------------------
    def row(self, position: int) -> Row:
        if position >= len(self._order):  # counted, not read yet: blank until the whole order comes
            return self._blank()
        key = self._order[position]
        if key == UNKNOWN:
            return self._blank()
        found = self.rows.get(key)
        if found is None:
            found = self._load(position).get(key)
        if found is None:  # gone from the cache since the order was read: blank until the next order
            found = self._blank()
        return found

    def _blank(self) -> Row:
        return ("", False, *([None] * len(self.relationships)), *([None] * len(self.columns)))

    def _load(self, position: int) -> dict[int, Row]:
        assert self._read is not None
        if len(self.rows) > KEEP:
            self.rows = {}
            self._keys = {}
            self._where = {}
        order = self.order
        near = (position > 0 and order[position - 1] in self.rows) or (
            position + 1 < len(order) and order[position + 1] in self.rows
        )
        before, after = (BEFORE, AFTER) if near else (JUMP_BEFORE, JUMP_AFTER)
        start = max(0, position - before)
        block = order[start : position + after]
        self._where.update(zip(block, range(start, start + len(block)), strict=True))
        keys = [k for k in block if k not in self.rows and k != UNKNOWN]
        read = self._read.rows(keys).values
        self.rows.update(read)
        self._keys.update((row[0], key) for key, row in read.items())
        return read

    def key_of(self, record_id: str) -> int | None:
        """The key of a record's row (read from the cache when not held), ``None`` when it has none."""
        key = self._keys.get(record_id)
        if key is None and self._read is not None:
            key = self._read.rowids_of([record_id]).get(record_id)
        return key

    def keys_of(self, ids: Collection[str]) -> dict[str, int]:
        found = {i: self._keys[i] for i in ids if i in self._keys}
        missing = [i for i in ids if i not in found]
        if missing and self._read is not None:
            found.update(self._read.rowids_of(missing))
        return found

    def position_of(self, key: int) -> int:
        """Where ``key`` is shown (-1: nowhere): known for a row read for painting, else one scan of the order."""
        at = self._where.get(key)
        if at is not None and at < len(self._order) and self._order[at] == key:
            return at
        try:
            return self._order.index(key)
        except ValueError:
            return -1

    def positions_of(self, keys: Collection[int]) -> dict[int, int]:
        """Where each of ``keys`` is shown (those shown): the rows read for painting from what is known, the rest
        in one pass over the order however many they are (a sync's page, a bulk edit)."""
        out: dict[int, int] = {}
        rest: list[int] = []
        for key in keys:
            at = self._where.get(key)
            if at is not None and at < len(self._order) and self._order[at] == key:
                out[key] = at
            else:
                rest.append(key)
        if rest:
            out.update(_positions(self._order, rest))
        return out

    def forget(self, keys: Iterable[int]) -> None:
        """Read these rows again when next painted."""
        for key in keys:
            row = self.rows.pop(key, None)
            if row is not None:
                self._keys.pop(row[0], None)

    def put(self, key: int, row: Row) -> None:
        self.rows[key] = row
        self._keys[row[0]] = key

    def changed(self) -> None:
        """The cache's rows changed: counts are read again and every row when next painted."""
        for query in (self._read, self._work, self._quick):
            if query is not None:
                query.changed()
        if self.cached:
            self.rows, self._keys = {}, {}

    # -- ordering --------------------------------------------------------------------------------------------
    def count(self) -> int:
        assert self._read is not None
        return self._read.count()

    def count_in_worker(self) -> int:
        """:meth:`count`, through the quick lane's connection (a million stock items: 30-40 ms of SQLite)."""
        assert self._quick is not None
        return self._quick.count()

    def screen(self, plan: Plan, wanted: Collection[int], count: int) -> tuple[array[int], dict[int, int]] | None:
        """A sort's first ``count`` rows and the places of ``wanted`` in it, read from one index without the whole
        order (pure data: the worker thread); ``None`` when that order cannot be read so (then only the whole one
        is), or it would not be the one shown (a filter or find narrows it)."""
        from desktop_app.store.ranks import screen

        query = self._quick
        if query is None or plan.key is None or plan.conditions or plan.find:
            return None
        found = screen(query, plan.key, plan.descending, count, [k for k in wanted if k != UNKNOWN])
        if found is None:
            return None
        places = dict(found.places)
        places.update((key, at) for at, key in enumerate(found.first))
        return array("q", found.first), places

    def sparse(self, first: array[int], places: dict[int, int], size: int) -> array[int]:
        """An order of ``size`` rows knowing only ``first`` and the rows at ``places``: the rest are
        :data:`UNKNOWN`."""
        out = array("q", [UNKNOWN]) * size
        out[: min(len(first), size)] = first[:size]
        for key, at in places.items():
            if 0 <= at < size:
                out[at] = key
        return out

    def compute(self, plan: Plan, wanted: Collection[int] = (), *, reuse: Answer | None = None) -> Answer:
        """The order ``plan`` asks for, from the cache (pure data: safe in the worker thread). ``reuse``: an
        earlier answer whose sort still holds, so only the filter is run again."""
        query = self._work
        assert query is not None
        if reuse is not None and (reuse.plan.key, reuse.plan.descending) == (plan.key, plan.descending):
            every = reuse.every
        else:
            every = query.order(plan.key, plan.descending, limit=plan.limit)
        matching = query.matching(plan.conditions, plan.find, plan.find_in) if plan.limit is None else None
        order = None
        if matching is not None:  # a few rows found: put in order by SQL, not by a pass over the whole order
            from desktop_app.store.ranks import in_order

            found = in_order(query, plan.key, plan.descending, matching)
            order = None if found is None else array("q", found)
        if order is None:
            order = shown(every, matching)
        return Answer(plan, every, matching, order, _positions(order, wanted))


def _positions(order: array[int], wanted: Collection[int]) -> dict[int, int]:
    """Where each of ``wanted`` sits in ``order``. A few (a selection, the current row) are searched for in the
    order's bytes (a C search, a few milliseconds each in a million rows); more in one pass in C, a slice at a
    time, so the worker thread hands the interpreter lock back to the window's thread between slices."""
    if not wanted:
        return {}
    if len(wanted) <= FEW:
        return _searched(order, wanted)
    chosen = set(wanted)
    out: dict[int, int] = {}
    for start in range(0, len(order), SLICE):
        part = order[start : start + SLICE]
        for offset in compress(range(len(part)), map(chosen.__contains__, part)):
            out[part[offset]] = start + offset
        if len(out) == len(chosen):
            break
    return out


def _searched(order: array[int], wanted: Collection[int]) -> dict[int, int]:
    data = order.tobytes()
    size = order.itemsize
    out: dict[int, int] = {}
    for key in wanted:
        needle = array("q", [key]).tobytes()
        at = data.find(needle)
        while at >= 0 and at % size:  # a match across two ids: search on from the next byte
            at = data.find(needle, at + 1)
        if at >= 0:
            out[key] = at // size
    return out
