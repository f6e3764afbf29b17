"""Drive one real mouse drag (``QDrag``) on the stock level list, in its own process.

The suite runs on the ``offscreen`` platform, where a ``QDrag`` ends at once with ``IgnoreAction``; a real drag needs
``QT_QPA_PLATFORM=minimal:enable_fonts`` or an X server (Xvfb). ``QDrag.exec()`` blocks in a nested event loop, so the
mouse moves and the release run from a timer that waits until the drag's ``QDrag`` exists.

Usage: ``python -m tests.ui.drag_driver ROWS DESTINATION [--sandbox URL CLIENT_ID SECRET MODEL_ID DATA_DIR]``.
Prints one JSON line: the order before and after and the reorders the model reported; with ``--sandbox`` the list
shows that inventory model's stock levels from a freshly synced cache and the drag goes all the way to the server.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer
from PySide6.QtGui import QDrag
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.reorder.levels import StockLevelRow
from desktop_app.ui.reorder.model import Column, StockLevelOrderModel
from desktop_app.ui.reorder.view import StockLevelOrderView


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

    # Fire once the drag is really running (its QDrag exists), however early a processEvents() runs the timer.
    watcher = QTimer(view)
    watcher.setInterval(5)

    def when_dragging() -> None:
        if view.findChild(QDrag) is not None:
            watcher.stop()
            finish()

    watcher.timeout.connect(when_dragging)
    watcher.start()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    distance = QApplication.startDragDistance()
    QTest.mouseMove(viewport, start + QPoint(0, distance + 2))
    QTest.mouseMove(viewport, start + QPoint(0, 2 * distance + 4))
    watcher.stop()


def demo_rows() -> list[StockLevelRow]:
    return [StockLevelRow(letter * 10, 10 * (i + 1), f"Location {letter}") for i, letter in enumerate("abcde")]


def drag_on_sandbox(spec: list[str], rows: list[int], destination: int) -> dict[str, Any]:
    """The whole path: a synced cache, the list, a real drag, the push; returns what the list and server show."""
    import asyncio
    from pathlib import Path

    import qasync

    from desktop_app.api import CommerceLayerClient, Credentials, Endpoint
    from desktop_app.connection import Connection
    from desktop_app.store import Cache, cache_path
    from desktop_app.sync import Syncer
    from desktop_app.ui.outcome import Status
    from desktop_app.ui.reorder.controller import StockLevelReorder
    from desktop_app.ui.tasks import TaskSet
    from desktop_app.ui.workspace import Workspace

    url, client_id, secret, model_id, data_dir = spec
    errors: list[BaseException] = []

    async def workspace() -> dict[str, Any]:
        # One run of the loop for everything, as in the window: the drag starts from a Qt timer while it runs.
        credentials = Credentials(client_id, secret)
        with Cache.open(cache_path(Path(data_dir), "drag")) as cache:
            async with CommerceLayerClient(Endpoint.custom(url), credentials, rate_limits="off") as client:
                await Syncer(cache, client).sync(["stock_locations", "inventory_stock_locations"])
                connection = Connection("drag", Endpoint.custom(url), credentials=credentials, cache_key="drag")
                workspace = Workspace(connection, cache, cache.path, tasks=TaskSet(errors.append))
                model = StockLevelOrderModel()
                binder = StockLevelReorder(model, workspace, model_id, tasks=TaskSet(errors.append))
                binder.load()
                view = StockLevelOrderView(model)
                view.resize(520, 320)
                view.show()
                QTest.qWaitForWindowExposed(view)
                before = model.order()
                dropped: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()

                def drag() -> None:
                    real_drag(view, rows, destination)
                    dropped.set_result(model.order())

                QTimer.singleShot(0, drag)
                shown = await dropped
                await binder.wait_idle()
                await workspace.tasks.wait_idle()
                await workspace.aclose()
                outcomes = [
                    {
                        "sent": len(o.entry_ids) if o.status is Status.SENT else 0,
                        "planned": len(o.entry_ids),
                        "error": o.message or None,
                    }
                    for o in binder.outcomes
                ]
                return {
                    "before": before,
                    "after": shown,
                    "final": model.order(),
                    "outcomes": outcomes,
                    "errors": [repr(error) for error in errors],
                }

    loop = qasync.QEventLoop(QApplication.instance())
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(workspace())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", help="comma-separated rows to drag")
    parser.add_argument("destination", type=int, help="the row to drop above (row count = after the last)")
    parser.add_argument("--sandbox", nargs=5, metavar=("URL", "CLIENT_ID", "SECRET", "MODEL_ID", "DATA_DIR"))
    args = parser.parse_args(argv)
    rows = [int(row) for row in args.rows.split(",")]
    app = QApplication.instance() or QApplication([])
    result: dict[str, Any] = {"platform": QApplication.platformName()}
    reported: list[list[str]] = []
    if args.sandbox:
        result.update(drag_on_sandbox(args.sandbox, rows, args.destination))
        print(json.dumps(result), flush=True)
        return 0
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
