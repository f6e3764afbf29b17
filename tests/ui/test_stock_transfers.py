"""Stock transfers in the window, against the demo sandbox over real HTTP: a tab like the others, a create dialog
that picks by name, the actions each state offers, offline steps queued like edits, and a completion's effect on
the stock items of both locations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout

from desktop_app.ui.dialogs.field_inputs import RelationshipInput
from desktop_app.ui.dialogs.record_dialog import RecordDialog
from tests.ui.conftest import open_window, settle, wait_until
from tests.ui.test_main_window import answers, server_record

#: What Commerce Layer's dashboard offers in each state (a draft is made upcoming first).
OFFERED = {
    "draft": ["Mark upcoming"],
    "upcoming": ["Start picking", "Cancel"],
    "on_hold": ["Start picking", "Cancel"],
    "picking": ["Put on hold", "Mark in transit"],
    "in_transit": ["Complete", "Cancel"],
    "completed": [],
    "cancelled": [],
}


def transfer_in(opened: Any, status: str) -> Any:
    return next(r for r in opened.workspace.cached.records.find("stock_transfers") if r.attributes["status"] == status)


def show(window: Any, record_id: str) -> Any:
    tab = window.tab_by_type["stock_transfers"]
    window.tabs.setCurrentWidget(tab)
    assert tab.select_record(record_id)
    assert tab.details.record_id == record_id
    return tab


def offered(tab: Any) -> list[str]:
    return [button.text() for button in tab.details.action_buttons.values()]


def stock_item(opened: Any, sku: str, location: str) -> Any:
    return next(
        (
            r
            for r in opened.workspace.cached.records.find("stock_items")
            if r.relationships.get("sku") == sku and r.relationships.get("stock_location") == location
        ),
        None,
    )


def shown_quantity(window: Any, record_id: str, column: str = "quantity") -> Any:
    model = window.tab_by_type["stock_items"].model
    return model.index(model.row_of(record_id), model.column_of(column)).data(model.SortRole)


@pytest.mark.asyncio
async def test_the_tab_shows_transfers_by_name_with_filters_and_details(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        tab = window.tab_by_type["stock_transfers"]
        assert window.tabs.tabText(window.tabs.indexOf(tab)) == "Stock transfers"
        records = opened.workspace.cached.records
        assert tab.model.rowCount() == len(records.find("stock_transfers")) == len(OFFERED)
        record = transfer_in(opened, "picking")
        show(window, record.id)
        row = tab.model.row_of(record.id)
        origin = records.get("stock_locations", record.relationships["origin_stock_location"])
        destination = records.get("stock_locations", record.relationships["destination_stock_location"])

        def cell(key: str) -> Any:
            return tab.model.index(row, tab.model.column_of(key)).data()

        assert cell("origin_stock_location.name") == origin.attributes["name"]
        assert cell("destination_stock_location.name") == destination.attributes["name"]
        assert cell("number") == record.attributes["number"]
        assert cell("status") == "Picking", "an enumeration reads in words"
        assert tab.table.source.type == "stock_transfers" and tab.model.sort_state is not None
        assert tab.model.sort_state[0] == tab.model.column_of("number"), "sorted by number until the person sorts"
        header = tab.model.headerData(tab.model.column_of("origin_stock_location.name"), Qt.Orientation.Horizontal)
        assert header == "Origin stock location"
        assert origin.attributes["name"] in tab.details.title.text()
        captions = [
            tab.details.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().text()
            for row in range(tab.details.form.rowCount())
        ]
        assert "Origin stock location:" in captions and "Destination stock location:" in captions
        assert ("stock_locations", origin.id) in tab.details.links()
        tab.filter_bar.set_value("status_eq", "picking")
        assert tab.proxy.rowCount() == 1
        tab.filter_bar.clear()
        tab.filter_bar.set_value("origin_stock_location_id_eq", origin.id)
        assert tab.proxy.rowCount() == sum(
            r.relationships["origin_stock_location"] == origin.id
            for r in opened.workspace.cached.records.find("stock_transfers")
        )
        assert not errors


@pytest.mark.asyncio
async def test_each_state_offers_exactly_its_actions(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        seen = set()
        for record in opened.workspace.cached.records.find("stock_transfers"):
            tab = show(window, record.id)
            assert offered(tab) == OFFERED[record.attributes["status"]], record.attributes["status"]
            seen.add(record.attributes["status"])
        assert seen == set(OFFERED), "the demo holds a transfer in every state"

        show(window, transfer_in(opened, "cancelled").id)
        # the Edit menu offers the same steps, for the keyboard
        window.window_actions.fill_steps(window.window_actions.steps_menu)
        assert [a.text() for a in window.window_actions.steps_menu.actions()] == ["No steps for this record"]
        show(window, transfer_in(opened, "in_transit").id)
        window.window_actions.fill_steps(window.window_actions.steps_menu)
        assert [a.text() for a in window.window_actions.steps_menu.actions()] == OFFERED["in_transit"]

        upcoming = transfer_in(opened, "upcoming")
        origin = stock_item(opened, upcoming.relationships["sku"], upcoming.relationships["origin_stock_location"])
        reserved_before = shown_quantity(window, origin.id, "reserved")
        available_before = shown_quantity(window, origin.id, "available")
        tab = show(window, upcoming.id)
        tab.details.action_buttons["_picking"].click()
        await settle(window)
        # Picking reserves the quantity at the origin: the stock items tab shows it without a sync of its own.
        quantity = upcoming.attributes["quantity"]
        assert shown_quantity(window, origin.id, "reserved") == reserved_before + quantity
        assert shown_quantity(window, origin.id, "available") == available_before - quantity
        assert (await server_record(window, "stock_transfers", upcoming.id)).attributes["status"] == "picking"
        assert opened.workspace.cached.records.get("stock_transfers", upcoming.id).attributes["status"] == "picking"
        assert offered(tab) == OFFERED["picking"]
        patches = [r for r in fresh_sandbox.requests() if r["method"] == "PATCH"]
        assert [r["path"] for r in patches] == [f"/api/stock_transfers/{upcoming.id}"]
        assert not opened.workspace.cached.outbox.entries()
        assert not errors


@pytest.mark.asyncio
async def test_a_refused_step_says_why_and_the_record_shows_the_server_again(
    fresh_sandbox: Any, data_dir: Path
) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, _):
        transit = transfer_in(opened, "in_transit")
        show(window, transit.id)
        # Someone completed it meanwhile: the window still offers Cancel, the server refuses it.
        client = window.workspace.make_client()
        await client.update("stock_transfers", transit.id, attributes={"_complete": True})
        messages: list[str] = []
        window.edits.message.connect(messages.append)
        window.edits.run_action("stock_transfers", transit.id, "_cancel")
        await settle(window)
        assert any(m.startswith("Cancel: the server refused it") for m in messages), messages
        assert not opened.workspace.cached.outbox.entries(), "the refused step is discarded, not left to fail again"


@pytest.mark.asyncio
async def test_offline_a_step_waits_in_the_outbox_and_shows_pending(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir):
        pass  # the cache now holds the demo
    async with open_window(fresh_sandbox, data_dir, offline=True) as (window, opened, errors):
        upcoming = transfer_in(opened, "upcoming")
        tab = show(window, upcoming.id)
        before = len(fresh_sandbox.requests())
        tab.details.action_buttons["_picking"].click()
        await settle(window)
        (entry,) = opened.workspace.cached.outbox.entries()
        assert (entry.op, entry.type, entry.record_id, entry.attributes) == (
            "update",
            "stock_transfers",
            upcoming.id,
            {"_picking": True},
        )
        assert tab.model.index(tab.model.row_of(upcoming.id), 0).data(tab.model.PendingRole)
        assert all(not b.isEnabled() for b in tab.details.action_buttons.values()), "no second step on top"
        assert len(fresh_sandbox.requests()) == before
        assert not errors
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        await wait_until(lambda: not opened.workspace.cached.outbox.entries(), what="the queued step to be sent")
        assert (await server_record(window, "stock_transfers", upcoming.id)).attributes["status"] == "picking"
        assert not errors


@pytest.mark.asyncio
async def test_a_completed_transfer_moves_the_stock_shown_at_both_locations(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        transit = transfer_in(opened, "in_transit")
        sku = transit.relationships["sku"]
        origin_id = transit.relationships["origin_stock_location"]
        destination_id = transit.relationships["destination_stock_location"]
        quantity = transit.attributes["quantity"]
        origin = stock_item(opened, sku, origin_id)
        destination = stock_item(opened, sku, destination_id)
        origin_before = shown_quantity(window, origin.id)
        destination_before = shown_quantity(window, destination.id) if destination is not None else 0
        tab = show(window, transit.id)
        tab.details.action_buttons["_complete"].click()
        await settle(window)
        assert opened.workspace.cached.records.get("stock_transfers", transit.id).attributes["status"] == "completed"
        assert offered(tab) == []
        assert shown_quantity(window, origin.id) == origin_before - quantity
        moved = stock_item(opened, sku, destination_id)
        assert moved is not None, "the destination's stock item reached the cache"
        assert shown_quantity(window, moved.id) == destination_before + quantity
        for item in (origin, moved):
            server = await server_record(window, "stock_items", item.id)
            assert shown_quantity(window, item.id) == server.attributes["quantity"]
        assert not errors


@pytest.mark.asyncio
async def test_the_create_dialog_picks_the_sku_and_both_locations_by_name(
    fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        item = max(opened.workspace.cached.records.find("stock_items"), key=lambda r: r.attributes["quantity"])
        sku = opened.workspace.cached.records.get("skus", item.relationships["sku"])
        origin = opened.workspace.cached.records.get("stock_locations", item.relationships["stock_location"])
        destination = next(r for r in opened.workspace.cached.records.find("stock_locations") if r.id != origin.id)

        dialog = RecordDialog(window.tab_by_type["stock_transfers"].resource, window.lookups)
        qtbot.addWidget(dialog)
        captions = [
            dialog.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().text()
            for row in range(dialog.form.rowCount())
        ]
        assert captions[:3] == ["SKU *:", "Origin stock location *:", "Destination stock location *:"]
        chosen = {"sku": sku, "origin_stock_location": origin, "destination_stock_location": destination}
        for name, record in chosen.items():
            picker = dialog.inputs[name]
            assert isinstance(picker, RelationshipInput)
            picker.combo.setEditText(window.lookups.label(picker.target, record.id))  # what the person reads
        dialog.inputs["quantity"].set_value(2)
        dialog.inputs["number"].set_value("ST-TEST")
        attributes, relationships = dialog.collect()
        assert relationships == {name: record.id for name, record in chosen.items()}
        assert attributes["quantity"] == 2

        answers(monkeypatch, ({"quantity": 2, "number": "ST-TEST"}, relationships))
        window.tabs.setCurrentWidget(window.tab_by_type["stock_transfers"])
        window.new_record()
        await settle(window)
        created = next(
            r
            for r in opened.workspace.cached.records.find("stock_transfers")
            if r.attributes.get("number") == "ST-TEST"
        )
        server = await server_record(window, "stock_transfers", created.id)
        assert server.attributes["status"] == "draft" and server.attributes["quantity"] == 2
        assert window.tab_by_type["stock_transfers"].details.record_id == created.id
        assert offered(window.tab_by_type["stock_transfers"]) == ["Mark upcoming"]
        assert not errors
