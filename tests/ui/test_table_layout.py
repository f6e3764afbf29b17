"""Where a table's columns sit: a derived column beside the one it follows, even a leading one (a SKU's default
reorder point after its name), and a layout saved before a table's columns changed does not hide a new column at the
far right. Real ``QSettings`` in a throw-away folder; the models are empty (columns are all that matter here)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QSettings

from desktop_app.ui.models import resource_table
from desktop_app.ui.models.columns import column_index, columns_for
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.models.record_proxy import RecordProxyModel
from desktop_app.ui.models.resource_table import ResourceTableModel
from desktop_app.ui.views.record_table_view import RecordTableView


def _view(type_: str) -> RecordTableView:
    proxy = RecordProxyModel()
    proxy.setSourceModel(ResourceTableModel(type_, Lookups()))
    view = RecordTableView(proxy)
    view.restore_layout()
    return view


def _visual(view: RecordTableView, key: str) -> int:
    return view.horizontalHeader().visualIndex(view.source.column_of(key))


def test_a_sku_s_default_reorder_point_follows_its_name() -> None:
    assert column_index("skus", "reorder_point") == column_index("skus", "name") + 1
    keys = [c.key for c in columns_for("stock_items")]
    assert keys[:5] == ["sku.code", "stock_location.name", "quantity", "reserved", "available"]
    assert keys[5:7] == ["sku.name", "reorder_point"], "a stock item's reorder point follows its SKU's name"


def test_a_layout_saved_before_a_column_came_opens_with_the_new_column_in_place(
    qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tuple(c for c in columns_for("skus") if c.key != "reorder_point")  # the SKUs table until now
    with monkeypatch.context() as patched:
        patched.setattr(resource_table, "columns_for", lambda _type: before)
        old = _view("skus")
        assert old.source.columnCount() == len(columns_for("skus")) - 1
        old.horizontalHeader().moveSection(_visual(old, "weight"), 0)  # the person put Weight first
        old.save_layout()
    QSettings().sync()

    view = _view("skus")
    assert _visual(view, "reorder_point") == _visual(view, "name") + 1, "the new column sits after the name"
    assert _visual(view, "code") == 0

    view.horizontalHeader().moveSection(_visual(view, "weight"), 0)
    view.save_layout()
    again = _view("skus")
    assert _visual(again, "weight") == 0, "a layout saved with today's columns is restored"
    assert _visual(again, "reorder_point") == _visual(again, "name") + 1
