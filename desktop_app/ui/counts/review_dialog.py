"""Review & apply: the count's differences only, and for a quantity that moved on the server after it was counted,
the choice between the counted number and the counted number adjusted by what moved since."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.counts import Choice, Review, ReviewLine
from desktop_app.ui.counts.lines_model import difference_colour, signed

HEADERS = ("SKU", "Name", "Change", "In the cache now", "Counted", "Moved since counted", "New quantity", "Note")
NEW, NOTE = 6, 7
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _action(line: ReviewLine) -> str:
    if line.action == "create":
        return "New stock item"
    return "Not counted: set to zero" if line.counted is None else "Update"


class ReviewDialog(QDialog):
    def __init__(self, review: Review, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review = review
        self.choices: dict[str, Choice] = {}
        self.setWindowTitle(f"Review the count of {review.location_name}")
        self.resize(960, 520)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(review.lines), len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.combos: dict[str, QComboBox] = {}
        for row, line in enumerate(review.lines):
            self._fill(row, line)
        self._colour()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self._update()

    @classmethod
    def ask(cls, parent: QWidget | None, review: Review) -> dict[str, Choice] | None:
        """The person's choices for the lines that moved (by SKU id), or ``None`` when they cancel."""
        dialog = cls(review, parent)
        return dialog.choices if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _fill(self, row: int, line: ReviewLine) -> None:
        counted = "" if line.counted is None else f"{line.counted:,}"
        moved = signed(line.moved) if line.drifted else ""
        cells = (line.code, line.name, _action(line), f"{line.current:,}", counted, moved)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column >= 3:
                item.setTextAlignment(_RIGHT)
            if column == 5 and line.drifted:
                item.setToolTip(
                    f"The cache said {line.expected or 0:,} when this was counted and says {line.current:,} now"
                )
            self.table.setItem(row, column, item)
        if line.drifted:
            combo = QComboBox()
            combo.addItem(f"{line.target('adjusted'):,}: counted, adjusted by what moved since", "adjusted")
            combo.addItem(f"{line.target('counted'):,}: as counted", "counted")
            combo.currentIndexChanged.connect(lambda _i, sku=line.sku_id: self._chosen(sku))
            self.combos[line.sku_id] = combo
            self.choices[line.sku_id] = "adjusted"
            self.table.setCellWidget(row, NEW, combo)
        else:
            item = QTableWidgetItem(f"{line.target():,}")
            item.setTextAlignment(_RIGHT)
            self.table.setItem(row, NEW, item)

    def _colour(self) -> None:
        """Each new quantity in the colour of its direction, for the palette shown now (set again when it changes:
        a dark green on a dark window would not read)."""
        for row, line in enumerate(self.review.lines):
            item = self.table.item(row, NEW)
            if item is None or line.drifted:
                continue
            colour = difference_colour(line.target() - line.current, QApplication.palette())
            item.setForeground(colour if colour is not None else QApplication.palette().color(QPalette.ColorRole.Text))

    def changeEvent(self, event: QEvent) -> None:
        changed = event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange)
        if changed and hasattr(self, "table"):
            self._colour()
        super().changeEvent(event)

    def _chosen(self, sku_id: str) -> None:
        data = self.combos[sku_id].currentData()
        self.choices[sku_id] = "counted" if data == "counted" else "adjusted"
        self._update()

    def choose(self, sku_id: str, choice: Choice) -> None:
        """Pick ``choice`` for a line that moved (tests, and the keyboard's way in)."""
        combo = self.combos[sku_id]
        combo.setCurrentIndex(combo.findData(choice))

    def _notes(self) -> None:
        """Under the reserved quantity, placed orders would fall short: said on the line, at the number chosen."""
        for row, line in enumerate(self.review.lines):
            short = line.short_of_reserved(self.choices.get(line.sku_id, "adjusted"))
            text = f"{line.reserved:,} reserved: orders would lack {short:,}" if short else ""
            item = QTableWidgetItem(text)
            if short:
                item.setToolTip("Placed orders reserve more than this quantity; applying leaves them short")
            self.table.setItem(row, NOTE, item)

    def _update(self) -> None:
        self._notes()
        edits = self.review.edits(self.choices)
        creates = sum(1 for e in edits if e.action == "create")
        updates = len(edits) - creates
        drifted = len(self.review.drifted)
        parts = [
            text
            for number, text in (
                (updates, f"{updates:,} update{'s' if updates != 1 else ''}"),
                (creates, f"{creates:,} new stock item{'s' if creates != 1 else ''}"),
                (self.review.unchanged, f"{self.review.unchanged:,} counted as the cache says"),
            )
            if number
        ]
        moved = (
            f" {drifted:,} line{'s' if drifted != 1 else ''} moved on the server after being counted: choose the "
            "number to keep under New quantity."
            if drifted
            else ""
        )
        rest = "set to zero" if self.review.count.uncounted_zero else "left as they are"
        self.summary.setText(
            f"<b>{len(edits):,} change{'s' if len(edits) != 1 else ''}</b>"
            + (f" ({', '.join(parts)})" if parts else "")
            + f"; items not counted are {rest}.{moved}<br>"
            f"Applied as one batch: <b>{self.review.batch_name}</b>."
        )
        self.apply_button.setText(
            f"Apply {len(edits):,} change{'s' if len(edits) != 1 else ''}" if edits else "Close count"
        )
