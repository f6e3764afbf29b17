"""Values as a manager reads them: quantities with the locale's thousands separators, durations and labels in
words, a check box that also says Yes or No, and no second "SKU code" column."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt

from desktop_app.schema import duration_words, get_resource
from desktop_app.ui.models.columns import column_index, columns_for
from desktop_app.ui.models.resource_table import formatter
from desktop_app.ui.reorder.model import Column
from desktop_app.ui.reorder.view import StockLevelOrderView
from tests.ui.conftest import open_window, settle
from tests.ui.shots import shoot


@pytest.fixture
def locale() -> Iterator[None]:
    before = QLocale()
    yield
    QLocale.setDefault(before)


def _column(type_: str, key: str) -> Any:
    return columns_for(type_)[column_index(type_, key)]


def test_quantities_carry_the_locales_thousands_separator(locale: None) -> None:
    # A column's formatter reads the locale when it is made (once per column, not per cell painted).
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    quantity = formatter(_column("stock_items", "quantity"))
    assert quantity(1234567) == "1,234,567"
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    quantity = formatter(_column("stock_items", "quantity"))
    assert quantity(1234567) == "1.234.567"
    assert quantity(None) is None


def test_durations_read_in_words() -> None:
    assert [duration_words(s) for s in (3600, 86_400, 7200, 5400, 90, 0)] == [
        "1 hour",
        "1 day",
        "2 hours",
        "1 hour 30 minutes",
        "1 minute 30 seconds",
        "None",
    ]
    cutoff = formatter(_column("inventory_models", "stock_reservation_cutoff"))
    assert cutoff(86_400) == "1 day"


def test_labels_spell_abbreviations_and_name_each_column_once() -> None:
    assert get_resource("stock_locations").fields["suppress_etd"].label == "Suppress ETD"
    assert get_resource("skus").fields["jwt_custom_claim"].label == "JWT custom claim"
    assert get_resource("stock_items").fields["sku_code"].label == "SKU code"
    for type_ in ("stock_items", "stock_transfers", "skus", "stock_locations", "inventory_models"):
        labels = [c.label for c in columns_for(type_)]
        assert len(labels) == len(set(labels)), labels
        assert all(label.strip() for label in labels)
        assert not any("Sku" in label or "Jwt" in label or "etd" in label for label in labels), labels


@pytest.mark.asyncio
async def test_on_hold_and_cutoffs_read_in_words(sandbox: Any, data_dir: Path) -> None:
    async with open_window(sandbox, data_dir) as (window, _opened, _errors):
        levels = window.tab_by_type["inventory_stock_locations"]
        on_hold = levels.model.column_of("on_hold")
        shown = {levels.model.index(r, on_hold).data() for r in range(levels.model.rowCount())}
        assert shown <= {"Yes", "No"} and shown, shown
        window.tabs.setCurrentWidget(levels)
        await settle(window)
        ordered = levels.findChild(StockLevelOrderView)
        assert ordered is not None
        order = ordered.model()
        assert order.rowCount() > 0
        for row in range(order.rowCount()):
            assert order.index(row, Column.ON_HOLD).data() in ("Yes", "No")
        for column in range(order.columnCount()):
            assert order.headerData(column, Qt.Orientation.Horizontal), column
        models = window.tab_by_type["inventory_models"]
        cutoff = models.model.column_of("stock_reservation_cutoff")
        texts = [models.model.index(r, cutoff).data() for r in range(models.model.rowCount())]
        assert texts and all(t is None or not t.isdigit() for t in texts), texts
        window.resize(1280, 800)
        window.tabs.setCurrentWidget(models)
        await settle(window)
        await shoot(window, "inventory-models-words")
        window.tabs.setCurrentWidget(levels)
        await settle(window)
        await shoot(window, "stock-levels-on-hold")
