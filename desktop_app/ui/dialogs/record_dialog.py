"""Create and edit dialogs generated from the resource description.

Every writable attribute gets an input chosen by its type (metadata as key/value rows, enums as lists, switches for
booleans) and every writable to-one relationship a picker; each input has an error line under it, filled by our own
checks before anything is sent and by the server's 422 ``field_errors`` after. Every problem shows at once: each bad
input framed, its message under it, and a line at the top naming them all (see :mod:`field_marks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop_app.schema import Field, FieldError, Resource, app_type, get_resource, lookup_types
from desktop_app.ui.dialogs.field_inputs import FieldInput, RelationshipInput, TextInput, input_for
from desktop_app.ui.dialogs.field_marks import FormErrors
from desktop_app.ui.models.columns import columns_for
from desktop_app.ui.models.lookups import Lookups, RecordLike

_ORDER = ("code", "name", "priority", "quantity", "on_hold", "strategy")


class ThresholdInput(TextInput):
    """A threshold kept in the metadata (a reorder point), typed in a field of its own and read by the same rule
    as its table cell (:func:`~desktop_app.inventory.parse_threshold`)."""

    def __init__(self, name: str, key: str) -> None:
        super().__init__(Field(name, "integer", "", True, True, False, False, False, False, minimum=0))
        self.key = key

    def value(self) -> Any:
        from desktop_app.inventory import parse_threshold

        return parse_threshold(self.edit.text(), self.key)


def _with_keys(metadata: Any, kept: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata rows with the keys typed in their own fields put back (an empty field removes its key), as an
    inline edit of the same cells puts them (:func:`~desktop_app.inventory.with_threshold`)."""
    from desktop_app.inventory import with_threshold

    merged = dict(metadata) if isinstance(metadata, Mapping) else {}
    for key, value in kept.items():
        merged = with_threshold(merged, key, value)
    return merged


