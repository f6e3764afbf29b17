"""How a form shows what is wrong with it: every bad input framed in the error colour with its message under it, and
one line at the top naming each field to fix, so all the problems are seen at once (even those scrolled out of view)
and the cursor lands on the first.

The error colour follows the palette: the dark red that reads on a light window is too dim on a dark one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

LIGHT_ERROR = "#c62828"
DARK_ERROR = "#ff7b72"
#: The property a bad input carries (``invalid="true"``); the form's style sheet frames it.
INVALID = "invalid"
_STYLE = """
QLabel[fieldError="true"] {{ color: {colour}; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"], QTableWidget[invalid="true"] {{
    border: 1px solid {colour}; border-radius: 3px; padding: 2px;
}}
"""


def error_colour(palette: QPalette) -> str:
    """The error colour that reads on this palette's window (light or dark)."""
    return DARK_ERROR if palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5 else LIGHT_ERROR


def summary(labels: Sequence[str]) -> str:
    """ "Check 2 fields: Stock location, Quantity." — the one line naming everything to fix."""
    if not labels:
        return ""
    if len(labels) == 1:
        return f"Check {labels[0]}."
    return f"Check {len(labels):,} fields: {', '.join(labels)}."


class FormErrors(QObject):
    """The errors of one form. ``add(key, input, caption)`` registers a field and returns the line for its message;
    ``show({key: message})`` marks those fields and clears the others; ``clear(key)`` one field (as it is typed in).
    ``summary`` is the line for the top of the form. Colours follow the form's palette when the theme changes."""

    def __init__(self, form: QWidget) -> None:
        super().__init__(form)
        self.form = form
        self._colour = ""
        self._fields: dict[str, tuple[QWidget, QLabel, str]] = {}
        self._notes: list[str] = []
        self._apply()
        form.installEventFilter(self)
        self.summary = self.error_label()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        changes = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if watched is self.form and event.type() in changes:
            self._apply()
        return False

    def _apply(self) -> None:
        colour = error_colour(self.form.palette())
        if colour != self._colour:  # setting a style sheet sends palette events of its own: only on a real change
            self._colour = colour
            self.form.setStyleSheet(_STYLE.format(colour=colour))

    @property
    def colour(self) -> str:
        return self._colour

    def error_label(self) -> QLabel:
        label = QLabel()
        label.setProperty("fieldError", True)
        label.setWordWrap(True)
        label.hide()
        return label

    def add(self, key: str, framed: QWidget, caption: str) -> QLabel:
        label = self.error_label()
        self._fields[key] = (framed, label, caption)
        return label

    def show(self, problems: Mapping[str, str], notes: Sequence[str] = ()) -> None:
        """Mark every field of ``problems`` at once (the others clear); ``notes``: lines for the top about no field.
        The cursor goes to the first bad field, in the form's order."""
        self._notes = list(notes)
        for key, (framed, label, _caption) in self._fields.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
            _frame(framed, key in problems)
        self._update_summary()
        first = self.first_bad()
        if first is not None:
            first.setFocus()

    def clear(self, key: str) -> None:
        framed, label, _caption = self._fields[key]
        label.clear()
        label.hide()
        _frame(framed, False)
        self._update_summary()

    def message(self, key: str) -> str:
        label = self._fields[key][1]
        return label.text() if not label.isHidden() else ""

    def bad(self) -> list[str]:
        """The keys of the fields marked now, in the form's order."""
        return [key for key, (framed, _label, _caption) in self._fields.items() if is_marked(framed)]

    def first_bad(self) -> QWidget | None:
        keys = self.bad()
        return self._fields[keys[0]][0] if keys else None

    def _update_summary(self) -> None:
        lines = [summary([self._fields[key][2] for key in self.bad()]), *self._notes]
        self.summary.setText("\n".join(line for line in lines if line))
        self.summary.setVisible(bool(self.summary.text()))


def _frame(widget: QWidget, bad: bool) -> None:
    if bool(widget.property(INVALID)) == bad:
        return
    widget.setProperty(INVALID, bad)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def is_marked(widget: QWidget) -> bool:
    """Whether ``widget`` is framed as wrong."""
    return bool(widget.property(INVALID))
