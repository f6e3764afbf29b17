"""The window's history over the sandbox: the versions its own edits leave, the History section of the details pane
(queued edits on top, fetched on opening a record), and the Changes view after a sync with known changes."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

import pytest

from tests.sync.conftest import client_of
from tests.ui.conftest import open_window, settle, wait_until
from tests.ui.shots import shoot


@pytest.mark.asyncio
async def test_history_section_shows_the_windows_edits_and_what_is_not_sent_yet(
    fresh_sandbox: Any, data_dir: Path
) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        workspace = window.workspace
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        item = workspace.cached.records.find("stock_items", order_by="id")[0]
        before = item.attributes["quantity"]
        for quantity in (40, 3):
            workspace.update("stock_items", item.id, {"quantity": quantity})
            await settle(window)
        assert tab.select_record(item.id)
        await settle(window)
        section = tab.details.history
        assert section is not None and section.isVisible()
        await wait_until(lambda: len(workspace.history("stock_items", item.id)) >= 2, what="history fetched")
        section.refresh()
        entries = section.entries()
        assert entries[0][1] == ["Quantity 40 → 3"] and entries[1][1] == [f"Quantity {before:,} → 40"]
        assert "updated by" in entries[0][0]
        assert [v for _, v in section.chart.points][-2:] == [40.0, 3.0] and section.chart.isVisible()
        # Offline: the edit waits on top as not sent yet; the fetched versions still read from the cache.
        workspace.forced_offline = True
        workspace.update("stock_items", item.id, {"quantity": 12})
        await settle(window)
        section.refresh()
        entries = section.entries()
        assert entries[0][0].startswith("not sent yet") and entries[0][1] == ["Quantity 3 → 12"]
        assert entries[1][1] == ["Quantity 40 → 3"]
        assert "Quantity 40 → 3" in section.timeline.text()
        await shoot(window, "history-timeline")
        assert not errors


@pytest.mark.asyncio
async def test_changes_view_after_a_sync_with_known_changes(fresh_sandbox: Any, data_dir: Path, tmp_path: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        workspace = window.workspace
        assert not window.status.changes_button.isVisible(), "a first sync records no changes"
        items = workspace.cached.records.find("stock_items", order_by="id")[:2]
        async with client_of(fresh_sandbox) as client:
            await client.update("stock_items", items[0].id, attributes={"quantity": 0})
            await client.update(
                "stock_items", items[1].id, attributes={"quantity": items[1].attributes["quantity"] + 2}
            )
        task = workspace.start_sync()
        assert task is not None
        await asyncio.wait({task})
        await settle(window)
        assert window.status.changes_button.text().startswith("2 stock items changed")
        window.status.changes_button.click()
        view = window.changes_view
        rows = view.visible_rows()
        assert [r[0] for r in rows] == ["Stock items", "Stock items"]
        assert rows[0][2] == f"Quantity {items[0].attributes['quantity']:,} → 0", "biggest drop first"
        view.filter.setText("→ 0")
        assert len(view.visible_rows()) == 1
        exported = tmp_path / "changes.csv"
        assert view.export_to(exported) == 1
        assert [r["id"] for r in csv.DictReader(exported.open(encoding="utf-8"))] == [items[0].id]
        view.filter.clear()
        await shoot(view, "changes-view")
        view.close()
        assert not errors
