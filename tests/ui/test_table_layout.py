"""Where a table's columns sit: a derived column beside the one it follows, even a leading one (a SKU's default
reorder point after its name), and a layout saved before a table's columns changed does not hide a new column at the
far right. Real ``QSettings`` in a throw-away folder; the models are empty (columns are all that matter here)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

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


class _Paints(QObject):
    """The rectangles a widget is asked to paint."""

    def __init__(self, widget: Any) -> None:
        super().__init__()
        self.rects: list[tuple[int, int, int, int]] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if event.type() == QEvent.Type.Paint:
            rect = event.rect()
            self.rects.append((rect.x(), rect.y(), rect.width(), rect.height()))
        return False

    def after(self, change: Any) -> list[tuple[int, int, int, int]]:
        self.rects.clear()
        change()
        for _ in range(5):
            QApplication.processEvents()
        return list(self.rects)


def test_focus_and_activation_repaint_the_current_cell_not_the_whole_table(synced_cache: Any) -> None:
    """Qt repaints a whole item view when it gains or loses the focus or its window is (de)activated; with a
    palette whose inactive colours are its active ones only the current cell's focus frame changes, so only that
    cell is repainted. A palette whose colours differ gets Qt's whole repaint."""
    lookups = Lookups()
    lookups.load(synced_cache.path)
    model = ResourceTableModel("stock_items", lookups)
    model.set_records(synced_cache.records.find("stock_items"))
    proxy = RecordProxyModel()
    proxy.setSourceModel(model)
    window = QWidget()
    layout = QVBoxLayout(window)
    field = QLineEdit()
    view = RecordTableView(proxy)
    layout.addWidget(field)
    layout.addWidget(view)
    window.resize(700, 500)
    window.show()
    view.setFocus()
    QApplication.processEvents()
    view.setCurrentIndex(proxy.index(2, 1))
    paints = _Paints(view.viewport())
    paints.after(lambda: None)  # what setting the current row repaints
    cell = view.visualRect(view.currentIndex())
    only_the_cell = [(cell.x(), cell.y(), cell.width(), cell.height())]
    whole = view.viewport().rect()

    def send(kind: QEvent.Type) -> None:
        QApplication.sendEvent(window, QEvent(kind))

    assert paints.after(field.setFocus) == only_the_cell
    assert field.hasFocus()
    assert paints.after(view.setFocus) == only_the_cell
    assert view.hasFocus()
    assert paints.after(lambda: send(QEvent.Type.WindowDeactivate)) == only_the_cell
    assert paints.after(lambda: send(QEvent.Type.WindowActivate)) == only_the_cell
    assert paints.after(lambda: view.setCurrentIndex(proxy.index(4, 1))), "other repaints still happen"

    differing = QPalette(view.palette())
    differing.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor(200, 200, 200))
    view.setPalette(differing)
    QApplication.processEvents()
    rects = paints.after(lambda: send(QEvent.Type.WindowDeactivate))
    assert (0, 0, whole.width(), whole.height()) in rects, rects
    window.close()
