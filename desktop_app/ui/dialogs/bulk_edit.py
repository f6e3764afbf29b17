"""Edit ▸ Change rows…: one field set on the selected rows, or on every row the filters and the find leave.

The fields offered come from the resource description (:func:`bulk_fields`); a number can be set, or raised or
lowered by an amount; a yes/no field or a choice is picked from a list. The value is read by the field's own rules
here (a message under it names what is wrong), and the preview that follows shows every record's old → new.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.imports.bulk import BulkChange, BulkField, parse_change
from desktop_app.schema import FieldError, enum_label
from desktop_app.ui.models.resource_table import NEGATIVE_COLOUR

#: How a number changes: set to the value, or raised or lowered by it.
HOW = (("set", "Set to"), ("add", "Add"), ("subtract", "Subtract"))


class BulkEditDialog(QDialog):
    """``noun`` is the rows' plural ("stock items"); ``selected`` and ``shown`` count the two choices of rows."""

    def __init__(
        self, fields: Sequence[BulkField], noun: str, selected: int, shown: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Change {noun}")
        self.fields = tuple(fields)
        self.field_box = QComboBox()
        for field in self.fields:
            self.field_box.addItem(field.label, field.key)
        self.how_box = QComboBox()
        for key, text in HOW:
            self.how_box.addItem(text, key)
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText("A number")
        self.choice_box = QComboBox()
        self.value_stack = QStackedWidget()
        self.value_stack.addWidget(self.value_edit)
        self.value_stack.addWidget(self.choice_box)
        self.error = QLabel()
        palette = self.error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, NEGATIVE_COLOUR)
        self.error.setPalette(palette)
        self.error.setWordWrap(True)
        self.selected_button = QRadioButton(f"The {selected:,} selected {noun if selected != 1 else _one(noun)}")
        self.shown_button = QRadioButton(f"All {shown:,} {noun} shown (after the filters and the find)")
        self.selected_button.setEnabled(selected > 0)
        self.shown_button.setEnabled(shown > 0)
        (self.selected_button if selected > 0 else self.shown_button).setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.selected_button)
        group.addButton(self.shown_button)
        form = QFormLayout()
        form.addRow("Field", self.field_box)
        form.addRow("Change", self.how_box)
        form.addRow("Value", self.value_stack)
        form.addRow("", self.error)
        form.addRow("Rows", self.selected_button)
        form.addRow("", self.shown_button)
        self.form = form
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Preview…")
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.change: BulkChange | None = None
        self.field_box.currentIndexChanged.connect(self._field_changed)
        self.how_box.currentIndexChanged.connect(self._how_changed)
        self.value_edit.textChanged.connect(lambda _: self.error.clear())
        self._field_changed()

    @property
    def field(self) -> BulkField:
        return self.fields[self.field_box.currentIndex()]

    def _field_changed(self, *_: object) -> None:
        field = self.field
        self.how_box.setCurrentIndex(0)
        self.form.setRowVisible(1, field.numeric)
        self.choice_box.clear()
        if field.type == "boolean":
            self.choice_box.addItem("Yes", "true")
            self.choice_box.addItem("No", "false")
        elif field.choices:
            for choice in field.choices:
                self.choice_box.addItem(enum_label(choice), choice)
        self.value_stack.setCurrentWidget(self.choice_box if self.choice_box.count() else self.value_edit)
        self._how_changed()

    def _how_changed(self, *_: object) -> None:
        field = self.field
        adding = self.how_box.currentData() != "set"
        if field.metadata_key and not adding:
            self.value_edit.setPlaceholderText("A whole number, or empty for none")
        else:
            self.value_edit.setPlaceholderText("An amount" if adding else "A number")
        self.error.clear()

    def set_choice(self, field_key: str, how: str = "set", value: str = "") -> None:
        """Pick a field, a way and a value as a person would (``how``: set, add or subtract)."""
        self.field_box.setCurrentIndex(next(i for i, f in enumerate(self.fields) if f.key == field_key))
        self.how_box.setCurrentIndex(next(i for i, (key, _) in enumerate(HOW) if key == how))
        if self.value_stack.currentWidget() is self.choice_box:
            self.choice_box.setCurrentIndex(max(0, self.choice_box.findData(value)))
        else:
            self.value_edit.setText(value)

    def try_accept(self) -> None:
        how = self.how_box.currentData() if self.field.numeric else "set"
        text = (
            str(self.choice_box.currentData())
            if self.value_stack.currentWidget() is self.choice_box
            else self.value_edit.text()
        )
        try:
            self.change = parse_change(self.field, text, add=how == "add", subtract=how == "subtract")
        except FieldError as error:
            self.error.setText(f"{self.field.label}: {error.message}")
            return
        self.accept()

    @property
    def all_shown(self) -> bool:
        return self.shown_button.isChecked()

    @classmethod
    def ask(
        cls, parent: QWidget | None, fields: Sequence[BulkField], noun: str, selected: int, shown: int
    ) -> tuple[BulkChange, bool] | None:
        """The change and whether it goes to every shown row (else the selected ones); ``None``: cancelled."""
        dialog = cls(fields, noun, selected, shown, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.change is None:
            return None
        return dialog.change, dialog.all_shown


def _one(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") else noun
