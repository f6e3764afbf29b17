"""The reorderable stock level list: the model's drag-and-drop API, ``moveRows``, the keyboard, and enabling rules."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop_app.reorder.levels import StockLevelRow
from desktop_app.ui.reorder.model import MIME_TYPE, SENT, Column, StockLevelOrderModel, moved_order, stepped_order
from desktop_app.ui.reorder.view import FILTER_REASON, SORT_REASON, StockLevelOrderView

IDS = ["aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd", "eeeeeeeeee"]
NAMES = ["Amsterdam", "Berlin", "Chicago", "Dublin", "Edinburgh"]


def make_rows() -> list[StockLevelRow]:
    return [
        StockLevelRow(level_id, 10 * (i + 1), name, name[:3].upper(), on_hold=i == 2)
        for i, (level_id, name) in enumerate(zip(IDS, NAMES, strict=True))
    ]


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list[str]]] = []

    def __call__(self, order: list[str], previous: list[str]) -> None:
        self.calls.append((order, previous))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def model(recorder: Recorder) -> StockLevelOrderModel:
    return StockLevelOrderModel(make_rows(), reorder=recorder)


def names(model: StockLevelOrderModel) -> list[str]:
    return [model.data(model.index(row, Column.LOCATION)).split(" ")[0] for row in range(model.rowCount())]


def letters(order: Sequence[str]) -> str:
    return "".join(level_id[0] for level_id in order)


@pytest.mark.parametrize("force_py", [False, True])
def test_model_passes_the_model_tester(qtmodeltester: ModelTester, model: StockLevelOrderModel, force_py: bool) -> None:
    qtmodeltester.check(model, force_py=force_py)
    # the tester stays attached and checks every signal of these changes
    model.move_rows([0], 3)
    model.moveRows(QModelIndex(), 3, 2, QModelIndex(), 0)
    model.step_rows([2, 4], -1)
    model.sort(Column.LOCATION, Qt.SortOrder.DescendingOrder)
    model.rollback(list(reversed(IDS)))
    model.sort(Column.PRIORITY, Qt.SortOrder.AscendingOrder)
    model.update_rows([StockLevelRow(IDS[0], 99, pending=True)])
    model.set_rows(make_rows()[:3])
    qtmodeltester.check(model, force_py=force_py)


def test_shape_and_data(model: StockLevelOrderModel) -> None:
    assert model.rowCount() == 5
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.columnCount(model.index(0, 0)) == 0
    assert model.data(model.index(0, Column.PRIORITY)) == "10"
    assert model.data(model.index(0, Column.LOCATION)) == "Amsterdam (AMS)"
    assert model.data(model.index(2, Column.ON_HOLD)) == "Yes"
    assert model.data(model.index(0, Column.ON_HOLD)) == "No"
    assert model.data(model.index(0, Column.PENDING)) == SENT
    assert all(model.headerData(c, Qt.Orientation.Horizontal) for c in Column)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (0, 1)] == ["Rank", "Priority"]


def test_the_rank_beside_the_priority_is_the_place_in_the_real_order(model: StockLevelOrderModel) -> None:
    """Priorities 10, 20, 30… read as 1st, 2nd, 3rd…; a move renumbers the ranks, a sort by another column does not."""

    def ranks() -> list[str]:
        return [model.data(model.index(row, Column.RANK)) for row in range(model.rowCount())]

    assert ranks() == ["1st", "2nd", "3rd", "4th", "5th"]
    assert [model.data(model.index(row, Column.PRIORITY)) for row in range(5)] == ["10", "20", "30", "40", "50"]
    assert "ships first" in model.headerData(Column.RANK, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last, _roles=(): changed.append((first.row(), last.row())))
    assert model.moveRows(QModelIndex(), 4, 1, QModelIndex(), 1)  # Edinburgh to 2nd
    assert names(model) == ["Amsterdam", "Edinburgh", "Berlin", "Chicago", "Dublin"]
    assert ranks() == ["1st", "2nd", "3rd", "4th", "5th"]
    assert model.data(model.index(names(model).index("Edinburgh"), Column.RANK)) == "2nd"
    assert (0, 4) in changed  # the view repaints every rank, not only the moved row
    model.sort(Column.LOCATION, Qt.SortOrder.DescendingOrder)  # Edinburgh, Dublin, Chicago, Berlin, Amsterdam
    assert names(model) == ["Edinburgh", "Dublin", "Chicago", "Berlin", "Amsterdam"]
    assert ranks() == ["2nd", "5th", "4th", "3rd", "1st"]
    model.sort(Column.RANK, Qt.SortOrder.AscendingOrder)  # the real order again: moves allowed
    assert model.reorder_enabled and ranks()[0] == "1st" and names(model)[1] == "Edinburgh"


def test_flags_drag_on_rows_drop_only_on_root(model: StockLevelOrderModel) -> None:
    assert model.flags(model.index(1, 1)) & Qt.ItemFlag.ItemIsDragEnabled
    assert not model.flags(model.index(1, 1)) & Qt.ItemFlag.ItemIsDropEnabled
    assert model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    assert model.supportedDropActions() == Qt.DropAction.MoveAction
    assert model.mimeTypes() == [MIME_TYPE]


def test_drop_moves_rows_and_reports_new_order(model: StockLevelOrderModel, recorder: Recorder) -> None:
    data = model.mimeData([model.index(4, 0), model.index(4, 1)])
    assert data is not None and data.hasFormat(MIME_TYPE)
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert letters(model.order()) == "eabcd"
    assert names(model)[0] == "Edinburgh"
    assert [(letters(new), letters(old)) for new, old in recorder.calls] == [("eabcd", "abcde")]


def test_drop_of_several_rows_is_one_reorder(model: StockLevelOrderModel, recorder: Recorder) -> None:
    data = model.mimeData([model.index(0, 0), model.index(2, 0)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, QModelIndex())  # -1: after the last row
    assert letters(model.order()) == "bdeac"
    assert len(recorder.calls) == 1


def test_drops_refused(model: StockLevelOrderModel, recorder: Recorder) -> None:
    data = model.mimeData([model.index(1, 0)])
    assert not model.dropMimeData(data, Qt.DropAction.CopyAction, 0, 0, QModelIndex())
    assert not model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, model.index(3, 0))  # onto an item
    assert not model.dropMimeData(data, Qt.DropAction.MoveAction, 1, 0, QModelIndex())  # onto itself
    assert not model.dropMimeData(data, Qt.DropAction.MoveAction, 2, 0, QModelIndex())  # just below itself
    foreign = QMimeData()
    foreign.setText("1")
    assert not model.dropMimeData(foreign, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    stale = QMimeData()
    stale.setData(MIME_TYPE, b'{"rows": [1], "ids": ["zzzzzzzzzz"]}')
    assert not model.dropMimeData(stale, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert model.mimeData([]) is None
    assert letters(model.order()) == "abcde"
    assert recorder.calls == []


@pytest.mark.parametrize("case", [(0, 1, 5, "bcdea"), (4, 1, 0, "eabcd"), (1, 2, 4, "adbce"), (3, 2, 1, "adebc")])
def test_move_rows(
    qtbot: QtBot, model: StockLevelOrderModel, recorder: Recorder, case: tuple[int, int, int, str]
) -> None:
    source, count, destination, expected = case
    with qtbot.waitSignal(model.rowsMoved):
        assert model.moveRows(QModelIndex(), source, count, QModelIndex(), destination)
    assert letters(model.order()) == expected
    assert [letters(new) for new, _ in recorder.calls] == [expected]


@pytest.mark.parametrize(("source", "count", "destination"), [(1, 1, 1), (1, 1, 2), (1, 2, 3), (0, 1, 6), (5, 1, 0)])
def test_move_rows_refuses_no_ops_and_bad_rows(
    model: StockLevelOrderModel, recorder: Recorder, source: int, count: int, destination: int
) -> None:
    assert not model.moveRows(QModelIndex(), source, count, QModelIndex(), destination)
    assert not model.moveRows(model.index(0, 0), 0, 1, QModelIndex(), 3)
    assert letters(model.order()) == "abcde"
    assert recorder.calls == []


def test_batched_moves_report_once(model: StockLevelOrderModel, recorder: Recorder) -> None:
    with model.batched_moves():
        model.moveRow(QModelIndex(), 0, QModelIndex(), 5)
        model.moveRow(QModelIndex(), 0, QModelIndex(), 5)
    assert [(letters(new), letters(old)) for new, old in recorder.calls] == [("cdeab", "abcde")]


def test_rollback_restores_without_reporting(model: StockLevelOrderModel, recorder: Recorder) -> None:
    model.move_rows([3], 0)
    model.rollback(IDS)
    assert letters(model.order()) == "abcde"
    assert len(recorder.calls) == 1
    with pytest.raises(ValueError, match="exactly the rows"):
        model.rollback(IDS[:3])


def test_pure_move_helpers() -> None:
    assert letters(moved_order(IDS, [1, 3], 0)) == "bdace"
    assert letters(moved_order(IDS, [0, 1], 5)) == "cdeab"
    assert stepped_order(list("abcde"), [0, 2, 3], -1) == (list("acdbe"), [0, 1, 2])
    assert stepped_order(list("abcde"), [1, 4], 1) == (list("acbde"), [2, 4])


def test_sorting_by_another_column_blocks_moves(model: StockLevelOrderModel, recorder: Recorder) -> None:
    model.sort(Column.LOCATION, Qt.SortOrder.DescendingOrder)
    assert names(model)[0] == "Edinburgh"
    assert not model.reorder_enabled
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert not model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    assert not model.dropMimeData(model.mimeData([model.index(0, 0)]), Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert model.order() == IDS
    model.sort(Column.PRIORITY, Qt.SortOrder.AscendingOrder)
    assert names(model)[0] == "Amsterdam"
    assert model.reorder_enabled
    assert recorder.calls == []


def test_view_keyboard_moves_keep_selection(qtbot: QtBot, model: StockLevelOrderModel, recorder: Recorder) -> None:
    view = StockLevelOrderView(model)
    qtbot.addWidget(view)
    view.show()
    assert view.dragDropMode() == view.DragDropMode.InternalMove
    assert not view.dragDropOverwriteMode()
    view.selectRow(3)
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert letters(model.order()) == "adbce"
    assert view.selected_rows() == [1]
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert letters(model.order()) == "abdce"
    # several rows at once; the top one is already at the edge and stays
    view.clearSelection()
    view.selectionModel().select(
        model.index(0, 0), view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows
    )
    view.selectionModel().select(
        model.index(3, 0), view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows
    )
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert letters(model.order()) == "abcde"
    assert view.selected_rows() == [0, 2]
    assert [letters(new) for new, _ in recorder.calls] == ["abdce", "adbce", "abdce", "abcde"]


def test_view_disables_reorder_with_a_hint(qtbot: QtBot, model: StockLevelOrderModel, recorder: Recorder) -> None:
    view = StockLevelOrderView(model)
    qtbot.addWidget(view)
    hints: list[str] = []
    view.reorder_hint_changed.connect(hints.append)
    label = view.hint_label()
    view.set_filter_text("in")  # Berlin, Dublin, Edinburgh
    assert label.text() == FILTER_REASON
    assert [view.isRowHidden(row) for row in range(5)] == [True, False, True, False, False]
    assert not view.reorder_enabled and view.toolTip() == FILTER_REASON
    assert view.dragDropMode() == view.DragDropMode.NoDragDrop
    view.selectRow(3)
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert model.order() == IDS
    view.set_filter_text("")
    assert view.reorder_enabled
    view.setSortingEnabled(True)
    view.sortByColumn(Column.LOCATION, Qt.SortOrder.AscendingOrder)
    assert view.toolTip() == SORT_REASON and not model.reorder_enabled
    view.sortByColumn(Column.PRIORITY, Qt.SortOrder.AscendingOrder)
    assert view.reorder_enabled and model.reorder_enabled
    view.set_reorder_enabled(False, "Saving the last move…")
    assert view.toolTip() == "Saving the last move…" and not model.reorder_enabled
    view.set_reorder_enabled(True)
    assert hints == [
        FILTER_REASON,
        view.reorder_hint,
        SORT_REASON,
        view.reorder_hint,
        "Saving the last move…",
        view.reorder_hint,
    ]
    assert recorder.calls == []
    assert view.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive
