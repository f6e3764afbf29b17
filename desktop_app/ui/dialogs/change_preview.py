"""The preview of many changes before anything is queued: an import of a spreadsheet, or one field set on many rows.

The manager reads the counts in words, then every change (record, field, old → new) and every error (where, which
column, why). Apply stays off while there are errors, unless they choose to apply the valid rows (never for a file
whose header is wrong: then no row can be trusted). Nothing here queues or sends: the caller does, as one batch.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.imports import Preview
from desktop_app.imports.words import count, outcome_words
from desktop_app.ui.models.preview_table import PreviewTableModel, Row


class ChangePreviewDialog(QDialog):
    """``title`` names the batch ("Import of supplier.xlsx"); ``heading`` says what was read and from where."""

    def __init__(
        self,
        title: str,
        heading: str,
        preview: Preview,
        rows: list[Row],
        *,
        by_line: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(title)
        self.resize(960, 600)
        self.heading = QLabel(heading)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.summary = QLabel(outcome_words(preview, "row" if by_line else "record"))
        self.summary.setWordWrap(True)
        self.model = PreviewTableModel(preview, rows, by_line=by_line, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)
        for column, width in enumerate((64, 70, 400, 130)):
            self.table.setColumnWidth(column, width)
        valid = len(preview.changes)
        errors = len(preview.error_lines)
        self.valid_only = QCheckBox(
            f"Apply the valid {'rows' if by_line else 'records'} ({count(valid, 'change')}; "
            f"the {count(errors, 'row' if by_line else 'record')} with errors are left out)"
        )
        self.valid_only.setVisible(bool(errors) and valid > 0)
        self.valid_only.setEnabled(1 not in preview.error_lines or not by_line)
        if by_line and 1 in preview.error_lines:
            self.valid_only.setToolTip("The header row has errors: fix the file's column names first")
        self.valid_only.toggled.connect(self._update_apply)
        self.note = QLabel(self._note(by_line))
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        buttons = QDialogButtonBox()
        self.apply_button: QPushButton = buttons.addButton(
            f"Apply {count(valid, 'change')}", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.valid_only)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self._update_apply()

    def _note(self, by_line: bool) -> str:
        if not self.preview.changes:
            return "Nothing to apply: every record already has these values." if not self.preview.errors else ""
        source = "rows" if by_line else "records"
        return (
            f"Apply queues one change per record, all together, and sends them; unchanged {source} send nothing. "
            "Until the server confirms them they show in amber and wait in Pending edits."
        )

    def _update_apply(self, *_: object) -> None:
        blocked = bool(self.preview.errors) and not self.valid_only.isChecked()
        self.apply_button.setEnabled(bool(self.preview.changes) and not blocked)
        if self.apply_button.isEnabled():
            self.apply_button.setDefault(True)
        else:
            self.cancel_button.setDefault(True)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        title: str,
        heading: str,
        preview: Preview,
        rows: list[Row],
        *,
        by_line: bool,
    ) -> bool:
        """Whether the person chose Apply (with errors, only after choosing to apply the valid rows)."""
        dialog = cls(title, heading, preview, rows, by_line=by_line, parent=parent)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.release()
            dialog.deleteLater()

    def release(self) -> None:
        """Let go of the preview (its caller frees it, a piece at a time, off the window's thread)."""
        self.table.setModel(None)
        self.model.release()
