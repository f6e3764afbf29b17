"""Stock counts in the cache: a count of one stock location and its lines, each written in its own transaction.

A count is typed or scanned over an hour on a warehouse floor; the person must never lose it to a closed window, a
crash or a killed process, so every line is committed the moment it is entered (WAL: about 0.1 ms a scan on a cache
of 100,000 stock items), and an unfinished count is found again by its location. The lookups a count needs (a SKU
by its code, the stock item of a SKU at a location) read the cache as the person sees it, queued edits included.
"""

from typing import Any, Literal, NamedTuple

from desktop_app.errors import UsageError
from desktop_app.store.core import Database, dumps, now_text

CountState = Literal["open", "applied", "abandoned"]


class CountRow(NamedTuple):
    """A count: its stock location (the name as it was when the count started, for the batch's name offline)."""

    id: int
    location_id: str
    location_name: str
    started_at: str
    uncounted_zero: bool
    state: CountState
    finished_at: str | None = None
    batch_name: str | None = None


class CountLine(NamedTuple):
    """What was counted of one SKU; ``expected`` is the cache's quantity when it was counted (``None``: the location
    had no stock item for the SKU then), which the review compares with the quantity at the time of applying."""

    id: int
    count_id: int
    sku_id: str
    code: str
    quantity: int
    expected: int | None
    stock_item_id: str | None
    counted_at: str


class SkuRef(NamedTuple):
    id: str
    code: str
    name: str


class ItemRef(NamedTuple):
    """A stock item as the cache shows it now (queued edits applied)."""

    id: str
    sku_id: str | None
    quantity: int


def _count(row: Any) -> CountRow:
    return CountRow(int(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]), row[5], row[6], row[7])


def _line(row: Any) -> CountLine:
    return CountLine(int(row[0]), int(row[1]), str(row[2]), str(row[3]), int(row[4]), row[5], row[6], str(row[7]))


