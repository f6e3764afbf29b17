"""Paging the server for a table the cache does not hold yet, and how many rows the first frame shows.

A table the cache holds is read by its model from SQLite (a screenful at a time, see
:mod:`desktop_app.ui.models.row_order`); this module is for the rest: pages from the server as the person scrolls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from desktop_app.ui.models.lookups import RecordLike

if TYPE_CHECKING:
    from desktop_app.ui.workspace import Workspace

#: Rows shown in the first frame, found through an index in the table's order; the whole order follows from the
#: worker thread.
FIRST_SCREEN = 200


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
