"""Count: the window's view for counting a stock location's shelves, fully offline.

One entry line takes everything (a keyboard-wedge scanner types a code and Enter): a SKU code, then its counted
quantity, or in scan-to-count mode one more per scan. The entry never gives the focus away: the table, the buttons
and the check boxes take no focus, and a wrong code is a message under the entry with a beep, so the next scan
lands where it should. Each line is in the cache file before the entry clears (see ``desktop_app.counts``); the
view opens on the last unfinished count, as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QPalette, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.counts import CountEntry, Counting, Step, batch_name, review
from desktop_app.ui.counts.lines_model import CODE, NAME, CountLinesModel, KeyRole, difference_colour
from desktop_app.ui.counts.review_dialog import ReviewDialog
from desktop_app.ui.dialogs.messages import Messages
from desktop_app.ui.outcome import Outcome, Status
from desktop_app.ui.undo import BatchCommand

if TYPE_CHECKING:
    from collections.abc import Mapping

    from desktop_app.counts import Choice, Review
    from desktop_app.ui.workspace import Workspace


#: Changes of a count queued on the window's thread; a larger count is queued in the workspace's worker thread.
INLINE_APPLY = 200


class CountView(QWidget):
    """Signals: ``message(text)`` for the window's status line (a count applied, or refused)."""

    message = Signal(str)

    def __init__(
        self, workspace: Workspace, undo_stack: QUndoStack | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.undo_stack = undo_stack
        self.store = workspace.counts
        self.counting: Counting | None = None
        self.entry_state: CountEntry | None = None
        self.location = QComboBox()
        self.location.setPlaceholderText("Pick a stock location…")
        self.location.setMinimumContentsLength(24)
        self.location.activated.connect(lambda _index: self._location_picked())
        self.scan_mode = QCheckBox("Scan to count: each scan is one more")
        self.scan_mode.toggled.connect(self._scan_mode_changed)
        self.uncounted_zero = QCheckBox("Items not counted are zero")
        self.uncounted_zero.setToolTip("Applying sets every stock item of this location that was not counted to 0")
        self.uncounted_zero.toggled.connect(self._uncounted_zero_changed)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.entry = QLineEdit()
        self.entry.setClearButtonEnabled(True)
        font = QFont(self.entry.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.entry.setFont(font)
        self.entry.returnPressed.connect(self.submit)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.entry, self._cancel, context=Qt.ShortcutContext.WidgetShortcut)
        self.feedback = QLabel(" ")
        self._error = False
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.model = CountLinesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.remove_button = QPushButton("Remove line")
        self.remove_button.clicked.connect(self.remove_selected)
        self.abandon_button = QPushButton("Abandon count")
        self.abandon_button.clicked.connect(self.abandon)
        self.review_button = QPushButton("Review && apply…")
        self.review_button.clicked.connect(self.review_and_apply)
        for widget in (self.table, self.remove_button, self.abandon_button, self.review_button):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click never takes the scanner's keystrokes away
        for box in (self.scan_mode, self.uncounted_zero):
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._layout()
        self.fill_locations()
        self.resume()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Stock location"))
        top.addWidget(self.location)
        top.addSpacing(16)
        top.addWidget(self.scan_mode)
        top.addWidget(self.uncounted_zero)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.abandon_button)
        buttons.addStretch(1)
        buttons.addWidget(self.review_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.heading)
        layout.addWidget(self.entry)
        layout.addWidget(self.feedback)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # -- which count -------------------------------------------------------------------------------------------
    def fill_locations(self) -> None:
        """The stock locations of the cache by name (a sync may bring new ones)."""
        chosen = self.location.currentData()
        self.location.clear()
        for location_id, name in self.store.locations().items():
            self.location.addItem(name, location_id)
        if chosen is not None:
            self.location.setCurrentIndex(self.location.findData(chosen))

    def resume(self) -> None:
        """Open on the last unfinished count, where it was; without one, wait for a location to be picked."""
        counting = Counting.resume(self.store)
        if counting is not None:
            self.location.setCurrentIndex(self.location.findData(counting.location_id))
        self._open(counting)

    def _location_picked(self) -> None:
        location_id = self.location.currentData()
        if isinstance(location_id, str):
            self.open_location(location_id)
        self.focus_entry()

    def open_location(self, location_id: str) -> None:
        """Count this location: its unfinished count resumed, or a new one started."""
        self.location.setCurrentIndex(self.location.findData(location_id))
        name = self.location.currentText() or location_id
        self._open(Counting.start(self.store, location_id, name))

    def _open(self, counting: Counting | None) -> None:
        self.counting = counting
        self.entry_state = CountEntry(counting, scan_mode=self.scan_mode.isChecked()) if counting else None
        self.model.set_rows(counting.lines() if counting else [])
        self.uncounted_zero.blockSignals(True)
        self.uncounted_zero.setChecked(bool(counting and counting.count.uncounted_zero))
        self.uncounted_zero.blockSignals(False)
        self._say(" ")
        self._update()

    # -- entering ----------------------------------------------------------------------------------------------
    def focus_entry(self) -> None:
        self.entry.setFocus()
        self.entry.selectAll()

    def submit(self) -> Step | None:
        """Enter in the entry line: a code, or the quantity of the code before it."""
        text = self.entry.text()
        self.entry.clear()
        if self.entry_state is None:
            self._say("Pick the stock location you are counting first", error=True)
            QApplication.beep()
            return None
        step = self.entry_state.submit(text)
        if step.line is not None:
            row = self.model.put(step.line)
            self.table.resizeColumnToContents(CODE)  # a longer code than the column's: shown whole, not elided
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        if not step.ok:
            QApplication.beep()
        self._say(step.message or " ", error=not step.ok)
        self._update()
        self.entry.setFocus()
        return step

    def _cancel(self) -> None:
        if self.entry_state is not None and self.entry_state.waiting is not None:
            self._say(f"{self.entry_state.waiting.code} not counted")
            self.entry_state.cancel()
        self.entry.clear()
        self._update()

    def _scan_mode_changed(self, on: bool) -> None:
        if self.entry_state is not None:
            self.entry_state.scan_mode = on
            self.entry_state.cancel()
        self._update()
        self.focus_entry()

    def _uncounted_zero_changed(self, on: bool) -> None:
        if self.counting is not None:
            self.counting.set_uncounted_zero(on)
        self._update()
        self.focus_entry()

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self.counting is not None and rows:
            sku_id = str(rows[0].data(KeyRole))
            self.counting.remove(sku_id)
            self.model.remove(sku_id)
            self._say("Line removed")
            self._update()
        self.focus_entry()

    # -- finishing ---------------------------------------------------------------------------------------------
    def abandon(self) -> None:
        if self.counting is None:
            return
        name = self.counting.location_name
        if not Messages.confirm_abandon_count(self, name, len(self.model.rows)):
            self.focus_entry()
            return
        self.counting.abandon()
        self._open(None)
        self.location.setCurrentIndex(-1)
        self.message.emit(f"Count of {name} abandoned: nothing was changed")
        self.focus_entry()

    def review_and_apply(self) -> None:
        """Show what differs; applied as one batch when the person says so."""
        if self.counting is None:
            return
        seen = review(self.store, self.counting.count)
        choices = ReviewDialog.ask(self, seen)
        if choices is None:
            self.focus_entry()
            return
        if len(seen.edits(choices)) <= INLINE_APPLY:
            self._applied(seen, self.workspace.apply_count(seen, choices))
            return
        self._say(f"Applying {seen.batch_name}…")
        self.review_button.setEnabled(False)
        self.workspace.tasks.spawn(self._apply_later(seen, choices), name="apply count")

    async def _apply_later(self, seen: Review, choices: Mapping[str, Choice]) -> None:
        """A count of a whole location (thousands of lines) is queued in the workspace's worker thread."""
        try:
            outcome = await self.workspace.apply_count_later(seen, choices)
        finally:
            self.review_button.setEnabled(True)
        self._applied(seen, outcome)

    def _applied(self, seen: Review, outcome: Outcome) -> None:
        if outcome.status is Status.REFUSED:
            self._say(outcome.message, error=True)
            self.message.emit(outcome.message)
            return
        if outcome.batch_id and self.undo_stack is not None:  # Ctrl+Z undoes the whole count, as one batch
            self.undo_stack.push(BatchCommand(self.workspace, outcome.batch_id, seen.batch_name))
        changes = len(outcome.entry_ids)
        text = (
            f"{seen.batch_name}: {changes:,} change{'s' if changes != 1 else ''} queued"
            if changes
            else f"{seen.batch_name}: the shelves agree with the cache, nothing to change"
        )
        self.message.emit(text)
        self._open(None)
        self.location.setCurrentIndex(-1)
        self._say(f"Applied. {text}")
        self.focus_entry()

    # -- showing -----------------------------------------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        self._error = error
        self.feedback.setText(text)
        self._colour_feedback()

    def _colour_feedback(self) -> None:
        """An error in the palette's red (bold), anything else in the palette's own text colour: computed again
        when the palette changes, so a switch to dark never leaves dark text on a dark window."""
        palette = QPalette()  # resolves to the application's: the normal text colour, light or dark
        if self._error:
            colour = difference_colour(-1, QApplication.palette())
            if colour is not None:
                palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.feedback.setPalette(palette)
        font = self.feedback.font()
        font.setBold(self._error)
        self.feedback.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        changed = event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange)
        if changed and hasattr(self, "feedback"):  # not while the constructor is still building the view
            self._colour_feedback()
        super().changeEvent(event)

    def _update(self) -> None:
        counting = self.counting
        self.entry.setPlaceholderText(
            self.entry_state.prompt() if self.entry_state else "Pick a stock location, then scan or type SKU codes"
        )
        for button in (self.remove_button, self.abandon_button, self.review_button):
            button.setEnabled(counting is not None)
        self.uncounted_zero.setEnabled(counting is not None)
        if counting is None:
            self.heading.setText(
                "Count a stock location: pick it, then scan or type what is on its shelves."
                if self.location.count()
                else "The cache holds no stock locations yet: refresh (F5) once the server can be reached."
            )
            return
        rows = self.model.rows
        differ = sum(1 for r in rows if r.difference)
        started = batch_name(counting.location_name, counting.count.started_at).split(", ", 1)[1]
        rest = "set to zero" if counting.count.uncounted_zero else "left as they are"
        counted = f"{len(rows):,} SKU{'s' if len(rows) != 1 else ''} counted"
        differs = f"{differ:,} differ{'s' if differ == 1 else ''} from the cache"
        self.heading.setText(
            f"<b>Count of {counting.location_name}</b>, started {started} · {counted}, {differs} · "
            f"items not counted are {rest}"
        )
