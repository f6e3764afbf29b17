"""The change preview's table model: what each cell reads, the error rows in the error colour, the line numbers
right-aligned, a long reason whole in its tool tip; texts made once per row while painted, and nothing held after
release."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.imports import Preview
from desktop_app.imports.preview import Change, RowError
from desktop_app.ui.models.preview_table import ERROR_COLOUR, PreviewTableModel, preview_rows

ROLE = Qt.ItemDataRole


def _model(qapp: object) -> PreviewTableModel:
    preview = Preview("stock_items", rows=3)
    preview.errors.append(RowError(2, "quantity", "is not a number: ten", "SKU-1 at Berlin Hub"))
    preview.error_lines.add(2)
    preview.changes.append(Change(3, "SKU-2 at Berlin Hub", "item-2", {"quantity": (4, 1250)}, {}))
    preview.changes.append(Change(4, "SKU-3 at Lyon", None, {"quantity": (None, 7)}, {"sku": "s3"}))
    return PreviewTableModel(preview, preview_rows(preview), by_line=True)


def _row(model: PreviewTableModel, row: int, role: ROLE = ROLE.DisplayRole) -> list[object]:
    return [model.index(row, column).data(role) for column in range(model.columnCount())]


def test_cells_read_as_a_person_writes_them(qapp: object) -> None:
    model = _model(qapp)
    assert model.rowCount() == 3
    assert _row(model, 0) == ["2", "Error", "SKU-1 at Berlin Hub", "quantity", "is not a number: ten"]
    assert _row(model, 1) == ["3", "Change", "SKU-2 at Berlin Hub", "Quantity", "4 → 1,250"]
    assert _row(model, 2) == ["4", "New", "SKU-3 at Lyon", "Quantity", "7"]


def test_error_colour_alignment_and_tool_tip(qapp: object) -> None:
    model = _model(qapp)
    assert _row(model, 0, ROLE.ForegroundRole) == [None, ERROR_COLOUR, None, None, ERROR_COLOUR]
    assert _row(model, 1, ROLE.ForegroundRole) == [None] * 5
    alignment = model.index(1, 0).data(ROLE.TextAlignmentRole)
    assert Qt.AlignmentFlag(alignment) == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert model.index(1, 1).data(ROLE.TextAlignmentRole) is None
    assert model.index(0, 4).data(ROLE.ToolTipRole) == "is not a number: ten"
    assert model.index(0, 3).data(ROLE.ToolTipRole) is None
    assert model.index(0, 0).data(ROLE.DecorationRole) is None


def test_texts_are_made_once_per_row_and_let_go_on_release(qapp: object) -> None:
    model = _model(qapp)
    made: list[int] = []
    real = model._made
    model._made = lambda row: made.append(row) or real(row)  # type: ignore[method-assign]
    for _ in range(3):
        _row(model, 1)
        model.index(1, 4).data(ROLE.ToolTipRole)
    assert made == [1]
    model.release()
    assert model.rowCount() == 0 and model._texts == {}
