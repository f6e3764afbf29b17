"""Reading a table's rows out of the cache without freezing the window, and paging the server for the rest.

Reading 100,000 cached rows takes long enough to notice, so a refresh after a sync reads in a worker thread with its
own SQLite connection (WAL lets it read while the sync writes) and hands back plain records; the diff against the
table then runs on the Qt thread in slices, yielding to the event loop between them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_app.ui.models.lookups import RecordLike

#: Rows compared or applied per slice before yielding to the event loop.
SLICE = 2000


def read_records(cache_file: Path, type_: str) -> list[Any]:
    """All cached records of ``type_`` through a private connection (runs in a worker thread)."""
    from desktop_app.store import Cache

    cache = Cache.open(cache_file)
    try:
        return list(cache.records(type_))
    finally:
        close = getattr(cache, "close", None)
        if close is not None:
            close()


async def read_records_async(cache_file: Path, type_: str) -> list[Any]:
    return await asyncio.to_thread(read_records, cache_file, type_)


async def apply_diff(model: Any, records: Sequence[RecordLike]) -> tuple[int, int, int]:
    """Bring ``model`` in line with ``records``: targeted updates, inserts and removals; returns the counts."""
    table = model.table
    updated_col = next((i for i, c in enumerate(table.columns) if c.key == "updated_at"), None)
    changed: list[RecordLike] = []
    fresh: list[RecordLike] = []
    seen: set[str] = set()
    for start in range(0, len(records), SLICE):
        for record in records[start : start + SLICE]:
            seen.add(record.id)
            slot = table.slot_of.get(record.id)
            if slot is None:
                fresh.append(record)
                continue
            same_time = updated_col is None or table.values[updated_col][slot] == record.attributes.get("updated_at")
            same_pending = (slot in table.pending) == bool(getattr(record, "pending", False))
            if not (same_time and same_pending) or updated_col is None:
                changed.append(record)
        await asyncio.sleep(0)
    gone = [record_id for record_id in table.ids if record_id not in seen]
    for start in range(0, len(changed), SLICE):
        model.upsert(changed[start : start + SLICE])
        await asyncio.sleep(0)
    for start in range(0, len(fresh), SLICE):
        model.append_records(fresh[start : start + SLICE])
        await asyncio.sleep(0)
    if gone:
        model.remove_ids(gone)
    if fresh or changed:
        model.resort()
    return len(changed), len(fresh), len(gone)


class ServerPager:
    """The pages of a type the cache does not hold yet, read as the person scrolls (``fetchMore``)."""

    PAGE_SIZE = 25

    def __init__(self, session: Any, type_: str, filters: dict[str, Any] | None = None) -> None:
        self.session = session
        self.type = type_
        self.filters = filters or None
        self.number = 0
        self.has_more = True

    async def next_page(self) -> Sequence[RecordLike]:
        from desktop_app.api import NetworkError
        from desktop_app.sync import includes

        try:
            page = await self.session.make_client().list_page(
                self.type,
                filters=self.filters,
                include=includes(self.type) or None,
                page=self.number + 1,
                page_size=self.PAGE_SIZE,
            )
        except NetworkError:
            self.has_more = False
            self.session._set_online(False)
            return []
        self.number = page.number
        self.has_more = page.number < page.page_count
        records: Sequence[RecordLike] = page.records
        return records
