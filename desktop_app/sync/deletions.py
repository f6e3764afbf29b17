"""Finding which records the server deleted, when the counts say something went away.

The API has no deletion feed. Listing every id costs a request per 25 records (400 for 10,000 stock items), so
the search first narrows down where the difference lies: records are ordered by ``created_at`` (which never
changes), a range of it is counted on the server with one 1-record request (``meta.record_count``) and compared
with the cache's count of the same range; ranges that agree are done, ranges that differ are halved, and a range
of at most a page is listed by id. One deletion among 10,000 costs about ten requests instead of 400.

When the ranges cannot tell (records sharing one ``created_at``, or the server holding records the cache never
saw), the caller falls back to listing every id, which is always right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.api import CommerceLayerClient

#: (created_at, id) of a record the cache believes the server holds.
Known = tuple[str, str]


class Unresolved(Exception):
    """The counts cannot locate the difference; list every id instead."""


class DeletionSearch:
    def __init__(self, client: CommerceLayerClient, type_: str, page_size: int) -> None:
        self.client = client
        self.type = type_
        self.page_size = page_size
        self.requests = 0

    def _filters(self, low: str | None, high: str | None) -> dict[str, Any] | None:
        filters: dict[str, Any] = {}
        if low is not None:
            filters["created_at_gteq"] = low
        if high is not None:
            filters["created_at_lt"] = high
        return filters or None

    async def _count(self, low: str | None, high: str | None) -> int:
        self.requests += 1
        page = await self.client.list_page(self.type, filters=self._filters(low, high), fields=["id"], page_size=1)
        return page.record_count

    async def _ids(self, low: str | None, high: str | None) -> set[str]:
        present: set[str] = set()
        async for page in self.client.list_all(
            self.type, filters=self._filters(low, high), fields=["id"], page_size=self.page_size
        ):
            self.requests += 1
            present.update(record.id for record in page.records)
        return present

    async def deleted(self, known: list[Known], server_total: int) -> set[str]:
        """Ids in ``known`` (sorted) that the server no longer has; raises :class:`Unresolved`."""
        gone: set[str] = set()
        await self._search(known, None, None, server_total, gone)
        if len(known) - len(gone) != server_total:
            raise Unresolved(f"{self.type}: counts still differ after the search")
        return gone

    async def _search(self, rows: list[Known], low: str | None, high: str | None, server: int, gone: set[str]) -> None:
        if server == len(rows):
            return
        if server > len(rows):
            raise Unresolved(f"{self.type}: the server holds records this cache never saw")
        if server == 0:
            gone.update(record_id for _, record_id in rows)
            return
        split = _split_point(rows)
        if len(rows) <= self.page_size or split is None:
            present = await self._ids(low, high)
            mine = {record_id for _, record_id in rows}
            if present - mine:
                raise Unresolved(f"{self.type}: the server holds records this cache never saw")
            gone.update(mine - present)
            return
        middle = rows[split][0]
        left = await self._count(low, middle)
        await self._search(rows[:split], low, middle, left, gone)
        await self._search(rows[split:], middle, high, server - left, gone)


def _split_point(rows: list[Known]) -> int | None:
    """An index near the middle where ``created_at`` changes, so both halves are non-empty ranges."""
    middle = len(rows) // 2
    stamp = rows[middle][0]
    for index in range(middle, len(rows)):
        if rows[index][0] != stamp:
            return index if index < len(rows) else None
    for index in range(middle, 0, -1):
        if rows[index - 1][0] != stamp:
            return index
    return None
