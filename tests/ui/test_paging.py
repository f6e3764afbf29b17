"""A table the cache does not hold yet loads page by page from the server as the view asks for more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.ui.loading import ServerPager
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.models.resource_table import ResourceTableModel
from desktop_app.ui.startup import open_session
from desktop_app.ui.tasks import TaskSet
from tests.ui.conftest import connection_to, sync_into, wait_until


@pytest.mark.asyncio
async def test_fetch_more_reads_the_next_page(sandbox: Any, data_dir: Path, qtmodeltester: Any) -> None:
    errors: list[BaseException] = []
    tasks = TaskSet(errors.append)
    await sync_into(sandbox, data_dir / "lookups")
    opened = open_session(connection_to(sandbox), data_dir, offline=False, tasks=tasks)
    try:
        from desktop_app.store import Cache, cache_path

        lookups = Lookups()
        with Cache.open(cache_path(data_dir / "lookups", "ui-tests")) as synced:
            for type_ in ("skus", "stock_locations"):
                lookups.set_records(type_, synced.records(type_))
            total = synced.count("stock_items")
        model = ResourceTableModel("stock_items", lookups, tasks=tasks)
        model.set_records([], pager=ServerPager(opened.session, "stock_items"))
        assert model.rowCount() == 0 and model.canFetchMore()
        model.fetchMore()
        assert not model.canFetchMore()  # one page at a time
        await wait_until(lambda: model.rowCount() == ServerPager.PAGE_SIZE, what="the first page")
        assert model.index(0, model.column_of("sku.code")).data()
        model.fetchMore()
        await wait_until(lambda: model.rowCount() == 2 * ServerPager.PAGE_SIZE, what="the second page")
        assert len({model.id_at(r) for r in range(model.rowCount())}) == model.rowCount()
        assert model.record(model.id_at(3)) is not None
        assert model.canFetchMore() == (total > 2 * ServerPager.PAGE_SIZE)
        qtmodeltester.check(model)
        assert not errors
    finally:
        opened.session.close()
        await opened.session.aclose()
        opened.close()
