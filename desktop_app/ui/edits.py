"""Create, edit, delete and inline edits from the window, all through the one edit path (the workspace's Editor).

Dialogs open through ``RecordDialog.ask``; what they return is queued with the Editor (cache and outbox in one
transaction, so the table shows it at once), then pushed. When the server refuses with field errors, the edit is
discarded and the dialog reopens as the person left it with each message under its field. Only edits that stand
go on the undo stack.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from desktop_app.errors import StockroomError
from desktop_app.schema import FieldError, app_type, get_resource
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.undo import CreateCommand, DeleteCommand, UpdateCommand, Values

log = logging.getLogger(__name__)


def _writable_values(type_: str, record: Any) -> Values:
    """What it takes to create ``record`` again (undoing a delete)."""
    resource = get_resource(type_)
    attributes = {
        k: v
        for k, v in record.attributes.items()
        if k in resource.fields and resource.fields[k].creatable and not resource.fields[k].trigger and v is not None
    }
    if isinstance(attributes.get("metadata"), dict):
        attributes["metadata"] = {k: v for k, v in attributes["metadata"].items() if k != "stockroom_op"}
    relationships = {
        k: v
        for k, v in record.relationships.items()
        if k in resource.relationships and resource.relationships[k].creatable and v
    }
    return attributes, relationships


class EditController(QObject):
    """Signals: ``message(text)`` for the status bar, ``created(type, id)`` to select a new row."""

    message = Signal(str)
    created = Signal(str, str)

    def __init__(self, window: QWidget, workspace: Any, lookups: Lookups, undo_stack: QUndoStack) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.lookups = lookups
        self.undo_stack = undo_stack

    # -- from the window -------------------------------------------------------------------------------------
    def new_record(self, type_: str, values: Values | None = None, errors: dict[str, str] | None = None) -> None:
        resource = get_resource(type_)
        if not app_type(type_).window_edits:
            self.message.emit(f"{resource.plural_label} are read-only here")
            return
        from desktop_app.ui.dialogs.record_dialog import RecordDialog

        answer = RecordDialog.ask(self.window, resource, self.lookups, values=values, errors=errors)
        if answer is not None:
            self.workspace.tasks.spawn(self._submit_create(type_, answer), name=f"create {type_}")

    def edit_record(
        self, type_: str, record_id: str, values: Values | None = None, errors: dict[str, str] | None = None
    ) -> None:
        resource = get_resource(type_)
        record = self.workspace.cache.records.get(type_, record_id)
        if record is None or not app_type(type_).window_edits:
            return
        from desktop_app.ui.dialogs.record_dialog import RecordDialog

        answer = RecordDialog.ask(self.window, resource, self.lookups, record, values=values, errors=errors)
        if answer is not None and (answer[0] or answer[1]):
            self.workspace.tasks.spawn(self._submit_update(type_, record_id, answer), name=f"update {type_}")

    def delete_records(self, type_: str, ids: list[str]) -> None:
        resource = get_resource(type_)
        if not ids or not app_type(type_).window_edits:
            return
        what = resource.label.lower() if len(ids) == 1 else resource.plural_label.lower()
        from desktop_app.ui.dialogs.messages import Messages

        if not Messages.confirm_delete(self.window, what, len(ids)):
            return
        self.undo_stack.beginMacro(f"Delete {len(ids)} {what}")
        try:
            for record_id in ids:
                record = self.workspace.cache.records.get(type_, record_id)
                if record is None:
                    continue
                try:
                    self.apply_delete(type_, record_id)
                except (StockroomError, FieldError) as exc:
                    self.message.emit(str(exc))
                    continue
                values = _writable_values(type_, record)
                self.undo_stack.push(DeleteCommand(self, type_, record_id, values, f"Delete {resource.label.lower()}"))
        finally:
            self.undo_stack.endMacro()

    def inline_edit(self, type_: str, record_id: str, changes: dict[str, Any]) -> None:
        record = self.workspace.cache.records.get(type_, record_id)
        if record is None:
            return
        before: Values = ({k: record.attributes.get(k) for k in changes}, {})
        after: Values = (dict(changes), {})
        try:
            self.apply_update(type_, record_id, after)
        except (StockroomError, FieldError) as exc:
            self.message.emit(str(exc))
            return
        label = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in changes.items())
        self.undo_stack.push(UpdateCommand(self, type_, record_id, before, after, f"Set {label}"))

    # -- submitting dialog results ---------------------------------------------------------------------------
    async def _submit_create(self, type_: str, values: Values) -> None:
        try:
            entry = self.workspace.editor.create(type_, values[0], values[1])
        except FieldError as exc:
            problem = {exc.field: exc.message}
            self._reopen(lambda: self.new_record(type_, values, problem))
            return
        self.workspace.records_changed.emit(type_, [entry.record_id])
        errors = await self._push_and_check(entry)
        if errors is not None:
            self._reopen(lambda: self.new_record(type_, values, errors))
            return
        record_id = self.current_id(type_, entry.record_id, entry.id)
        resource = get_resource(type_)
        self.undo_stack.push(CreateCommand(self, type_, record_id, entry.id, values, f"New {resource.label.lower()}"))
        self.created.emit(type_, record_id)

    async def _submit_update(self, type_: str, record_id: str, values: Values) -> None:
        record = self.workspace.cache.records.get(type_, record_id)
        if record is None:
            return
        before = (
            {k: record.attributes.get(k) for k in values[0]},
            {k: record.relationships.get(k) for k in values[1]},
        )
        try:
            entry = self.workspace.editor.update(type_, record_id, attributes=values[0], relationships=values[1])
        except FieldError as exc:
            problem = {exc.field: exc.message}
            self._reopen(lambda: self.edit_record(type_, record_id, values, problem))
            return
        self.workspace.records_changed.emit(type_, [record_id])
        errors = await self._push_and_check(entry)
        if errors is not None:
            self._reopen(lambda: self.edit_record(type_, record_id, values, errors))
            return
        label = f"Edit {get_resource(type_).label.lower()}"
        self.undo_stack.push(UpdateCommand(self, type_, record_id, before, values, label))

    async def _push_and_check(self, entry: Any) -> dict[str, str] | None:
        """Send now; ``None`` when the edit stands (sent, or queued while offline), else the server's objections
        (and the refused edit is discarded so the record shows the server's values again)."""
        await self.workspace.push()
        current = self.workspace.cache.outbox.entry(entry.id)
        if current is None or current.state != "failed":
            if current is not None and current.state == "pending":
                self.message.emit("Saved here; it will be sent when the server can be reached")
            return None
        errors = dict(current.field_errors or {}) or {"": current.error or "the server refused the change"}
        self.workspace.editor.discard(current.id)
        self.workspace.records_changed.emit(entry.type, [entry.record_id])
        self.workspace.outbox_changed.emit()
        return errors

    def _reopen(self, opener: Any) -> None:
        """Reopen a dialog outside the running task (a modal loop inside a task would stall the others)."""
        QTimer.singleShot(0, opener)

    # -- the edit path the undo commands use -----------------------------------------------------------------
    def apply_update(self, type_: str, record_id: str, values: Values) -> None:
        self.workspace.editor.update(type_, record_id, attributes=values[0] or None, relationships=values[1] or None)
        self.workspace.edited(type_, [record_id])

    def apply_create(self, type_: str, values: Values) -> tuple[str, str]:
        entry = self.workspace.editor.create(type_, values[0], values[1])
        self.workspace.edited(type_, [entry.record_id])
        return entry.record_id, entry.id

    def apply_delete(self, type_: str, record_id: str) -> None:
        self.workspace.editor.delete(type_, record_id)
        self.workspace.edited(type_, [record_id])

    def current_id(self, type_: str, record_id: str, entry_id: str | None) -> str:
        """A record created here has a temporary id until the server confirms it; find it under its new one."""
        if entry_id is None or self.workspace.cache.records.get(type_, record_id) is not None:
            return record_id
        if entry_id in self.workspace.confirmed_ids:
            return str(self.workspace.confirmed_ids[entry_id])
        for record in self.workspace.cache.records.find(type_):
            if (record.attributes.get("metadata") or {}).get("stockroom_op") == entry_id:
                return str(record.id)
        return record_id
