"""The details pane reads a value as its table cell does: a quantity with the locale's thousands separator, a
cutoff in words, Yes or No; and a reorder point kept in the metadata has its own row, as it has its own column."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QFormLayout, QLabel

from desktop_app.schema import get_resource
from desktop_app.store import Cache
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.views.details_pane import DetailsPane


@pytest.fixture
def english() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)


def _rows(pane: DetailsPane) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in range(pane.form.rowCount()):
        caption = pane.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        value = pane.form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
        assert isinstance(caption, QLabel) and isinstance(value, QLabel)
        out[caption.text().rstrip(":")] = value.toolTip() if "<a " not in value.text() else value.text()
    return out


def test_a_stock_item_reads_as_in_its_table(synced_cache: Cache, qtbot: Any, english: None) -> None:
    item = synced_cache.records.find("stock_items")[0]
    metadata = {"reorder_point": 1200, "bin": "A3"}
    shown = item._replace(attributes={**item.attributes, "quantity": 12_345, "metadata": metadata})
    pane = DetailsPane(get_resource("stock_items"), Lookups())
    qtbot.addWidget(pane)
    pane.show_record(shown)
    rows = _rows(pane)
    assert rows["Quantity"] == "12,345"
    assert rows["Reorder point"] == "1,200"
    keys = [pane.metadata.item(r, 0).text() for r in range(pane.metadata.rowCount())]
    assert keys == ["bin"]  # the reorder point is not asked twice
    pane.show_record(shown._replace(attributes={**shown.attributes, "metadata": {}}))
    assert _rows(pane)["Reorder point"] == ""  # shown as a dash: none set


def test_an_inventory_model_reads_its_cutoff_in_words(synced_cache: Cache, qtbot: Any) -> None:
    model = synced_cache.records.find("inventory_models")[0]
    pane = DetailsPane(get_resource("inventory_models"), Lookups())
    qtbot.addWidget(pane)
    pane.show_record(model._replace(attributes={**model.attributes, "stock_reservation_cutoff": 5400}))
    rows = _rows(pane)
    assert rows["Stock reservation cutoff"] == "1 hour 30 minutes"
    assert rows["Manual stock decrement"] in ("Yes", "No")


def test_a_changed_record_updates_its_rows_in_place(synced_cache: Cache, qtbot: Any, english: None) -> None:
    """The table's records change under the pane all the time (a sync, a batch): the rows of the record shown keep
    their widgets and take the new values; a record with other rows (a relationship missing) gets new ones, and
    links still lead to the related record after either."""
    item = synced_cache.records.find("stock_items")[0]
    pane = DetailsPane(get_resource("stock_items"), Lookups())
    qtbot.addWidget(pane)
    pane.show_record(item)
    labels = [pane.form.itemAt(r, QFormLayout.ItemRole.FieldRole).widget() for r in range(pane.form.rowCount())]
    pane.show_record(item._replace(attributes={**item.attributes, "quantity": 4_321}))
    again = [pane.form.itemAt(r, QFormLayout.ItemRole.FieldRole).widget() for r in range(pane.form.rowCount())]
    assert again == labels, "the same rows: the same labels"
    assert _rows(pane)["Quantity"] == "4,321"
    followed: list[tuple[str, str]] = []
    pane.link_activated.connect(lambda target, record_id: followed.append((target, record_id)))
    sku_id = str(item.relationships["sku"])
    assert ("skus", sku_id) in pane.links()
    link = next(label for label in again if "skus/" in label.text())
    link.linkActivated.emit(f"skus/{sku_id}")
    assert followed == [("skus", sku_id)]
    pane.show_record(item._replace(relationships={**item.relationships, "sku": None}))
    assert ("skus", sku_id) not in pane.links()
    assert pane.form.rowCount() == len(labels) - 1


def test_a_transfer_keeps_its_buttons_while_its_state_offers_the_same_steps(synced_cache: Cache, qtbot: Any) -> None:
    transfer = next(r for r in synced_cache.records.find("stock_transfers") if r.attributes["status"] == "upcoming")
    pane = DetailsPane(get_resource("stock_transfers"), Lookups())
    qtbot.addWidget(pane)
    pane.show_record(transfer)
    buttons = dict(pane.action_buttons)
    assert list(buttons) == ["_picking", "_cancel"] and all(b.isEnabled() for b in buttons.values())
    pane.show_record(transfer._replace(pending=True))  # type: ignore[call-arg]
    assert pane.action_buttons == buttons and not any(b.isEnabled() for b in buttons.values())
    pane.show_record(transfer._replace(attributes={**transfer.attributes, "status": "picking"}))
    assert list(pane.action_buttons) == ["_on_hold", "_in_transit"]
    assert all(b.isEnabled() for b in pane.action_buttons.values())
