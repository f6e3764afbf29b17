"""What a tab says it shows: its count after a delete, and on Stock levels the levels of the model picked (its
count and its details pane follow the model picked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.schema import STOCK_LEVELS
from tests.ui.conftest import open_window, settle
from tests.ui.shots import shoot


@pytest.mark.asyncio
async def test_count_after_a_delete_from_the_window(
    fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ui.dialogs.messages import Messages

    monkeypatch.setattr(Messages, "confirm_delete", classmethod(lambda cls, *a: True))
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        before = tab.model.total
        assert tab.count_label.text() == f"{before:,} stock items"
        tab.table.selectRow(3)
        window.window_actions.delete.trigger()
        await settle(window)
        assert tab.count_label.text() == f"{before - 1:,} stock items"  # no "1,097 of 1,098" without a filter
        assert not errors


@pytest.mark.asyncio
async def test_stock_levels_count_and_details_follow_the_model(sandbox: Any, data_dir: Path) -> None:
    async with open_window(sandbox, data_dir) as (window, _, errors):
        tab = window.tab_by_type[STOCK_LEVELS]
        window.tabs.setCurrentWidget(tab)
        levels = window.workspace.cached.records.find(STOCK_LEVELS)
        by_model: dict[str, list[str]] = {}
        for level in levels:
            by_model.setdefault(str(level.relationships.get("inventory_model")), []).append(level.id)
        first, second = sorted(by_model, key=lambda m: -len(by_model[m]))[:2]
        tab.select_inventory_model(None)
        await settle(window)
        assert tab.count_label.text() == f"{len(levels):,} stock levels"
        tab.select_inventory_model(first)
        await settle(window)
        assert tab.count_label.text() == f"{len(by_model[first]):,} stock levels", tab.count_label.text()
        tab.select_record(by_model[first][0])
        await settle(window)
        assert tab.details.record_id == by_model[first][0]
        tab.select_inventory_model(second)
        await settle(window)
        assert tab.details.record_id in (None, *by_model[second]), "details of another model's level"
        assert tab.count_label.text() == f"{len(by_model[second]):,} stock levels"
        await shoot(window, "stock-levels-after-switching-model")
        assert not errors