class RecordDialog(QDialog):
    """``values()`` returns ``(attributes, relationships)`` to send: everything filled for a create, only what
    changed for an edit. ``show_errors({field: message})`` puts each message under its field."""

    def __init__(
        self,
        resource: Resource,
        lookups: Lookups,
        record: RecordLike | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.resource = resource
        self.record = record
        self.creating = record is None
        verb = "New" if self.creating else "Edit"
        self.setWindowTitle(f"{verb} {resource.label.lower()}")
        self.inputs: dict[str, FieldInput] = {}
        self.form_errors = FormErrors(self)
        self.general_error = self.form_errors.summary
        form_host = QWidget()
        self.form = QFormLayout(form_host)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for rel in resource.to_one:
            if (rel.creatable if self.creating else rel.updatable) and rel.target in lookup_types():
                required = rel.required and not rel.required_unless
                shared = sum(other.target == rel.target for other in resource.to_one) > 1  # origin and destination
                label = rel.label if shared else get_resource(rel.target).label
                self._add_row(rel.name, label, RelationshipInput(rel.name, rel.target, lookups, required), required)
        durations = app_type(resource.type).durations
        for field in self._fields():
            self._add_row(field.name, field.label, input_for(field, duration=field.name in durations), field.required)
        #: Keys of the metadata with a field of their own (a reorder point), by that field's name; the metadata
        #: rows leave them out, so each value is asked for once.
        self.in_metadata: dict[str, str] = {}
        if "metadata" in self.inputs:
            for column in columns_for(resource.type):
                if column.metadata_key and column.inline_edit and column.key not in self.inputs:
                    self.in_metadata[column.key] = column.metadata_key
                    self._add_row(column.key, column.label, ThresholdInput(column.key, column.metadata_key), False)
        if record is not None:
            self.set_values(record.attributes, record.relationships)
        scroll = self.scroll_area = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self.resize(560, min(760, 140 + 46 * len(self.inputs)))
        self._values: tuple[dict[str, Any], dict[str, Any]] | None = None

    def _fields(self) -> list[Any]:
        # A related record picked by name already sets what its ``<relationship>_code`` attribute would (a stock
        # item's SKU and ``sku_code``): one field per thing, so the form never asks for the SKU twice.
        picked = {name for name, i in self.inputs.items() if isinstance(i, RelationshipInput)}
        wanted = [
            f
            for f in self.resource.fields.values()
            if not f.trigger
            and f.name != "id"
            and (f.creatable if self.creating else f.updatable)
            and not (f.name.endswith("_code") and f.name.removesuffix("_code") in picked)
        ]
        rank = {name: i for i, name in enumerate(_ORDER)}
        wanted.sort(key=lambda f: (rank.get(f.name, len(rank)), f.name == "metadata"))
        return wanted

    def _add_row(self, name: str, label: str, field_input: FieldInput, required: bool) -> None:
        error = self.form_errors.add(name, field_input.framed, label)
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field_input.widget)
        column.addWidget(error)
        caption = QLabel(f"{label}{' *' if required else ''}:")
        caption.setBuddy(field_input.widget)
        self.form.addRow(caption, cell)
        self.inputs[name] = field_input

    # -- values and errors -----------------------------------------------------------------------------------
    def collect(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Read every input; raises a ``{field: message}`` dict (as ``ValueError`` args) when any is wrong."""
        attributes: dict[str, Any] = {}
        relationships: dict[str, Any] = {}
        problems: dict[str, str] = {}
        kept: dict[str, Any] = {}  # the metadata keys with fields of their own, as typed
        for name, key in self.in_metadata.items():
            try:
                kept[key] = self.inputs[name].value()
            except FieldError as exc:
                problems[name] = exc.message
        for name, field_input in self.inputs.items():
            if name in self.in_metadata:
                continue
            try:
                value = field_input.value()
                if name == "metadata" and self.in_metadata and not problems:
                    value = _with_keys(value, kept)
                app_type(self.resource.type).check({name: value})
            except FieldError as exc:
                problems[name] = exc.message
                continue
            is_rel = isinstance(field_input, RelationshipInput)
            target = relationships if is_rel else attributes
            if self.creating:
                if value is None or value == {}:
                    if self._required(name) and value is None:
                        problems[name] = "can't be blank"
                    continue
                target[name] = value
            else:
                assert self.record is not None
                old = (self.record.relationships if is_rel else self.record.attributes).get(name)
                if value != old and not (value in (None, {}) and old in (None, {})):
                    if value is None and self._required(name):
                        problems[name] = "can't be blank"
                        continue
                    target[name] = value
        if problems:
            raise ValueError(problems)
        return attributes, relationships

    def _required(self, name: str) -> bool:
        if name in self.resource.relationships:
            rel = self.resource.relationships[name]
            return rel.required and not rel.required_unless
        return self.resource.fields[name].required

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """All the problems at once: each message under its field with the input framed, and a line at the top
        naming every field to fix (messages about no field of the form go there too); the cursor goes to the first."""
        bad: dict[str, str] = {}
        notes = []
        for name, message in errors.items():
            key = name.removesuffix("_id") if name.removesuffix("_id") in self.inputs else name
            if key in self.inputs:
                bad.setdefault(key, message)
            else:
                notes.append(f"{name.replace('_', ' ')}: {message}" if name else message)
        self.form_errors.show(bad, notes)
        first = self.form_errors.first_bad()
        if first is not None:
            self.scroll_area.ensureWidgetVisible(first)

    def error_for(self, name: str) -> str:
        return self.form_errors.message(name)

    def summary_text(self) -> str:
        """The line at the top of the dialog ("Check 2 fields: Stock location, Quantity."), empty when all is well."""
        return self.general_error.text() if not self.general_error.isHidden() else ""

    def set_values(self, attributes: Mapping[str, Any], relationships: Mapping[str, Any]) -> None:
        for name, value in {**attributes, **relationships}.items():
            shown = value
            if name == "metadata" and isinstance(value, Mapping) and self.in_metadata:
                for field_name, key in self.in_metadata.items():
                    self.inputs[field_name].set_value(value.get(key))
                shown = {k: v for k, v in value.items() if k not in self.in_metadata.values()}
            if name in self.inputs and name not in self.in_metadata:
                self.inputs[name].set_value(shown)

    def try_accept(self) -> None:
        try:
            self._values = self.collect()
        except ValueError as exc:
            self.show_errors(exc.args[0])
            return
        self.show_errors({})
        self.accept()

    def values(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        return self._values

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        resource: Resource,
        lookups: Lookups,
        record: RecordLike | None = None,
        *,
        values: tuple[Mapping[str, Any], Mapping[str, Any]] | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Open the dialog and wait; ``(attributes, relationships)`` to send, or ``None`` when cancelled.
        ``values``/``errors`` reopen it as the person left it, with the server's objections shown."""
        dialog = cls(resource, lookups, record, parent)
        if values is not None:
            dialog.set_values(*values)
        if errors:
            dialog.show_errors(errors)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()
