"""The Changes view: what the last syncs changed in the cache, grouped by type, biggest quantity drops first.

It reads only the cache (the record of past syncs), so it opens offline too; a filter narrows it by name, type or
change, and Export writes what is shown as CSV.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.history import change_line, record_name, when_words
from desktop_app.schema import get_resource

if TYPE_CHECKING:
    from desktop_app.store.history import Change
    from desktop_app.ui.workspace import Workspace


class ChangesView(QDialog):
    """The changes of the last sync (or the last few), one group per type."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Changes from the last syncs")
        self.resize(820, 520)
        self.which = QComboBox()
        runs = workspace.sync_runs()
        for count in range(1, max(1, len(runs)) + 1):
            when = f" (since {when_words(runs[count - 1][1])})" if runs else ""
            self.which.addItem(("The last sync" if count == 1 else f"The last {count} syncs") + when, count)
        self.which.currentIndexChanged.connect(self.reload)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name, type or change…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Record", "Change", "Quantity change", "Synced"])
        self.tree.setColumnWidth(0, 260)
        self.tree.setColumnWidth(1, 300)
        self.tree.setColumnWidth(2, 130)
        self.summary = QLabel()
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._export)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.which)
        top.addWidget(self.filter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree)
        layout.addLayout(bottom)
        self.rows: list[tuple[Change, str]] = []
        self.reload()

    def reload(self) -> None:
        last = int(self.which.currentData() or 1)
        records = self.workspace.cached.records
        changes = sorted(self.workspace.changes(last=last), key=lambda c: (c.type, c.quantity_delta, c.record_id))
        self.rows = [(c, record_name(records, c.type, c.record_id, c.attributes, c.relationships)) for c in changes]
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for change, name in self.rows:
            group = groups.get(change.type)
            if group is None:
                group = QTreeWidgetItem([get_resource(change.type).plural_label])
                groups[change.type] = group
                self.tree.addTopLevelItem(group)
            delta = change.quantity_delta
            QTreeWidgetItem(
                group,
                [name, "; ".join(change_line(change)), f"{delta:+,}" if delta else "", when_words(change.synced_at)],
            )
        for type_, group in groups.items():
            count = group.childCount()
            group.setText(0, f"{get_resource(type_).plural_label} ({count:,})")
            group.setExpanded(True)
        for column, widest in ((0, 440), (1, 420)):  # names and changes in full where they fit, not cut at 260
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, max(200, min(widest, self.tree.columnWidth(column))))
        self.summary.setText(f"{len(self.rows):,} records changed" if self.rows else "No changes recorded yet")
        self._apply_filter(self.filter.text())

    def _groups(self) -> list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]]:
        out = []
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            if group is not None:
                children = [group.child(i) for i in range(group.childCount())]
                out.append((group, [child for child in children if child is not None]))
        return out

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for group, children in self._groups():
            shown = 0
            for child in children:
                words = " ".join(child.text(c) for c in range(4)) + " " + group.text(0)
                hidden = bool(needle) and needle not in words.lower()
                child.setHidden(hidden)
                shown += not hidden
            group.setHidden(shown == 0)

    def visible_rows(self) -> list[tuple[str, str, str]]:
        """(type label, record, change) of the rows shown (tests and the export read this)."""
        out = []
        for group, children in self._groups():
            for child in children:
                if not child.isHidden():
                    out.append((group.text(0).rsplit(" (", 1)[0], child.text(0), child.text(1)))
        return out

    def export_to(self, path: Path) -> int:
        shown = {(label, name, words) for label, name, words in self.visible_rows()}
        count = 0
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["synced_at", "type", "id", "name", "event", "quantity_change", "changes"])
            for change, name in self.rows:
                words = "; ".join(change_line(change))
                if (get_resource(change.type).plural_label, name, words) not in shown:
                    continue
                writer.writerow(
                    [change.synced_at, change.type, change.record_id, name, change.event, change.quantity_delta, words]
                )
                count += 1
        return count

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export changes", "changes.csv", "CSV files (*.csv)")
        if path:
            count = self.export_to(Path(path))
            self.summary.setText(f"Exported {count:,} rows to {path}")
