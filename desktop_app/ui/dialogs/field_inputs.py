"""Inputs generated from a field's description: text, number, switch, choice, date, key/value metadata, and a
relationship picker that searches the cache by name or code.

Each input reads and writes plain Python values; turning text into a field's type goes through
:func:`desktop_app.schema.parse_text`, so a bad number reads "priority - must be an integer" here as everywhere.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.schema import Field, FieldError, display, duration_words, enum_label, parse_duration, parse_text
from desktop_app.ui.models.lookups import Lookups


class FieldInput:
    """Common face of every input: ``widget``, ``value()`` (may raise FieldError) and ``set_value()``."""

    widget: QWidget

    @property
    def framed(self) -> QWidget:
        """The widget a form frames when the value is wrong (the table of a metadata input, not its buttons)."""
        return self.widget

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class TextInput(FieldInput):
    def __init__(self, field: Field) -> None:
        self.field = field
        self.widget = self.edit = QLineEdit()
        if field.type in ("integer", "float"):
            self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.edit.setMaximumWidth(160)
        if field.type == "datetime":
            self.edit.setPlaceholderText("2024-03-01T09:00:00Z")

    def value(self) -> Any:
        return parse_text(self.field, self.edit.text())

    def set_value(self, value: Any) -> None:
        self.edit.setText(display(self.field, value) if value is not None else "")


class DurationInput(TextInput):
    """A duration typed as a person says it ("1 hour 30 minutes", "90m") or in seconds, and shown in words."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.edit.setPlaceholderText("e.g. 1 hour 30 minutes")
        self.edit.setToolTip("Seconds, or words: 1 hour 30 minutes, 90m, 2 days. None for no time at all.")

    def value(self) -> Any:
        return parse_duration(self.field, self.edit.text())

    def set_value(self, value: Any) -> None:
        self.edit.setText(duration_words(value, exact=True) if value is not None else "")


class SwitchInput(FieldInput):
    def __init__(self, field: Field) -> None:
        self.field = field
        self.widget = self.box = QCheckBox()

    def value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))


class ChoiceInput(FieldInput):
    def __init__(self, field: Field) -> None:
        self.field = field
        self.widget = self.combo = QComboBox()
        if not field.required:
            self.combo.addItem("(none)", None)
        for option in field.enum or ():
            self.combo.addItem(enum_label(option), option)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        self.combo.setCurrentIndex(max(self.combo.findData(value), 0))


def key_value_table() -> QTableWidget:
    """An empty two-column Key / Value table, the value column taking the width (metadata, here and in the
    details pane)."""
    table = QTableWidget(0, 2)
    table.setHorizontalHeaderLabels(["Key", "Value"])
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return table


class MetadataInput(FieldInput):
    """Metadata as rows of key and value; values that look like JSON (numbers, true, lists) keep their type."""

    def __init__(self, field: Field) -> None:
        self.field = field
        self.widget = QWidget()
        self.table = key_value_table()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(96)
        add = QPushButton("Add key")
        add.clicked.connect(lambda: self.add_row("", ""))
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    @property
    def framed(self) -> QWidget:
        return self.table

    def add_row(self, key: str, value: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(key))
        self.table.setItem(row, 1, QTableWidgetItem(value))

    def _remove(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def value(self) -> Any:
        import json

        out: dict[str, Any] = {}
        for row in range(self.table.rowCount()):
            key_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            key = key_item.text().strip() if key_item else ""
            text = value_item.text() if value_item else ""
            if not key:
                if text.strip():
                    raise FieldError(self.field.name, f"row {row + 1} has a value but no key", "invalid")
                continue
            if key in out:
                raise FieldError(self.field.name, f"key {key!r} appears twice", "invalid")
            try:
                parsed = json.loads(text)
                out[key] = parsed if not isinstance(parsed, str) else text
            except ValueError:
                out[key] = text
        return out

    def set_value(self, value: Any) -> None:
        import json

        self.table.setRowCount(0)
        for key, item in sorted((value or {}).items()):
            self.add_row(str(key), item if isinstance(item, str) else json.dumps(item))


class RelationshipInput(FieldInput):
    """An editable list of related records; typing filters by code, name or id (the cache's lookup)."""

    def __init__(self, name: str, target: str, lookups: Lookups, required: bool) -> None:
        self.name = name
        self.target = target
        self.lookups = lookups
        self.widget = self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("type a name or code")
        if not required:
            self.combo.addItem("", None)
        for record_id, label in lookups.search(target, "", limit=100_000):
            self.combo.addItem(label, record_id)
        completer = QCompleter(self.combo.model(), self.combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.setCompleter(completer)
        self.combo.setMinimumWidth(280)

    def value(self) -> Any:
        text = self.combo.currentText().strip()
        if not text:
            return None
        index = self.combo.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return self.combo.itemData(index)
        matches = self.lookups.search(self.target, text, limit=2)
        if len(matches) == 1:
            return matches[0][0]
        if text in self.lookups.by_type.get(self.target, {}):
            return text
        raise FieldError(self.name, f"no single record matches {text!r}", "unknown_id")

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        if index < 0 and value:
            self.combo.addItem(self.lookups.label(self.target, str(value)), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(max(index, 0))
        line = self.combo.lineEdit()
        if line is not None:
            line.setCursorPosition(0)  # show the start (the code) when the text is wider than the box


def input_for(field: Field, *, duration: bool = False) -> FieldInput:
    """The input a field is typed in; ``duration`` when its type says the field holds one (seconds)."""
    if duration:
        return DurationInput(field)
    if field.name == "metadata" or field.type == "object":
        return MetadataInput(field)
    if field.type == "boolean":
        return SwitchInput(field)
    if field.enum:
        return ChoiceInput(field)
    return TextInput(field)
