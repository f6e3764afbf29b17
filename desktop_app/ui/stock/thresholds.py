"""Setting reorder points from the window, for one row or many: asked once, then each record's metadata updated
through the workspace (the one door for edits) as one undo step. Other metadata keys are sent as they are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QInputDialog, QWidget

from desktop_app.inventory import REORDER_POINT, parse_threshold
from desktop_app.inventory.threshold_edits import threshold_changes
from desktop_app.schema import FieldError, get_resource
from desktop_app.ui.undo import UpdateCommand

if TYPE_CHECKING:
    from desktop_app.ui.workspace import Workspace


class ThresholdDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, what: str, current: int | None) -> str | None:
        """The text typed (empty clears), or ``None`` when cancelled."""
        text, ok = QInputDialog.getText(
            parent,
            "Reorder point",
            f"Reorder point for {what} (a whole number; empty for none):",
            text="" if current is None else str(current),
        )
        return text if ok else None


def set_thresholds(
    workspace: Workspace,
    undo_stack: QUndoStack | None,
    type_: str,
    ids: Sequence[str],
    value: int | None,
    *,
    name: str = REORDER_POINT,
) -> int:
    """Queue the change on every record of ``ids``; returns how many changed. One undo step for them all."""
    changes = threshold_changes(workspace.cached.records, type_, ids, name, value)
    if not changes:
        return 0
    what = name.replace("_", " ")
    text = f"Set {what} to {value:,}" if value is not None else f"Clear {what}"
    if undo_stack is not None:
        undo_stack.beginMacro(text)
    changed = 0
    try:
        for change_type, record_id, attributes in changes:
            record = workspace.cached.records.get(change_type, record_id)
            before = {"metadata": record.attributes.get("metadata") if record else None}
            if not workspace.update(change_type, record_id, attributes).stands:
                continue
            changed += 1
            if undo_stack is not None:
                undo_stack.push(UpdateCommand(workspace, change_type, record_id, (before, {}), (attributes, {}), text))
    finally:
        if undo_stack is not None:
            undo_stack.endMacro()
    return changed


def ask_and_set(
    parent: QWidget | None,
    workspace: Workspace,
    undo_stack: QUndoStack | None,
    type_: str,
    ids: Sequence[str],
    *,
    current: int | None = None,
) -> str | None:
    """Ask for the reorder point of ``ids`` and set it; returns a sentence for the status bar (``None``: cancelled)."""
    if not ids:
        return None
    resource = get_resource(type_)
    what = f"{len(ids):,} {resource.plural_label.lower()}" if len(ids) > 1 else f"this {resource.label.lower()}"
    text = ThresholdDialog.ask(parent, what, current)
    if text is None:
        return None
    try:
        value = parse_threshold(text)
    except FieldError as exc:
        return str(exc).replace("_", " ")
    changed = set_thresholds(workspace, undo_stack, type_, ids, value)
    noun = resource.label.lower() if changed == 1 else resource.plural_label.lower()
    return f"Reorder point {'cleared' if value is None else f'set to {value:,}'} on {changed:,} {noun}"
