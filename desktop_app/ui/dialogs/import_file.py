"""File ▸ Import…: which spreadsheet, and what its rows are (stock items, stock levels, whatever the description
lets a spreadsheet create and update). Nothing is read here; the preview reads the file off the window's thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.imports.files import EXCEL_SUFFIXES
from desktop_app.schema import app_type, get_resource, import_types

#: What the file chooser offers first (anything else is read as CSV).
FILE_FILTER = "Spreadsheets (*.csv *.txt " + " ".join(f"*{s}" for s in sorted(EXCEL_SUFFIXES)) + ");;All files (*)"


class ImportFileDialog(QDialog):
    """A file and a type; OK only once a file is named."""

    def __init__(self, chosen_type: str | None = None, folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.folder = folder
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("A .csv or .xlsx file whose first row names the columns")
        self.path_edit.setMinimumWidth(380)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.type_box = QComboBox()
        for type_ in import_types():
            self.type_box.addItem(get_resource(type_).plural_label, type_)
        if chosen_type in import_types():
            self.type_box.setCurrentIndex(import_types().index(chosen_type))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.type_box.currentIndexChanged.connect(self._update_hint)
        form = QFormLayout()
        form.addRow("File", row)
        form.addRow("Rows are", self.type_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Preview…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.path_edit.textChanged.connect(self._update_ok)
        self._update_hint()
        self._update_ok()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a spreadsheet", self.folder, FILE_FILTER)
        if path:
            self.path_edit.setText(path)

    def _update_hint(self, *_: object) -> None:
        type_ = self.chosen_type
        resource = get_resource(type_)
        keys = " and ".join(resource.relationships[k].label.lower() for k in app_type(type_).import_key)
        self.hint.setText(
            f"Each row names its {keys} (by id, code or name) and the fields to set. A row matching a "
            f"{resource.label.lower()} in the cache updates it; any other row creates one. You see every change "
            "before anything is sent."
        )

    def _update_ok(self, *_: object) -> None:
        self.ok_button.setEnabled(bool(self.path_edit.text().strip()))

    @property
    def chosen_type(self) -> str:
        return str(self.type_box.currentData())

    @property
    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    @classmethod
    def ask(cls, parent: QWidget | None, chosen_type: str | None = None, folder: str = "") -> tuple[Path, str] | None:
        """The file and the type of its rows, or ``None`` when the person cancelled."""
        dialog = cls(chosen_type, folder, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.path, dialog.chosen_type
