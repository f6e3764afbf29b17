"""Drive one real mouse drag (``QDrag``) on the stock level list, in its own process.

The suite runs on the ``offscreen`` platform, where a ``QDrag`` ends at once with ``IgnoreAction``; a real drag needs
``QT_QPA_PLATFORM=minimal:enable_fonts`` or an X server (Xvfb). ``QDrag.exec()`` blocks in a nested event loop, so the
mouse moves and the release are queued with ``QTimer.singleShot(0, ...)`` before the press-and-move that starts it.

Usage: ``python -m tests.ui.drag_driver ROWS DESTINATION``. Prints one JSON line: the order before and after and
the reorders the model reported.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.reorder.levels import StockLevelRow
from desktop_app.ui.models.stock_level_order import Column, StockLevelOrderModel
from desktop_app.ui.views.stock_level_order_view import StockLevelOrderView


def drop_point(view: StockLevelOrderView, model: StockLevelOrderModel, destination: int) -> QPoint:
    """A point on the boundary above row ``destination`` (below the last row for ``rowCount()``)."""
    if destination < model.rowCount():
        rect = view.visualRect(model.index(destination, Column.LOCATION))
        return QPoint(rect.center().x(), rect.top() + 2)
    rect = view.visualRect(model.index(model.rowCount() - 1, Column.LOCATION))
    return QPoint(rect.center().x(), rect.bottom() + 6)


def real_drag(view: StockLevelOrderView, rows: list[int], destination: int) -> None:
    """Select ``rows``, press on the last of them and drag to ``destination`` with real mouse events."""
    model = view.order_model()
    selection = view.selectionModel()
    selection.clearSelection()
    for row in rows:
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        selection.select(model.index(row, 0), flags)
    viewport = view.viewport()
    start = view.visualRect(model.index(rows[-1], Column.LOCATION)).center()
    target = drop_point(view, model, destination)

    def finish() -> None:  # runs inside QDrag.exec()'s nested loop
        QTest.mouseMove(viewport, target)
        QTest.mouseMove(viewport, target + QPoint(1, 0))
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target + QPoint(1, 0))

    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTimer.singleShot(0, finish)
    distance = QApplication.startDragDistance()
    QTest.mouseMove(viewport, start + QPoint(0, distance + 2))
    QTest.mouseMove(viewport, start + QPoint(0, 2 * distance + 4))


def demo_rows() -> list[StockLevelRow]:
    return [StockLevelRow(letter * 10, 10 * (i + 1), f"Location {letter}") for i, letter in enumerate("abcde")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", help="comma-separated rows to drag")
    parser.add_argument("destination", type=int, help="the row to drop above (row count = after the last)")
    args = parser.parse_args(argv)
    rows = [int(row) for row in args.rows.split(",")]
    app = QApplication.instance() or QApplication([])
    result: dict[str, Any] = {"platform": QApplication.platformName()}
    reported: list[list[str]] = []
    model = StockLevelOrderModel(demo_rows(), reorder=lambda order, _previous: reported.append(order))
    view = StockLevelOrderView(model)
    view.resize(520, 320)
    view.show()
    QTest.qWaitForWindowExposed(view)
    result["before"] = model.order()
    real_drag(view, rows, args.destination)
    app.processEvents()
    result["after"] = model.order()
    result["reported"] = reported
    result["selected"] = view.selected_rows()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
