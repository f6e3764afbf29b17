"""Related records read by name: a stock location's address as its city and country, a SKU's shipping category by
name; the details pane lists a SKU's stock by location and a stock location's stock levels and item count; the
stock levels show each location's rank beside its priority. Against the demo sandbox over HTTP, synced into SQLite."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QLabel

from desktop_app.schema import STOCK_LEVELS
from desktop_app.ui.models.resource_table import ResourceTableModel
from desktop_app.ui.reorder.model import Column as OrderColumn
from tests.ui.conftest import open_window, settle
from tests.ui.shots import shoot


def _cell(tab: Any, row: int, key: str) -> str:
    return str(tab.proxy.index(row, tab.model.column_of(key)).data())


def _form_text(pane: Any, caption: str) -> str:
    """The text beside ``caption`` in the details pane's fields (links as their visible text)."""
    from PySide6.QtWidgets import QFormLayout

    form = pane.form
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label and isinstance(label.widget(), QLabel) and label.widget().text() == caption:
            widget = field.widget()
            assert isinstance(widget, QLabel)
            return widget.text()
    raise AssertionError(f"no {caption!r} in the details pane")


def _cut_short(pane: Any) -> list[str]:
    """Values of the details pane given fewer lines than their text needs at the width they got (a wrapped
    second line cut off)."""
    from PySide6.QtWidgets import QFormLayout

    form = pane.form
    out = []
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        widget = item.widget() if item else None
        if isinstance(widget, QLabel) and widget.height() < widget.heightForWidth(widget.width()):
            out.append(widget.text())
    return out


async def _select(window: Any, type_: str, row: int = 0) -> Any:
    tab = window.tab_by_type[type_]
    window.tabs.setCurrentWidget(tab)
    await settle(window)
    tab.table.selectRow(row)
    await settle(window)
    await asyncio.sleep(0.05)
    return tab


@pytest.mark.asyncio
async def test_a_stock_location_shows_its_address_and_what_it_holds(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        window.resize(1280, 800)
        records = opened.workspace.cached.records
        tab = await _select(window, "stock_locations")
        location = records.get("stock_locations", tab.model.id_at(tab.proxy.mapToSource(tab.proxy.index(0, 0)).row()))
        address = records.get("addresses", location.relationships["address"])
        assert address is not None, "addresses are synced with the stock locations"
        city, country = address.attributes["city"], address.attributes["country_code"]
        assert (_cell(tab, 0, "address.city"), _cell(tab, 0, "address.country_code")) == (city, country)
        assert tab.model.columns[tab.model.column_of("address.city")].label == "Address city"
        pane = tab.details
        assert pane.record_id == location.id
        assert _form_text(pane, "Address:") == f"{city}, {country}"
        assert address.id not in _form_text(pane, "Address:")

        levels = records.find(STOCK_LEVELS, where={"stock_location": location.id})
        items = records.count("stock_items", where={"stock_location": location.id})
        assert levels and items
        related = pane.related
        assert related is not None
        assert related.titles["stock_items"].text() == f"Stock items: {items:,}"
        assert related.titles["inventory_stock_locations"].text() == f"Stock levels · {len(levels):,}"
        table = related.tables["inventory_stock_locations"]
        shown = {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}
        model_names = {
            (
                records.get("inventory_models", lv.relationships["inventory_model"]).attributes["name"],
                str(lv.attributes["priority"]),
            )
            for lv in levels
        }
        assert shown == model_names
        # Two more synced tables (addresses, shipping categories) must not hold the window wider than the screen.
        assert window.minimumSizeHint().width() <= 1280
        await shoot(window, "stock-locations")
        assert not errors


@pytest.mark.asyncio
async def test_a_sku_shows_its_shipping_category_and_stock_by_location(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        window.resize(1280, 800)
        records = opened.workspace.cached.records
        tab = await _select(window, "skus")
        sku = records.get("skus", tab.proxy.index(0, 0).data(ResourceTableModel.IdRole))
        category = records.get("shipping_categories", sku.relationships["shipping_category"])
        assert category is not None, "shipping categories are synced with the SKUs"
        assert _cell(tab, 0, "shipping_category.name") == category.attributes["name"]
        pane = tab.details
        shown = _form_text(pane, "Shipping category:")
        assert category.attributes["name"] in shown and category.id not in shown
        assert not _cut_short(pane), "every value fits the width the pane gives it"

        items = records.find("stock_items", where={"sku": sku.id})
        assert items
        table = pane.related.tables["stock_items"]
        assert [table.horizontalHeaderItem(c).text() for c in range(4)] == [
            "Stock location",
            "Quantity",
            "Reserved",
            "Available",
        ]
        by_location = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
        expected = {
            records.get("stock_locations", i.relationships["stock_location"]).attributes["name"]: QLocale().toString(
                int(i.attributes["quantity"])
            )
            for i in items
        }
        assert by_location == expected
        assert pane.related.titles["stock_items"].text() == f"Stock by location · {len(items):,}"
        await shoot(window, "sku-details")
        assert not errors


@pytest.mark.asyncio
async def test_stock_levels_show_the_rank_beside_the_priority(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _opened, errors):
        window.resize(1280, 800)
        tab = window.tab_by_type[STOCK_LEVELS]
        window.tabs.setCurrentWidget(tab)
        await settle(window)
        await asyncio.sleep(0.05)
        view = tab.order_view
        assert view is not None and view.isVisible()
        model = view.model()
        header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)]
        assert header == ["Rank", "Priority"]
        ranks = [model.data(model.index(r, OrderColumn.RANK)) for r in range(model.rowCount())]
        assert ranks[:3] == ["1st", "2nd", "3rd"]
        assert view.columnWidth(OrderColumn.RANK) >= view.sizeHintForColumn(OrderColumn.RANK)
        view.selectRow(0)
        await settle(window)
        await shoot(window, "stock-levels-rank")
        assert not errors


@pytest.mark.asyncio
async def test_a_repaint_after_the_workspace_closed_reads_no_cache(
    fresh_sandbox: Any, data_dir: Path, qtbot: Any
) -> None:
    """A theme switch arriving after the window's workspace closed repaints the pane without its lists."""
    from desktop_app.ui.theme import apply_theme

    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        tab = await _select(window, "skus")
        assert tab.details.related is not None and tab.details.record_id is not None
        opened.workspace.close()
        opened.close()  # the cache too, as when the window has gone
        try:
            apply_theme(Qt.ColorScheme.Dark)  # the pane redraws its links for the new palette
            await asyncio.sleep(0.05)
        finally:
            apply_theme(Qt.ColorScheme.Light)
        assert not errors
