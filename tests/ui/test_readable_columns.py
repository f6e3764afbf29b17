"""What a manager reads first is on screen at 1280×800: a stock item's Quantity, Reserved and Available sit
together left of the long SKU name; timestamps, ids and integration references start hidden (the chooser has them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.schema import tab_types
from desktop_app.ui.models.columns import column_index, columns_for
from tests.ui.conftest import open_window, settle
from tests.ui.shots import shoot


def test_figures_sit_together_and_timestamps_start_hidden() -> None:
    keys = [c.key for c in columns_for("stock_items")]
    at = keys.index("quantity")
    assert keys[at : at + 3] == ["quantity", "reserved", "available"]
    assert at < keys.index("sku.name")
    for type_ in tab_types():
        for column in columns_for(type_):
            if column.key in ("id", "created_at", "updated_at", "reference"):
                assert column.hidden, (type_, column.key)


@pytest.mark.asyncio
async def test_available_is_on_screen_at_1280_by_800(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _opened, _errors):
        window.resize(1280, 800)
        items = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(items)
        items.table.fit_text_columns()
        await settle(window)
        items.table.selectRow(0)
        await shoot(window, "stock-items-columns")
        header = items.table.horizontalHeader()
        visible = items.table.viewport().width()
        for key in ("sku.code", "stock_location.name", "quantity", "reserved", "available"):
            logical = column_index("stock_items", key)
            assert not items.table.isColumnHidden(logical), key
            right = header.sectionViewportPosition(logical) + header.sectionSize(logical)
            assert header.sectionViewportPosition(logical) >= 0 and right <= visible, (key, right, visible)