def _quantity(value: Any) -> int:
    """A stored quantity as a number (a missing or odd one counts as none)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return 0


_COUNT_COLUMNS = "id, stock_location, location_name, started_at, uncounted_zero, state, finished_at, batch_name"
_LINE_COLUMNS = "id, count_id, sku, code, quantity, expected, stock_item, counted_at"


class CountStore:
    """The counts part of the cache (over the cache's one connection, so applying a count and queueing its edits
    commit together)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # -- counts ---------------------------------------------------------------------------------------------------

    def start(self, location_id: str, location_name: str) -> CountRow:
        """The unfinished count of this location, or a new one (one open count per location: a second start resumes)."""
        with self._db.transaction() as db:
            row = db.execute(
                f"SELECT {_COUNT_COLUMNS} FROM counts WHERE stock_location = ? AND state = 'open'", (location_id,)
            ).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO counts (stock_location, location_name, started_at) VALUES (?, ?, ?)",
                    (location_id, location_name, now_text()),
                )
                row = db.execute(
                    f"SELECT {_COUNT_COLUMNS} FROM counts WHERE stock_location = ? AND state = 'open'", (location_id,)
                ).fetchone()
        return _count(row)

    def open_for(self, location_id: str) -> CountRow | None:
        """The location's unfinished count, without starting one."""
        rows = self._db.query(
            f"SELECT {_COUNT_COLUMNS} FROM counts WHERE stock_location = ? AND state = 'open'", (location_id,)
        )
        return _count(rows[0]) if rows else None

    def get(self, count_id: int) -> CountRow | None:
        rows = self._db.query(f"SELECT {_COUNT_COLUMNS} FROM counts WHERE id = ?", (count_id,))
        return _count(rows[0]) if rows else None

    def unfinished(self) -> list[CountRow]:
        """Open counts, the most recently touched first (the one to resume)."""
        rows = self._db.query(
            f"SELECT {_COUNT_COLUMNS} FROM counts c WHERE state = 'open' ORDER BY "
            "coalesce((SELECT max(counted_at) FROM count_lines l WHERE l.count_id = c.id), started_at) DESC, id DESC"
        )
        return [_count(row) for row in rows]

    def set_uncounted_zero(self, count_id: int, value: bool) -> None:
        with self._db.transaction() as db:
            db.execute("UPDATE counts SET uncounted_zero = ? WHERE id = ?", (int(value), count_id))

    def finish(self, count_id: int, state: CountState, batch_name: str | None = None) -> None:
        """Close a count (applied under ``batch_name``, or abandoned); inside the caller's transaction when there is
        one, so a count is marked applied exactly when its edits are queued."""
        with self._db.transaction() as db:
            db.execute(
                "UPDATE counts SET state = ?, finished_at = ?, batch_name = ? WHERE id = ? AND state = 'open'",
                (state, now_text(), batch_name, count_id),
            )

    # -- lines ----------------------------------------------------------------------------------------------------

    def lines(self, count_id: int) -> list[CountLine]:
        """The count's lines, the first counted first."""
        rows = self._db.query(f"SELECT {_LINE_COLUMNS} FROM count_lines WHERE count_id = ? ORDER BY id", (count_id,))
        return [_line(row) for row in rows]

    def line(self, count_id: int, sku_id: str) -> CountLine | None:
        rows = self._db.query(
            f"SELECT {_LINE_COLUMNS} FROM count_lines WHERE count_id = ? AND sku = ?", (count_id, sku_id)
        )
        return _line(rows[0]) if rows else None

    def record(
        self, count_id: int, sku: SkuRef, quantity: int, *, add: bool, expected: int | None, stock_item_id: str | None
    ) -> CountLine:
        """Set (or, with ``add``, add to) the counted quantity of a SKU, committed at once; the line keeps its place
        and takes the time and the expected quantity of this entry (the latest is what the shelf held then)."""
        with self._db.transaction() as db:
            state = db.execute("SELECT state, location_name FROM counts WHERE id = ?", (count_id,)).fetchone()
            if state is None or state[0] != "open":
                # Applied or abandoned elsewhere meanwhile (another window, the command line): said, not raised.
                done = state[0] if state is not None else "gone"
                where = state[1] if state is not None else "this location"
                raise UsageError(
                    f"count - the count of {where} was {done} meanwhile; pick the location again to start a new one"
                )
            db.execute(
                "INSERT INTO count_lines (count_id, sku, code, quantity, expected, stock_item, counted_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (count_id, sku) DO UPDATE SET "
                "quantity = CASE WHEN ? THEN quantity + excluded.quantity ELSE excluded.quantity END, "
                "code = excluded.code, expected = excluded.expected, stock_item = excluded.stock_item, "
                "counted_at = excluded.counted_at",
                (count_id, sku.id, sku.code, quantity, expected, stock_item_id, now_text(), int(add)),
            )
            row = db.execute(
                f"SELECT {_LINE_COLUMNS} FROM count_lines WHERE count_id = ? AND sku = ?", (count_id, sku.id)
            ).fetchone()
        return _line(row)

    def remove_line(self, count_id: int, sku_id: str) -> bool:
        with self._db.transaction() as db:
            return db.execute("DELETE FROM count_lines WHERE count_id = ? AND sku = ?", (count_id, sku_id)).rowcount > 0

    # -- what the cache holds -------------------------------------------------------------------------------------

    def sku_by_code(self, code: str) -> SkuRef | None:
        """The SKU with exactly this code, else one whose code differs only in case (a scanner's or a person's)."""
        rows = self._db.query(
            "SELECT id, k_code, k_name FROM records WHERE type = 'skus' AND deleted = 0 AND k_code = ? COLLATE NOCASE "
            "ORDER BY id",
            (code,),
        )
        rows = [row for row in rows if row[1] == code] or rows
        if not rows:
            return None
        return SkuRef(str(rows[0][0]), str(rows[0][1]), str(rows[0][2] or rows[0][1]))

    def skus(self, ids: list[str]) -> dict[str, SkuRef]:
        rows = self._db.query(
            "SELECT id, k_code, k_name FROM records WHERE type = 'skus' AND id IN (SELECT value FROM json_each(?))",
            (dumps(ids),),
        )
        return {str(i): SkuRef(str(i), str(c or i), str(n or c or i)) for i, c, n in rows}

    def item_at(self, sku_id: str, location_id: str) -> ItemRef | None:
        rows = self._db.query(
            "SELECT r.id, k.quantity FROM stock_item_keys AS k JOIN records AS r ON r.rowid = k.item "
            "WHERE k.sku = ? AND k.deleted = 0 AND k.stock_location = ? ORDER BY r.id LIMIT 1",
            (sku_id, location_id),
        )
        return ItemRef(str(rows[0][0]), sku_id, _quantity(rows[0][1])) if rows else None

    def items_at(self, location_id: str) -> list[ItemRef]:
        """Every stock item of a location (for "items not counted are zero"), from the key table alone."""
        rows = self._db.query(
            "SELECT r.id, k.sku, k.quantity FROM stock_item_keys AS k JOIN records AS r ON r.rowid = k.item "
            "WHERE k.stock_location = ? AND k.deleted = 0",
            (location_id,),
        )
        return [ItemRef(str(i), s, _quantity(q)) for i, s, q in rows]

    def reserved(self, item_ids: list[str]) -> dict[str, int]:
        """Units reserved for placed orders, by stock item (the few items that have any)."""
        rows = self._db.query(
            "SELECT json_extract(relationships, '$.stock_item'), sum(json_extract(attributes, '$.quantity')) "
            "FROM records WHERE type = 'reserved_stocks' AND deleted = 0 AND json_extract(relationships, "
            "'$.stock_item') IN (SELECT value FROM json_each(?)) GROUP BY 1",
            (dumps(item_ids),),
        )
        return {str(i): _quantity(q) for i, q in rows if i}

    def locations(self) -> dict[str, str]:
        """Stock locations by id → name (or code, or id), as the person picks them."""
        rows = self._db.query(
            "SELECT id, k_name, k_code FROM records WHERE type = 'stock_locations' AND deleted = 0 "
            "ORDER BY k_name COLLATE NOCASE, id"
        )
        return {str(i): str(n or c or i) for i, n, c in rows}

    def location_codes(self) -> dict[str, str]:
        rows = self._db.query("SELECT id, k_code FROM records WHERE type = 'stock_locations' AND deleted = 0")
        return {str(i): str(c) for i, c in rows if c}
