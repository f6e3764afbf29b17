"""A filter bar per tab, built from the server filters the resource accepts.

Each input maps to one of Commerce Layer's Ransack keys (``on_hold_true``, ``stock_location_id_eq``,
``created_at_from``); the bar emits them as one dictionary, which the table applies to loaded rows at once and the
client can send as ``filter[q][...]`` for pages the cache does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop_app.schema import Resource, enum_label, lookup_types
from desktop_app.ui.models.lookups import Lookups

_FAR_PAST = QDate(2000, 1, 1)
_TEXT_FIELDS = ("name", "code", "reference", "reference_origin")


@dataclass(frozen=True)
class FilterSpec:
    """One input of the bar: ``kind`` is text, ids, boolean, enum, relation or date; ``key`` the Ransack key."""

    key: str
    label: str
    kind: str
    target: str | None = None
    options: tuple[str, ...] = ()


def filter_specs(resource: Resource) -> list[FilterSpec]:
    """The inputs for ``resource``, from its filter list: ids, switches, text, related records, date ranges."""
    allowed = set(resource.filters)
    specs: list[FilterSpec] = []
    if "id" in allowed:
        specs.append(FilterSpec("id_eq", "ID", "text"))
    for name, field in resource.fields.items():
        if name in allowed and field.type == "boolean":
            specs.append(FilterSpec(name, field.label, "boolean"))
    for name in _TEXT_FIELDS:
        if name in allowed and name in resource.fields:
            specs.append(FilterSpec(f"{name}_cont", resource.fields[name].label, "text"))
    for name, field in resource.fields.items():
        if name in allowed and field.enum:
            specs.append(FilterSpec(f"{name}_eq", field.label, "enum", options=field.enum))
    for rel in resource.to_one:
        if f"{rel.name}_id" in allowed and rel.target in lookup_types():
            specs.append(FilterSpec(f"{rel.name}_id_eq", rel.label, "relation", target=rel.target))
    if "ids" in allowed:
        specs.append(FilterSpec("ids", "IDs (comma-separated)", "ids"))
    for name in ("created_at", "updated_at"):
        for suffix, word in (("_from", "from"), ("_to", "to")):
            if f"{name}{suffix}" in allowed:
                label = resource.fields[name].label.replace(" at", "")
                specs.append(FilterSpec(f"{name}{suffix}", f"{label} {word}", "date"))
    return specs


class FilterBar(QWidget):
    """Inputs in a grid; ``changed(dict)`` carries the Ransack keys with values, only the filled ones."""

    changed = Signal(dict)
    PER_ROW = 4

    def __init__(self, resource: Resource, lookups: Lookups, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resource = resource
        self.lookups = lookups
        self.specs = filter_specs(resource)
        self.inputs: dict[str, QWidget] = {}
        self._stale = True
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._emit)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        for i, spec in enumerate(self.specs):
            row, col = divmod(i, self.PER_ROW)
            label = QLabel(spec.label + ":")
            widget = self._make_input(spec)
            label.setBuddy(widget)
            grid.addWidget(label, row, col * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(widget, row, col * 2 + 1)
            self.inputs[spec.key] = widget
        clear = QPushButton("Clear filters")
        clear.clicked.connect(self.clear)
        rows = (len(self.specs) + self.PER_ROW - 1) // self.PER_ROW
        grid.addWidget(clear, max(rows - 1, 0), self.PER_ROW * 2, Qt.AlignmentFlag.AlignRight)
        for col in range(self.PER_ROW):
            grid.setColumnStretch(col * 2 + 1, 1)

    def _make_input(self, spec: FilterSpec) -> QWidget:
        if spec.kind in ("text", "ids"):
            edit = QLineEdit()
            edit.setClearButtonEnabled(True)
            edit.setPlaceholderText("any")
            edit.textChanged.connect(lambda _: self._debounce.start())
            return edit
        if spec.kind == "date":
            date = QDateEdit()
            date.setCalendarPopup(True)
            date.setDisplayFormat("yyyy-MM-dd")
            date.setMinimumDate(_FAR_PAST)
            date.setSpecialValueText("any")
            date.setDate(_FAR_PAST)
            date.dateChanged.connect(lambda _: self._emit())
            return date
        combo = QComboBox()
        combo.addItem("Any", None)
        if spec.kind == "boolean":
            combo.addItem("Yes", True)
            combo.addItem("No", False)
        elif spec.kind == "enum":
            for option in spec.options:
                combo.addItem(enum_label(option), option)
        combo.currentIndexChanged.connect(lambda _: self._emit())
        return combo

    def refresh_choices(self, *, force: bool = False) -> None:
        """Related records' names changed (after a sync): refill the relation lists, keeping the choice.

        Lists of thousands of SKUs cost real time to build, so a hidden bar only notes that it must refill."""
        if not self.isVisible() and not force:
            self._stale = True
            return
        self._stale = False
        for spec in self.specs:
            if spec.kind != "relation" or spec.target is None:
                continue
            combo = self.inputs[spec.key]
            assert isinstance(combo, QComboBox)
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("Any", None)
            entries = sorted(
                self.lookups.by_type.get(spec.target, {}), key=lambda i: self.lookups.label(spec.target or "", i)
            )
            for record_id in entries:
                combo.addItem(self.lookups.label(spec.target, record_id), record_id)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh_choices()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.specs:
            widget = self.inputs[spec.key]
            if isinstance(widget, QLineEdit):
                text = widget.text().strip()
                if text:
                    out[spec.key] = [t.strip() for t in text.split(",") if t.strip()] if spec.kind == "ids" else text
            elif isinstance(widget, QDateEdit):
                if widget.date() != _FAR_PAST:
                    end = spec.key.endswith("_to")
                    moment = widget.dateTime()
                    moment.setTime(QTime(23, 59, 59) if end else QTime(0, 0))
                    out[spec.key] = datetime.fromtimestamp(moment.toSecsSinceEpoch(), tz=UTC)
            elif isinstance(widget, QComboBox):
                value = widget.currentData()
                if value is None:
                    continue
                if spec.kind == "boolean":
                    out[f"{spec.key}_{'true' if value else 'false'}"] = True
                else:
                    out[spec.key] = value
        return out

    def set_value(self, key: str, value: Any) -> None:
        """Fill one input programmatically (tests, links from the details pane)."""
        widget = self.inputs[key]
        if self._stale:
            self.refresh_choices(force=True)
        if isinstance(widget, QLineEdit):
            widget.setText(",".join(value) if isinstance(value, list) else str(value))
            self._emit()
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(widget.findData(value), 0))
        elif isinstance(widget, QDateEdit):
            widget.setDate(QDate(value.year, value.month, value.day))

    def active_count(self) -> int:
        return len(self.values())

    def clear(self) -> None:
        for widget in self.inputs.values():
            widget.blockSignals(True)
            if isinstance(widget, QLineEdit):
                widget.clear()
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(0)
            elif isinstance(widget, QDateEdit):
                widget.setDate(_FAR_PAST)
            widget.blockSignals(False)
        self._emit()

    def _emit(self) -> None:
        self._debounce.stop()
        self.changed.emit(self.values())
