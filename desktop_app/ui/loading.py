"""Reading a table's rows out of the cache without freezing the window, and paging the server for the rest.

A tab paints from its first screenful, read synchronously; the whole table is read in a worker thread with its own
SQLite connection (WAL lets it read while a sync writes), laid out and sorted there as plain lists, and installed in
one step. After a sync the same read is compared with the table in slices, yielding to the event loop between them,
so only the rows that changed repaint.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.schema import app_type
from desktop_app.store.columns import read_columns
from desktop_app.ui.models.lookups import Lookups, RecordLike
from desktop_app.ui.models.table_data import TableData

if TYPE_CHECKING:
    from desktop_app.ui.workspace import Workspace

#: Rows read before the first paint: a screenful, in the table's default order; the rest follows in a thread.
FIRST_SCREEN = 200
#: Rows compared per slice before yielding to the event loop.
SLICE = 5000
#: More changes than this after a sync and the table is replaced in one go instead of row by row.
REPLACE_ABOVE = 2000


def build_table(
    cache_file: Path,
    model: Any,
    lookups: Lookups,
    *,
    limit: int | None = None,
    order_by: str | None = None,
    sort: tuple[int, bool] | None = None,
) -> tuple[TableData, int]:
    """Read a type's rows as columns and lay them out (sorted when asked): pure data, safe in a worker thread.

    A screenful (``limit``) takes related names and totals (reserved quantities) from SQLite, row by row, so the first
    frame does not wait for the names of every record (``lookups`` finishes loading after that frame); a whole
    table takes them from ``lookups``."""
    table = TableData(model.columns, model.table.relationship_names)
    attributes = [c for c in model.columns if c.source == "attribute"]
    screenful = limit is not None
    data = read_columns(
        cache_file,
        model.type,
        [c.key for c in attributes],
        model.table.relationship_names,
        booleans=frozenset(c.key for c in attributes if c.type == "boolean"),
        related=[
            (c.relationship, c.target, c.target_attribute)
            for c in model.columns
            if screenful and c.source == "relationship" and c.relationship and c.target and c.target_attribute
        ],
        totals=app_type(model.type).totals if screenful and any(c.source == "derived" for c in model.columns) else (),
        limit=limit,
        order_by=order_by,
    )
    table.fill(data, lookups)
    if sort is not None:
        table.order = table.sorted_order(*sort)
    return table, data.total


async def build_table_async(cache_file: Path, model: Any, lookups: Lookups, sort: tuple[int, bool] | None) -> TableData:
    import asyncio

    table, _ = await asyncio.to_thread(build_table, cache_file, model, lookups, sort=sort)
    return table


async def apply_table(model: Any, fresh: TableData) -> tuple[int, int, int]:
    """Bring ``model`` in line with ``fresh``: targeted updates, inserts and removals; returns the counts."""
    import asyncio

    old = model.table
    if len(old) == 0 or model.paging:
        model.install(fresh)
        return 0, len(fresh), 0
    updated = next((i for i, c in enumerate(old.columns) if c.key == "updated_at"), None)
    changed: list[int] = []
    new: list[int] = []
    for start in range(0, len(fresh.ids), SLICE):
        for slot in range(start, min(start + SLICE, len(fresh.ids))):
            before = old.slot_of.get(fresh.ids[slot])
            if before is None:
                new.append(slot)
            elif (
                updated is None
                or old.values[updated][before] != fresh.values[updated][slot]
                or (before in old.pending) != (slot in fresh.pending)
            ):
                changed.append(slot)
        await asyncio.sleep(0)
    gone = [record_id for record_id in old.ids if record_id not in fresh.slot_of]
    if len(changed) + len(new) + len(gone) > REPLACE_ABOVE:
        model.install(fresh)
        return len(changed), len(new), len(gone)
    model.upsert([fresh.record_at(s) for s in changed])
    model.append_records([fresh.record_at(s) for s in new])
    model.remove_ids(gone)
    if new or changed:
        model.resort()
    return len(changed), len(new), len(gone)


class ServerPager:
    """The pages of a type the cache does not hold yet, read as the person scrolls (``fetchMore``)."""

    PAGE_SIZE = 25

    def __init__(self, workspace: Workspace, type_: str, filters: dict[str, Any] | None = None) -> None:
        self.workspace = workspace
        self.type = type_
        self.filters = filters or None
        self.number = 0
        self.has_more = True

    async def next_page(self) -> Sequence[RecordLike]:
        page = await self.workspace.fetch_page(self.type, self.filters, self.number + 1, self.PAGE_SIZE)
        if page is None:  # offline: the workspace says so; nothing more to read for now
            self.has_more = False
            return []
        self.number = page.number
        self.has_more = page.number < page.page_count
        return page.records
