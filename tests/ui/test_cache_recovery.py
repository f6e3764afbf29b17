"""The window says that its cache file was set aside, how many queued edits came back, and where the old file is."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import Cache, cache_path
from desktop_app.sync import Editor
from desktop_app.ui.dialogs.messages import Messages
from tests.ui.conftest import CACHE_KEY, open_window, settle


@pytest.mark.asyncio
async def test_the_window_reports_queued_edits_recovered_from_a_damaged_cache(
    sandbox: Any, synced_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "copy"
    shutil.copytree(synced_dir, data_dir)
    path = cache_path(data_dir, CACHE_KEY)
    with Cache.open(path) as cache:
        items = cache.records.find("stock_items")[:3]
        for number, item in enumerate(items):
            Editor(cache).update("stock_items", item.id, attributes={"quantity": 900 + number})
    with path.open("r+b") as file:
        file.write(b"\xff" * 100)  # the header gone; every page behind it intact
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        Messages, "error", classmethod(lambda cls, parent, title, text, details="": shown.append((title, text)))
    )
    async with open_window(sandbox, data_dir, offline=True) as (window, opened, errors):
        await settle(window)
        window.report_cache_recovery()
        assert len(shown) == 1, shown
        text = shown[0][1]
        assert "3 queued edits recovered" in text and str(path.parent) in text and ".corrupt-" in text
        assert opened.workspace.cached.outbox.pending_count() == 3
        tab = window.tab_by_type["stock_items"]
        row = tab.model.row_of(items[0].id)
        assert tab.model.index(row, tab.model.column_of("quantity")).data() == "900"
        assert errors == []
