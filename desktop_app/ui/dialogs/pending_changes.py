"""The outbox, readable: every edit the server has not confirmed, with retry, discard and conflict decisions.

Opening it from the status bar is how a manager finds out why a number still shows in amber: queued while offline,
refused by the server (with its reason), or changed by someone else meanwhile (keep mine or theirs).
"""

from __future__ import annotations

from collections.abc import Sequence
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
from desktop_app.ui.dialogs.pending_rows import CacheNames, FieldChange, field_changes, reason, record_name

if TYPE_CHECKING:
    from desktop_app.store import OutboxEntry
    from desktop_app.ui.workspace import Workspace

_STATES = {"pending": "Waiting to send", "failed": "Refused by the server", "conflict": "Conflict"}
#: Column titles and what each holds (the header's tooltip).
_HEADERS = (
    ("Queued", "When the edit was made (UTC)"),
    ("Record", "The record the edit changes"),
    ("Change", "The fields the edit changes, one per line"),
    ("Before", "The server's value when you made the edit"),
    ("Yours", "The value you set"),
    ("Theirs", "For a conflict: the server's value now, set by someone else meanwhile"),
    ("State", "Waiting to send, refused by the server, or a conflict to decide"),
    ("Reason", "Why the edit is still here"),
)
_QUEUED, _RECORD, _CHANGE, _BEFORE, _YOURS, _THEIRS, _STATE, _REASON = range(len(_HEADERS))


def describe(entry: OutboxEntry, changes: Sequence[FieldChange] = ()) -> str:
    """The edit in one sentence, then each field as old → new (the tooltip of its row)."""
    resource = get_resource(entry.type)
    verb = {"create": "New", "update": "Change", "delete": "Delete"}.get(entry.op, entry.op)
    lines = [str(entry.label) if entry.label else f"{verb} {resource.label.lower()}"]
    for change in changes if entry.op != "delete" else ():
        theirs = f" (theirs: {change.theirs})" if change.theirs else ""
        lines.append(f"{change.label}: {change.before} → {change.yours}{theirs}")
    return "\n".join(lines)


class PendingChangesDialog(QDialog):
    """Lists the outbox; every button is one of the workspace's edit methods (which also send what they requeue)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Pending edits")
        self.resize(1100, 420)
        self.table = QTableWidget(0, len(_HEADERS))
        self.table.setHorizontalHeaderLabels([title for title, _ in _HEADERS])
        for column, (_, tip) in enumerate(_HEADERS):
            header_item = self.table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(_REASON, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        # One line per changed field; a reason longer than its column is whole in its tooltip. (Wrapping would tie
        # every row's height to the column's width, measured again at each resize.)
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
        from desktop_app.ui.dialogs.batch_panel import BatchPanel

        #: Batches (a count, an import, a bulk edit) as one row each; their waiting edits are not listed below.
        self.batch_panel = BatchPanel(workspace, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.batch_panel, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.entries: list[OutboxEntry] = []
        workspace.outbox_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.entries = self.workspace.cached.outbox.loose_entries()
        records = self.workspace.cached.records
        names = CacheNames(records)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            changes = field_changes(entry, names, records)
            values = [
                str(entry.created_at)[:16].replace("T", " "),
                record_name(entry, names, records),
                "\n".join(c.label for c in changes),
                "\n".join(c.before for c in changes),
                "\n".join(c.yours for c in changes),
                "\n".join(c.theirs for c in changes),
                _STATES.get(entry.state, entry.state),
                reason(entry),
            ]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.id)
                item.setToolTip(describe(entry, changes) if column in (_CHANGE, _BEFORE, _YOURS, _THEIRS) else text)
                side = (
                    Qt.AlignmentFlag.AlignRight if column in (_BEFORE, _YOURS, _THEIRS) else Qt.AlignmentFlag.AlignLeft
                )
                item.setTextAlignment(side | Qt.AlignmentFlag.AlignTop)
                self.table.setItem(row, column, item)
        for column in (_QUEUED, _RECORD, _CHANGE, _BEFORE, _YOURS, _THEIRS, _STATE):
            self.table.resizeColumnToContents(column)
        self.table.setColumnWidth(_RECORD, min(self.table.columnWidth(_RECORD), 440))
        self.table.resizeRowsToContents()
        count = len(self.entries)
        conflicts = sum(e.state == "conflict" for e in self.entries)
        self.summary.setText(
            f"{conflicts:,} {'conflict' if conflicts == 1 else 'conflicts'}: the server's value changed after your "
            "edit. Compare Before, Yours and Theirs, then keep mine or theirs."
            if conflicts
            else "Every edit here is already shown in the tables; it is sent when the server can be reached."
            if count
            else "Nothing waiting: the server has confirmed every edit."
        )
        self._selection_changed()

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
