"""The batches part of Pending edits: each batch with its progress, time left, refusals by record, cancel and undo.

A batch of a thousand edits is one row here, not a thousand: its progress bar moves as the server answers (the
workspace's ``batch_progress``, a few times a second at most), which costs one summary query per tick, so the window
stays responsive while a batch goes. The refusals of the batch chosen are listed below it, each record by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.dialogs.pending_rows import CacheNames, record_name
from desktop_app.ui.outcome import Outcome, Status

if TYPE_CHECKING:
    from desktop_app.store import Batch
    from desktop_app.ui.workspace import Workspace

#: Batches shown: the newest, and any older one still sending or with refusals.
SHOWN = 20
#: Edits a cancel drops (or an undo takes back) on the window's thread; more in the workspace's worker thread.
INLINE_CANCEL = 200
_NAME, _PROGRESS, _STATE = range(3)


def state_words(batch: Batch, time_left: str = "") -> str:
    """What a batch is doing, in words: "Sending: about 2 minutes left", "3 refused", "Done"."""
    parts = []
    if batch.waiting:
        parts.append(f"Sending: {time_left}" if time_left else f"{batch.waiting:,} waiting to send")
    if batch.failed:
        parts.append(f"{batch.failed:,} refused or in conflict")
    if batch.cancelled:
        parts.append(f"{batch.cancelled:,} cancelled")
    if not parts:
        parts.append("Done")
    return "; ".join(parts)


class BatchPanel(QWidget):
    """Every button calls the workspace (cancel_batch, undo_batch); the panel itself only reads."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Batch", "Sent", "State"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(_STATE, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(_PROGRESS, 220)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.errors = QListWidget()
        self.errors.setMaximumHeight(110)
        self.errors_title = QLabel()
        self.cancel_button = QPushButton("Cancel unsent")
        self.cancel_button.setToolTip("Drop the edits of this batch not sent yet; what the server has stays")
        self.undo_button = QPushButton("Undo batch")
        self.undo_button.setToolTip("Send the changes that take this batch back, as a new batch")
        self.cancel_button.clicked.connect(self._cancel)
        self.undo_button.clicked.connect(self._undo)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Batches"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.errors_title)
        layout.addWidget(self.errors)
        self.batches: list[Batch] = []
        workspace.batch_progress.connect(self.refresh)
        workspace.outbox_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.selected()
        every = self.workspace.batches()
        self.batches = [b for n, b in enumerate(every) if n < SHOWN or b.waiting or b.failed]
        self.setVisible(bool(self.batches))
        if self.table.rowCount() != len(self.batches):
            self.table.setRowCount(len(self.batches))
        for row, batch in enumerate(self.batches):
            self._show(row, batch)
        if chosen is not None:
            self.select_batch(chosen.id)
        self._selection_changed()

    def _show(self, row: int, batch: Batch) -> None:
        when = batch.created_at[:16].replace("T", " ")
        name = QTableWidgetItem(batch.name)
        name.setData(Qt.ItemDataRole.UserRole, batch.id)
        name.setToolTip(f"{batch.name}\nqueued {when} (UTC)" + "".join(f"\nnot undone: {n}" for n in batch.notes))
        self.table.setItem(row, _NAME, name)
        bar = self.table.cellWidget(row, _PROGRESS)
        if not isinstance(bar, QProgressBar):
            bar = QProgressBar()
            self.table.setCellWidget(row, _PROGRESS, bar)
        bar.setRange(0, max(batch.total, 1))
        bar.setValue(batch.sent)
        bar.setFormat(f"{batch.sent:,} / {batch.total:,}")
        state = state_words(batch, self.workspace.time_left(batch))
        self.table.setItem(row, _STATE, QTableWidgetItem(state))

    def selected(self) -> Batch | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.batches[min(rows)] if rows and min(rows) < len(self.batches) else None

    def select_batch(self, batch_id: str) -> None:
        for row, batch in enumerate(self.batches):
            if batch.id == batch_id:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        batch = self.selected()
        self.cancel_button.setEnabled(batch is not None and batch.waiting + batch.failed > 0)
        self.undo_button.setEnabled(batch is not None and batch.state != "cancelled")
        self.errors.clear()
        if batch is None or not batch.failed:
            self.errors_title.setText("")
            self.errors.setVisible(False)
            return
        self.errors_title.setText(f"Refused or in conflict in “{batch.name}”:")
        self.errors.setVisible(True)
        cached = self.workspace.cached
        names = CacheNames(cached.records)
        for line in self.workspace.batch_lines(batch.id):
            if line.state not in ("failed", "conflict"):
                continue
            entry = cached.outbox.entry(line.entry_id)  # a refused edit waits in the outbox for a decision
            unnamed = record_name(entry, names, cached.records) if entry else f"{line.type} {line.record_id}"
            name = line.line_label or unnamed
            errors = line.field_errors or {}
            why = "changed on the server meanwhile" if line.state == "conflict" else None
            why = why or "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in errors.items()) or line.error or "refused"
            self.errors.addItem(f"{name}: {why}")

    def _cancel(self) -> None:
        batch = self.selected()
        if batch is None:
            return
        if batch.waiting <= INLINE_CANCEL:
            self.message.setText(self.workspace.cancel_batch(batch.id).message)
            return
        self.message.setText(f"Cancelling {batch.waiting:,} unsent changes…")
        self.cancel_button.setEnabled(False)
        self.workspace.tasks.spawn(self._cancel_later(batch.id), name="cancel batch")

    async def _cancel_later(self, batch_id: str) -> None:
        """A batch of thousands of unsent edits is dropped in the workspace's worker thread (each record rewritten
        back to the server's values: seconds of SQLite work the window must not wait for)."""
        outcome = await self.workspace.cancel_batch_later(batch_id)
        self.message.setText(outcome.message)

    def _undo(self) -> None:
        batch = self.selected()
        if batch is None:
            return
        if batch.total <= INLINE_CANCEL:
            self._undone(self.workspace.undo_batch(batch.id))
            return
        self.message.setText(f"Undoing {batch.name}…")
        self.undo_button.setEnabled(False)
        self.workspace.tasks.spawn(self._undo_later(batch.id), name="undo batch")

    async def _undo_later(self, batch_id: str) -> None:
        """A batch of thousands is undone in the workspace's worker thread, as it was applied."""
        self._undone(await self.workspace.undo_batch_later(batch_id))

    def _undone(self, outcome: Outcome) -> None:
        if outcome.status is Status.REFUSED:
            self.message.setText(outcome.message)
            return
        undo = next((b for b in self.workspace.batches() if b.id == outcome.batch_id), None)
        self.message.setText("; ".join(f"Not undone: {n}" for n in undo.notes) if undo and undo.notes else "")
        self.select_batch(outcome.batch_id)
