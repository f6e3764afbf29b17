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
