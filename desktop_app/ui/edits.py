"""Create, edit, delete and inline edits from the window, all through the workspace's one way in for edits.

Dialogs open through ``RecordDialog.ask``; what they return goes to the workspace, which queues it (cache and outbox
in one transaction, so the table shows it at once) and sends it. When the server refuses with field errors, the edit is
discarded and the dialog reopens as the person left it with each message under its field. Only edits that stand
go on the undo stack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from desktop_app.schema import app_type, get_resource
from desktop_app.ui.models.columns import columns_for
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.outcome import Outcome, Status
from desktop_app.ui.undo import BatchCommand, CreateCommand, DeleteCommand, UpdateCommand, Values

if TYPE_CHECKING:
    from desktop_app.store import CachedRecord
    from desktop_app.sync import BatchEdit
    from desktop_app.ui.workspace import Workspace

log = logging.getLogger(__name__)


def _writable_values(type_: str, record: CachedRecord) -> Values:
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


def _in_metadata(type_: str, record: CachedRecord, changes: dict[str, Any]) -> dict[str, Any]:
    """Cells that show a key of the metadata (a reorder point) change the record's metadata, other keys kept."""
    keys = {c.key: c.metadata_key for c in columns_for(type_) if c.metadata_key}
    if not any(k in keys for k in changes):
        return changes
    from desktop_app.inventory import with_threshold

    metadata = record.attributes.get("metadata")
    updated = dict(metadata) if isinstance(metadata, dict) else {}
    out = {k: v for k, v in changes.items() if k not in keys}
    for key, value in changes.items():
        if key in keys:
            updated = with_threshold(updated, str(keys[key]), value)
    out["metadata"] = updated
    return out


