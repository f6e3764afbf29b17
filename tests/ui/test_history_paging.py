"""The History section over the sandbox: who by the API client's name, older versions a page at a time on demand
("Show older"), a timeline that wraps in a narrow details pane, and a chart only where the description asks."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from desktop_app.history.fetch import PAGE_SIZE
from desktop_app.schema import app_type, tab_types
from tests.sync.conftest import client_of
from tests.ui.conftest import open_window, settle, wait_until
from tests.ui.shots import shoot


async def _many_versions(sandbox: Any, type_: str, record_id: str, count: int) -> None:
    async with client_of(sandbox) as client:
        for number in range(count):
            await client.update(type_, record_id, attributes={"reference": f"count {number + 1}"})


async def _open_record(window: Any, type_: str, record_id: str) -> Any:
    tab = window.tab_by_type[type_]
    window.tabs.setCurrentWidget(tab)
    assert tab.select_record(record_id)
    await settle(window)
    section = tab.details.history
    assert section is not None
    await wait_until(lambda: window.workspace.history_fetched(type_, record_id), what="history fetched")
    await settle(window)
    return tab, section


@pytest.mark.asyncio
async def test_show_older_fetches_the_next_page_on_demand(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        item = window.workspace.cached.records.find("stock_items", order_by="id")[0]
        await _many_versions(fresh_sandbox, "stock_items", item.id, PAGE_SIZE + 5)
        before = len([r for r in fresh_sandbox.requests() if "/versions" in r["path"]])
        _, section = await _open_record(window, "stock_items", item.id)
        assert len(window.workspace.history("stock_items", item.id)) == PAGE_SIZE, "one page when the pane opens"
        assert section.older_button.isVisible() and section.older_button.text() == "Show older"
        section.older_button.click()
        await wait_until(
            lambda: len(window.workspace.history("stock_items", item.id)) == PAGE_SIZE + 5, what="the next page"
        )
        await settle(window)
        fetched = [r for r in fresh_sandbox.requests() if "/versions" in r["path"]][before:]
        numbers = [parse_qs(r["query"]).get("page[number]", ["1"])[0] for r in fetched]
        assert numbers == ["1", "2"], "the first page on opening, then page 2 alone"
        assert section.older_button.isHidden(), "every version is here"
        assert "Reference count 1" in section.timeline.text()
        # Who: the API client by its name, not its id.
        heading = section.entries()[0][0]
        assert heading.endswith("updated by Stockroom sandbox"), heading
        assert not errors


@pytest.mark.asyncio
async def test_timeline_wraps_in_a_narrow_details_pane(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        item = window.workspace.cached.records.find("stock_items", order_by="id")[0]
        long_reference = "A reference written by a warehouse scanner that goes on " + "and on " * 6 + "without end"
        async with client_of(fresh_sandbox) as client:
            await client.update("stock_items", item.id, attributes={"reference": long_reference, "quantity": 40})
            await client.update("stock_items", item.id, attributes={"quantity": 3})
        tab, section = await _open_record(window, "stock_items", item.id)
        tab.splitter.setSizes([1280 - 300, 300])
        await settle(window)
        await shoot(window, "history-narrow-window")
        await shoot(tab.details, "history-narrow-pane", size=None)
        pane = tab.details.width()
        timeline = section.timeline
        assert section.width() <= pane and timeline.width() <= pane, "nothing wider than the pane"
        assert timeline.minimumSizeHint().width() <= pane, "nothing in it forces the pane wider"
        lines = timeline.heightForWidth(timeline.width()) // timeline.fontMetrics().lineSpacing()
        assert lines > 8, "the long reference wrapped over several lines"
        assert not errors


@pytest.mark.asyncio
async def test_only_types_whose_description_asks_get_a_chart(fresh_sandbox: Any, data_dir: Path) -> None:
    charted = [t for t in tab_types() if app_type(t).history_chart]
    assert charted == ["stock_items"], "the issue asks a quantity chart for a stock item only"
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        transfer = window.workspace.cached.records.find("stock_transfers", order_by="id")[0]
        quantity = int(transfer.attributes["quantity"])
        async with client_of(fresh_sandbox) as client:
            for step in (1, 2):
                await client.update("stock_transfers", transfer.id, attributes={"quantity": quantity + step})
        await window.workspace.start_sync(["stock_transfers"])
        await settle(window)
        _, section = await _open_record(window, "stock_transfers", transfer.id)
        assert any("Quantity" in line for _, lines in section.entries() for line in lines)
        assert section.chart.isHidden(), "a transfer's quantity changes, but no chart is asked for"
        assert not errors


@pytest.mark.asyncio
async def test_the_changes_view_opens_from_the_view_menu_offline_too(sandbox: Any, data_dir: Path) -> None:
    async with open_window(sandbox, data_dir, sync=False, offline=True) as (window, _, errors):
        view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
        entry = next(a for a in view_menu.actions() if a.text() == "Changes since last sync…")
        assert entry.isEnabled()
        entry.trigger()
        view = window.changes_view
        assert view.isVisible() and view.windowTitle() == "Changes from the last syncs"
        view.close()
        assert not errors


def test_long_runs_get_break_opportunities_and_read_the_same() -> None:
    from desktop_app.ui.wrap import BREAK, LONGEST, breakable, plain

    html = '<a href="skus/ecvkiQuvlbXXXXXXXX">HOODIEWW1F3A5FFFFFFFLXXX &amp; short words</a>'
    wrapped = breakable(html)
    assert plain(wrapped) == html, "nothing a person reads changes"
    assert 'href="skus/ecvkiQuvlbXXXXXXXX"' in wrapped, "tags are left alone"
    assert all(len(run) <= LONGEST for run in wrapped.split(">")[1].split("<")[0].replace(" ", BREAK).split(BREAK))
