"""A table the cache does not hold yet loads page by page from the server as the view asks for more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.ui.loading import ServerPager
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.models.resource_table import ResourceTableModel
from desktop_app.ui.tasks import TaskSet
from tests.ui.conftest import connection_to, sync_into, wait_until, workspace_open


@pytest.mark.asyncio
async def test_fetch_more_reads_the_next_page(sandbox: Any, data_dir: Path, qtmodeltester: Any) -> None:
    errors: list[BaseException] = []
    tasks = TaskSet(errors.append)
    await sync_into(sandbox, data_dir / "lookups")
    async with workspace_open(connection_to(sandbox), data_dir, tasks=tasks) as opened:
        from desktop_app.store import Cache, cache_path

        lookups = Lookups()
        with Cache.open(cache_path(data_dir / "lookups", "ui-tests")) as synced:
            for type_ in ("skus", "stock_locations"):
                lookups.set_records(type_, synced.records.find(type_))
            total = synced.records.count("stock_items")
        model = ResourceTableModel("stock_items", lookups, tasks=tasks)
        model.set_records([], pager=ServerPager(opened.workspace, "stock_items"))
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


@pytest.mark.asyncio
async def test_filters_go_to_the_server_for_a_table_the_cache_does_not_hold(sandbox: Any, data_dir: Path) -> None:
    from desktop_app.ui.views.main_window import MainWindow

    errors: list[BaseException] = []
    async with workspace_open(connection_to(sandbox), data_dir, tasks=TaskSet(errors.append)) as opened:
        window = MainWindow(opened.workspace)
        try:
            window.load()
            tab = window.tab_by_type["stock_items"]
            await wait_until(lambda: tab.model.rowCount() > 0, what="the first page")
            assert tab.model.paging
            sku_id = tab.model.relationship_at(0, "sku")
            tab.apply_filters({"sku_id_eq": sku_id})
            await wait_until(lambda: not tab.model.loading and tab.model.rowCount() > 0, what="the filtered page")
            assert {tab.model.relationship_at(r, "sku") for r in range(tab.model.rowCount())} == {sku_id}
            queries = [r["query"] for r in sandbox.requests() if r["path"].endswith("/stock_items")]
            assert any("sku_id_eq" in str(q) for q in queries)
            assert not errors
        finally:
            window.close()