class EditController(QObject):
    """Signals: ``message(text)`` for the status bar, ``created(type, id)`` to select a new row. Refusals before
    anything is queued are reported by the workspace itself (``edit_refused``)."""

    message = Signal(str)
    created = Signal(str, str)

    def __init__(self, window: QWidget, workspace: Workspace, lookups: Lookups, undo_stack: QUndoStack) -> None:
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
        from desktop_app.ui.dialogs.record_dialog import RecordDialog  # dialogs load when first opened, not at start

        answer = RecordDialog.ask(self.window, resource, self.lookups, values=values, errors=errors)
        if answer is not None:
            self.workspace.tasks.spawn(self._submit_create(type_, answer), name=f"create {type_}")

    def edit_record(
        self, type_: str, record_id: str, values: Values | None = None, errors: dict[str, str] | None = None
    ) -> None:
        resource = get_resource(type_)
        record = self.workspace.cached.records.get(type_, record_id)
        if record is None or not app_type(type_).window_edits:
            return
        from desktop_app.ui.dialogs.record_dialog import RecordDialog  # as in new_record

        answer = RecordDialog.ask(self.window, resource, self.lookups, record, values=values, errors=errors)
        if answer is not None and (answer[0] or answer[1]):
            attributes = self.guarded(type_, record_id, answer[0])
            if attributes is None:
                self._reopen(lambda: self.edit_record(type_, record_id, answer))
                return
            answer = (attributes, answer[1])
            self.workspace.tasks.spawn(self._submit_update(type_, record_id, answer), name=f"update {type_}")

    def delete_records(self, type_: str, ids: list[str]) -> None:
        resource = get_resource(type_)
        if not ids or not app_type(type_).window_edits:
            return
        what = resource.label.lower() if len(ids) == 1 else resource.plural_label.lower()
        from desktop_app.ui.dialogs.messages import Messages  # as in new_record

        if not Messages.confirm_delete(self.window, what, [self.record_name(type_, i) for i in ids]):
            return
        self.undo_stack.beginMacro(f"Delete {len(ids)} {what}")
        try:
            for record_id in ids:
                record = self.workspace.cached.records.get(type_, record_id)
                if record is None or not self.workspace.delete(type_, record_id).stands:
                    continue
                values = _writable_values(type_, record)
                text = f"Delete {resource.label.lower()}"
                self.undo_stack.push(DeleteCommand(self.workspace, type_, record_id, values, text))
        finally:
            self.undo_stack.endMacro()

    def submit_batch(self, name: str, edits: Sequence[BatchEdit]) -> Outcome:
        """Many edits as one action (a count, an import, a bulk edit): one batch, one step on the undo stack."""
        outcome = self.workspace.submit_batch(name, edits)
        if outcome.stands:
            self.undo_stack.push(BatchCommand(self.workspace, outcome.batch_id, name))
        return outcome

    def inline_edit(self, type_: str, record_id: str, changes: dict[str, Any]) -> None:
        """A cell edited in the table (the model's ``inline_edit_requested``): queued and sent like a dialog's."""
        record = self.workspace.cached.records.get(type_, record_id)
        if record is None:
            return
        changes = _in_metadata(type_, record, changes)
        before: Values = ({k: record.attributes.get(k) for k in changes}, {})
        guarded = self.guarded(type_, record_id, changes)
        if guarded is None:
            return
        after: Values = (guarded, {})
        if not self.workspace.update(type_, record_id, *after).stands:
            return
        label = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in changes.items())
        self.undo_stack.push(UpdateCommand(self.workspace, type_, record_id, before, after, f"Set {label}"))

    def guarded(self, type_: str, record_id: str, attributes: dict[str, Any]) -> dict[str, Any] | None:
        """``attributes`` as they should be sent, or ``None`` when the person kept a value from going below its
        row's total (a quantity below the reserved one). An ordinary edit carries the type's validating trigger so
        the server refuses what a reservation made since the last sync would leave short; a value the person
        confirmed below the total goes without it, which is what makes the server accept it."""
        rule = app_type(type_).below_total
        if rule is None or not isinstance(attributes.get(rule.attribute), int):
            return attributes
        value = attributes[rule.attribute]
        total = self.lookups.total(rule.total, record_id)
        if value >= total:
            return {**attributes, rule.trigger: True}
        from desktop_app.ui.dialogs.messages import Messages

        field = get_resource(type_).fields[rule.attribute].label.lower()
        text = (
            f"{self.record_name(type_, record_id)}: {field} {value:,} is below the {rule.total} quantity "
            f"({total:,}). Orders already placed would be left {total - value:,} short.\n\n"
            f"Save {value:,} anyway? Commerce Layer accepts it when asked not to check the {rule.total} quantity."
        )
        return dict(attributes) if Messages.confirm_below_total(self.window, text) else None

    def record_name(self, type_: str, record_id: str) -> str:
        """A record as a person knows it: its own name or code, else what it joins ("SKU-1 at Milan Depot")."""
        record = self.workspace.cached.records.get(type_, record_id)
        if record is None:
            return record_id
        own = record.attributes.get("name") or record.attributes.get("code")
        if own:
            return str(own)
        names = []
        # The API lists where before what (stock location, then SKU); people say what first: "SKU at place".
        for rel in reversed(get_resource(type_).to_one):
            entry = self.lookups.by_type.get(rel.target, {}).get(str(record.relationships.get(rel.name)))
            if entry:
                names.append(str(entry.get("name") or entry.get("code")))
        return " at ".join(names) if names else record_id

    def run_action(self, type_: str, record_id: str, trigger: str) -> None:
        """Send one step of a record's life cycle (a transfer's Start picking) as an update of its trigger, through
        the workspace like any edit: offline it waits in the outbox and the row shows it pending. Not undoable: the
        server keeps no way back from most steps."""
        action = app_type(type_).action(trigger)
        queued = self.workspace.update(type_, record_id, {trigger: True})
        if queued.status is Status.QUEUED:
            self.workspace.tasks.spawn(self._submit_action(queued, action.label), name=f"{trigger} {type_}")

    async def _submit_action(self, queued: Outcome, label: str) -> None:
        outcome = await self._judged(queued)
        if outcome.status is Status.REFUSED:
            self.message.emit(f"{label}: the server refused it ({outcome.message})")
        elif outcome.status is Status.SENT:
            self.message.emit(f"{label}: done")

    # -- submitting dialog results ---------------------------------------------------------------------------
    async def _submit_create(self, type_: str, values: Values) -> None:
        outcome = await self._judged(self.workspace.create(type_, *values))
        if not outcome.stands:
            self._reopen(lambda: self.new_record(type_, values, dict(outcome.errors)))
            return
        record_id = self.workspace.current_id(type_, outcome.record_id, outcome.entry_id)
        resource = get_resource(type_)
        command = CreateCommand(
            self.workspace, type_, record_id, outcome.entry_id, values, f"New {resource.label.lower()}"
        )
        self.undo_stack.push(command)
        self.created.emit(type_, record_id)

    async def _submit_update(self, type_: str, record_id: str, values: Values) -> None:
        record = self.workspace.cached.records.get(type_, record_id)
        if record is None:
            return
        before = (
            {k: record.attributes.get(k) for k in values[0]},
            {k: record.relationships.get(k) for k in values[1]},
        )
        outcome = await self._judged(self.workspace.update(type_, record_id, *values))
        if not outcome.stands:
            self._reopen(lambda: self.edit_record(type_, record_id, values, dict(outcome.errors)))
            return
        label = f"Edit {get_resource(type_).label.lower()}"
        self.undo_stack.push(UpdateCommand(self.workspace, type_, record_id, before, values, label))

    async def _judged(self, queued: Outcome) -> Outcome:
        """The server's verdict on a dialog's edit. A refused edit is discarded, so the record shows the server's
        values again while the dialog reopens with the objections under their fields."""
        outcome = await self.workspace.verdict(queued)
        if outcome.status is Status.REFUSED and outcome.entry_id is not None:
            self.workspace.discard(outcome.entry_id)
        elif outcome.message:
            self.message.emit(outcome.message)
        return outcome

    def _reopen(self, opener: Callable[[], None]) -> None:
        """Reopen a dialog outside the running task (a modal loop inside a task would stall the others)."""
        QTimer.singleShot(0, opener)
