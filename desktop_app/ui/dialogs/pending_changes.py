"""The outbox, readable: every edit the server has not confirmed, with retry, discard and conflict decisions.

Opening it from the status bar is how a manager finds out why a number still shows in amber: queued while offline,
refused by the server (with its reason), or changed by someone else meanwhile (keep mine or theirs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.schema import get_resource

if TYPE_CHECKING:
    from desktop_app.store import OutboxEntry
    from desktop_app.ui.workspace import Workspace

_STATES = {"pending": "Waiting to send", "failed": "Refused by the server", "conflict": "Conflict"}


def describe(entry: OutboxEntry) -> str:
    resource = get_resource(entry.type)
    if entry.label:
        return str(entry.label)
    fields = ", ".join(f"{k} → {v}" for k, v in {**entry.attributes, **entry.relationships}.items() if k != "metadata")
    verb = {"create": "New", "update": "Change", "delete": "Delete"}.get(entry.op, entry.op)
    return f"{verb} {resource.label.lower()}" + (f": {fields}" if fields and entry.op != "delete" else "")


class PendingChangesDialog(QDialog):
    """Lists the outbox; every button is one of the workspace's edit methods (which also send what they requeue)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Pending edits")
        self.resize(820, 360)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Queued", "Edit", "Record", "State", "Reason"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.setWordWrap(False)
        self.summary = QLabel()
        self.retry_button = QPushButton("Retry")
        self.discard_button = QPushButton("Discard")
        self.mine_button = QPushButton("Keep mine")
        self.theirs_button = QPushButton("Keep theirs")
        self.send_button = QPushButton("Send now")
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        self.retry_button.clicked.connect(lambda: self._act("retry"))
        self.discard_button.clicked.connect(lambda: self._act("discard"))
        self.mine_button.clicked.connect(lambda: self._act("mine"))
        self.theirs_button.clicked.connect(lambda: self._act("theirs"))
        self.send_button.clicked.connect(workspace.send_now)
        buttons = QHBoxLayout()
        for button in (self.retry_button, self.discard_button, self.mine_button, self.theirs_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.entries: list[OutboxEntry] = []
        workspace.outbox_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.entries = list(self.workspace.cached.outbox.entries())
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            values = [
                str(entry.created_at)[:16].replace("T", " "),
                describe(entry),
                self._record_label(entry),
                _STATES.get(entry.state, entry.state),
                "; ".join(f"{k}: {v}" for k, v in (entry.field_errors or {}).items()) or (entry.error or ""),
            ]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(3)
        count = len(self.entries)
        self.summary.setText(
            "Every edit here is already shown in the tables; it is sent when the server can be reached."
            if count
            else "Nothing waiting: the server has confirmed every edit."
        )
        self._selection_changed()

    def _record_label(self, entry: OutboxEntry) -> str:
        """What the record is called (code, name or SKU code), its id when nothing better is known."""
        record = self.workspace.cached.records.get(entry.type, entry.record_id)
        attributes = record.attributes if record is not None else entry.attributes
        for key in ("code", "name", "sku_code", "priority"):
            if attributes.get(key) not in (None, ""):
                return f"{attributes[key]} ({entry.record_id})"
        return str(entry.record_id)

    def selected(self) -> list[OutboxEntry]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.entries[r] for r in rows if r < len(self.entries)]

    def select_entry(self, entry_id: str) -> None:
        for row, entry in enumerate(self.entries):
            if entry.id == entry_id:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.retry_button.setEnabled(any(e.state == "failed" for e in chosen))
        self.discard_button.setEnabled(bool(chosen))
        conflicts = bool(chosen) and all(e.state == "conflict" for e in chosen)
        self.mine_button.setEnabled(conflicts)
        self.theirs_button.setEnabled(conflicts)
        self.send_button.setEnabled(bool(self.entries) and not self.workspace.forced_offline)

    def _act(self, action: str) -> None:
        for entry in self.selected():
            if action == "retry":
                self.workspace.retry(entry.id)
            elif action == "discard":
                self.workspace.discard(entry.id)
            elif action in ("mine", "theirs"):
                self.workspace.resolve(entry.id, keep="mine" if action == "mine" else "theirs")

    @classmethod
    def open_for(cls, parent: QWidget | None, workspace: Workspace) -> PendingChangesDialog:
        dialog = cls(workspace, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
