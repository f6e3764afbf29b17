"""The Overview, Low stock and Find SKU views in the window, over a cache synced from the demo sandbox."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop_app.inventory import StockFigures, low_stock, overview
from desktop_app.sandbox.seeds import SAMPLE_SKU_CODE
from desktop_app.ui.stock.tables import FiguresModel, KeyRole, ValueRole
from desktop_app.ui.stock.thresholds import ThresholdDialog
from tests.ui.conftest import open_window, settle, wait_until


async def figures_ready(window: Any) -> None:
    """Figures of the cache as it is now (the ones computed during the sync may be older)."""
    seen: list[Any] = []
    window.stock.watcher.ready.connect(seen.append)
    busy = window.stock.watcher.busy  # a run already going reports first, then the one asked for here
    window.stock.watcher.refresh()
    await wait_until(lambda: len(seen) >= (2 if busy else 1), what="the stock figures")
    window.stock.watcher.ready.disconnect(seen.append)


def column(model: FiguresModel, index: int) -> list[Any]:
    return [model.index(row, index).data(ValueRole) for row in range(model.rowCount())]


@pytest.mark.asyncio
async def test_overview_is_the_first_tab_with_figures_per_location(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        assert window.tabs.widget(0) is window.stock.overview and window.tabs.tabText(0) == "Overview"
        assert window.current_tab() is not None, (
            "load() opens on the table it is given (the start opens on the Overview)"
        )
        await figures_ready(window)
        window.tabs.setCurrentWidget(window.stock.overview)  # a page out of sight shows new figures once shown
        with StockFigures(opened.workspace.cache_file) as figures:
            expected = overview(figures)
        model = window.stock.overview.model
        assert model.rowCount() == len(expected.locations) + 1, "one row per location and the total"
        assert column(model, 1)[-1] == sum(loc.quantity for loc in expected.locations) > 0
        assert column(model, 5)[-1] == len(expected.low_items) > 0
        assert model.index(0, 1).data() == f"{column(model, 1)[0]:,}", "thousands separators"
        assert len(window.stock.overview.chart.bars) == sum(1 for loc in expected.locations if loc.items)
        assert "Stock items: as of" in window.stock.overview.ages.text().replace("\u00a0", " ")
        assert "edits wait to be sent" in window.stock.overview.pending.text()
        window.tabs.setCurrentWidget(window.stock.overview)
        assert window.current_tab() is None and not window.window_actions.delete.isEnabled()
        assert not errors


@pytest.mark.asyncio
async def test_low_stock_view_filters_and_every_table_marks_low_rows(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        await figures_ready(window)
        with StockFigures(opened.workspace.cache_file) as figures:
            expected = low_stock(figures)
        view = window.stock.low_stock
        window.tabs.setCurrentWidget(view)
        ids = [view.model.index(row, 0).data(KeyRole) for row in range(view.model.rowCount())]
        assert ids == [item.stock_item_id for item in expected]
        berlin = view.location.findText("Berlin Hub")
        view.location.setCurrentIndex(berlin)
        assert 0 < view.model.rowCount() < len(expected)
        assert set(column(view.model, 0)) == {"Berlin Hub"}
        view.location.setCurrentIndex(0)
        view.inventory_model.setCurrentIndex(view.inventory_model.findText("US Fulfilment"))
        us = set(column(view.model, 0))
        assert us and us <= {"Newark Fulfilment Center", "Reno Fulfilment Center", "Manchester Depot"}

        items = window.tab_by_type["stock_items"]
        role = items.model.LowStockRole
        low_ids = {item.stock_item_id for item in expected}
        marked = {
            items.model.index(r, 0).data(items.model.IdRole)
            for r in range(items.model.rowCount())
            if items.model.index(r, 0).data(role)
        }
        assert marked == low_ids
        skus = window.tab_by_type["skus"]
        sku_marked = {
            skus.model.index(r, 0).data(skus.model.IdRole)
            for r in range(skus.model.rowCount())
            if skus.model.index(r, 0).data(skus.model.LowStockRole)
        }
        assert sku_marked == {item.sku_id for item in expected}
        assert not errors


@pytest.mark.asyncio
async def test_stock_pages_out_of_sight_are_filled_once_when_shown(fresh_sandbox: Any, data_dir: Path) -> None:
    """While a table is the page shown, new figures wait for the Overview and Low stock pages to be shown (after
    every batch the window's thread redrew pages nobody saw); shown, each lays out the latest figures once."""
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        page, low = window.stock.overview, window.stock.low_stock
        await figures_ready(window)
        window.tabs.setCurrentWidget(page)
        window.tabs.setCurrentWidget(low)
        window.tabs.setCurrentWidget(window.tab_by_type["stock_items"])
        with StockFigures(opened.workspace.cache_file) as figures:
            lifted = low_stock(figures)[0]
        total_before = column(page.model, 1)[-1]
        assert lifted.stock_item_id in {low.model.index(r, 0).data(KeyRole) for r in range(low.model.rowCount())}
        filled = {"overview": 0, "low": 0}
        for name, view in (("overview", page), ("low", low)):

            def counted(result: Any, name: str = name, fill: Any = view._show_overview) -> None:
                filled[name] += 1
                fill(result)

            view._show_overview = counted  # type: ignore[method-assign]

        opened.workspace.update("stock_items", lifted.stock_item_id, {"quantity": 1_000_000})
        await settle(window)
        await figures_ready(window)
        await figures_ready(window)
        assert filled == {"overview": 0, "low": 0}, "no page out of sight was filled"
        assert column(page.model, 1)[-1] == total_before
        assert set(page.when_shown.held) == {"figures", "status"} and low.when_shown.held == ("figures",)

        window.tabs.setCurrentWidget(page)
        with StockFigures(opened.workspace.cache_file) as figures:
            expected, expected_low = overview(figures), low_stock(figures)
        assert filled == {"overview": 1, "low": 0} and not page.when_shown.held
        assert column(page.model, 1)[-1] == expected.total.quantity == total_before - lifted.quantity + 1_000_000
        assert page.pending.text().startswith("0 edits wait to be sent"), "the status read when shown"
        window.tabs.setCurrentWidget(low)
        assert filled == {"overview": 1, "low": 1} and not low.when_shown.held
        ids = [low.model.index(r, 0).data(KeyRole) for r in range(low.model.rowCount())]
        assert ids == [item.stock_item_id for item in expected_low] and lifted.stock_item_id not in ids
        await figures_ready(window)
        assert filled == {"overview": 1, "low": 2}, "a page in sight is filled at once"
        assert not errors


@pytest.mark.asyncio
async def test_a_scanned_code_and_enter_shows_each_model_in_shipping_order(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _opened, errors):
        QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        find = window.stock.find_sku
        assert window.tabs.currentWidget() is find
        QTest.keyClicks(find.code, SAMPLE_SKU_CODE.lower())
        started = time.perf_counter()
        QTest.keyClick(find.code, Qt.Key.Key_Return)
        elapsed = time.perf_counter() - started
        assert find.result is not None and find.result.sku.code == SAMPLE_SKU_CODE
        assert elapsed < 0.5, f"the answer took {elapsed * 1000:.0f} ms"
        assert len(find.tables) == 3
        eu = find.tables[[m.name for m in find.result.models].index("EU Warehouses")]
        priorities = [p for p in column(eu.model(), 2) if p is not None]
        assert priorities == sorted(priorities)
        assert "ships from" in " ".join(str(v) for v in column(eu.model(), 8))
        eu.selectRow(1)
        find._select(eu)
        item, location = find.selected()
        assert item and location and find.open_button.isEnabled()
        opened_rows: list[tuple[str, str]] = []
        find.open_record.connect(lambda t, i: opened_rows.append((t, i)))
        find.open_button.click()
        assert opened_rows == [("stock_items", item)]

        window.stock.search.setText("NO-SUCH-CODE")
        QTest.keyClick(window.stock.search, Qt.Key.Key_Return)
        assert find.result is None and "no sku with code" in find.heading.text().lower()
        assert not errors


@pytest.mark.asyncio
async def test_reorder_points_for_many_rows_go_through_the_workspace_and_undo(
    fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        await figures_ready(window)
        records = opened.workspace.cached.records
        chosen = [r for r in records.find("stock_items") if (r.attributes.get("metadata") or {}).get("bin")][:1]
        chosen += records.find("stock_items", where={"sku": chosen[0].relationships["sku"]})[:2]
        ids = list(dict.fromkeys(r.id for r in chosen))
        monkeypatch.setattr(ThresholdDialog, "ask", classmethod(lambda cls, parent, what, current: "100,000"))
        window.stock.low_stock.set_reorder_point.emit(ids)
        await settle(window)
        assert not opened.workspace.cached.outbox.entries(), "sent"
        for record_id in ids:
            metadata = records.get("stock_items", record_id).attributes["metadata"]
            assert metadata["reorder_point"] == 100_000
        bin_item = records.get("stock_items", chosen[0].id)
        assert bin_item.attributes["metadata"]["bin"] == chosen[0].attributes["metadata"]["bin"]
        watcher = window.stock.watcher
        await wait_until(lambda: set(ids) <= watcher.marks.of("stock_items"), what="the new low-stock marks")
        window.undo_stack.undo()
        await settle(window)
        assert records.get("stock_items", chosen[0].id).attributes["metadata"] == chosen[0].attributes["metadata"]
        monkeypatch.setattr(ThresholdDialog, "ask", classmethod(lambda cls, parent, what, current: "lots"))
        window.stock.find_sku.set_reorder_point.emit(ids[:1])
        assert "reorder point - must be a whole number" in window.status.currentMessage()
        assert not errors


@pytest.mark.asyncio
async def test_the_figures_are_computed_off_the_ui_thread(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir, sync=False) as (window, _opened, errors):
        await figures_ready(window)
        watcher = window.stock.watcher
        seen: list[Any] = []
        watcher.ready.connect(seen.append)
        started = time.perf_counter()
        watcher.refresh()
        assert time.perf_counter() - started < 0.05, "refresh only starts the thread"
        await wait_until(lambda: bool(seen), what="the next figures")
        assert watcher.last_seconds > 0
        assert not errors


def test_figures_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = FiguresModel(("Name", "Units"))
    model.set_rows([["Milan", 1_200], ["Berlin", None]], ["a", "b"], marked={0}, bold={1})
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "1,200" and model.index(0, 1).data(ValueRole) == 1200


@pytest.mark.asyncio
async def test_a_reorder_point_typed_in_the_stock_items_table_keeps_the_other_metadata(
    fresh_sandbox: Any, data_dir: Path
) -> None:
    from desktop_app.ui.models.columns import column_index

    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        items = window.tab_by_type["stock_items"]
        records = opened.workspace.cached.records
        row = next(r for r in range(items.model.rowCount()) if records.get("stock_items", items.model.id_at(r)))
        record_id = items.model.id_at(row)
        before = dict(records.get("stock_items", record_id).attributes.get("metadata") or {})
        cell = items.model.index(row, column_index("stock_items", "reorder_point"))
        assert cell.flags() & Qt.ItemFlag.ItemIsEditable
        rejected: list[str] = []
        items.model.edit_rejected.connect(rejected.append)
        assert not items.model.setData(cell, "a dozen")
        assert rejected and "Reorder point" in rejected[0]
        assert items.model.setData(cell, "12")
        await settle(window)
        metadata = records.get("stock_items", record_id).attributes["metadata"]
        assert metadata == {**before, "reorder_point": 12}
        assert items.model.index(row, cell.column()).data() == "12"
        window.undo_stack.undo()
        await settle(window)
        assert records.get("stock_items", record_id).attributes["metadata"] == before
        assert not errors


@pytest.mark.asyncio
async def test_a_transfer_starts_from_the_row_with_its_sku_and_location(
    fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ui.dialogs.record_dialog import RecordDialog

    asked: list[Any] = []
    monkeypatch.setattr(RecordDialog, "ask", classmethod(lambda cls, *args, **kwargs: asked.append(kwargs)))
    async with open_window(fresh_sandbox, data_dir) as (window, _opened, errors):
        find = window.stock.find_sku
        assert find.transfer_button.isVisibleTo(find), "the window has stock transfers"
        result = find.look_up(SAMPLE_SKU_CODE)
        assert result is not None
        find.transfer_from.emit(result.sku.id, "LOCATION01")
        assert asked and asked[0]["values"] == ({}, {"sku": result.sku.id, "origin_stock_location": "LOCATION01"})
        assert not errors
