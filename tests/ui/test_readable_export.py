"""An export starts in the documents folder under a dated name, and carries what bringing it back needs: the row's
id and the id and code of each record it points at (stock location code, SKU code)."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QStandardPaths

from desktop_app.ui.export import ExportDialog
from tests.ui.conftest import open_window


@pytest.mark.asyncio
async def test_export_is_dated_in_documents_and_carries_ids_and_codes(
    sandbox: Any, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"
    suggested: list[str] = []
    monkeypatch.setattr(
        ExportDialog, "ask_path", classmethod(lambda cls, parent, name: suggested.append(name) or target)
    )
    async with open_window(sandbox, data_dir) as (window, opened, _errors):
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        window.window_actions.export.trigger()
        while window.export is not None and window.export.running:  # streamed from a thread  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        assert Path(suggested[0]) == Path(documents) / f"stock-items-{dt.date.today().isoformat()}.csv"
        rows = list(csv.DictReader(target.open(encoding="utf-8")))
        assert len(rows) == tab.proxy.rowCount() > 0
        for key in ("ID", "Stock location code", "Stock location ID", "SKU code", "SKU ID"):
            assert key in rows[0], rows[0].keys()
        for row in rows[:20]:
            record = opened.workspace.cached.records.get("stock_items", row["ID"])
            assert record is not None
            location = record.relationships["stock_location"]
            assert row["Stock location ID"] == location
            assert row["Stock location code"] == window.lookups.value("stock_locations", location, "code")
            assert row["SKU ID"] == record.relationships["sku"]
            assert row["Quantity"] == str(record.attributes["quantity"])  # 1234, never "1,234"
            assert row["SKU code"] == window.lookups.value("skus", record.relationships["sku"], "code")
