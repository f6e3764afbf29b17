"""Small dialogs: an error without a traceback, a delete confirmation, a value below its row's total, abandoning a
count, About.

Each opens through a function tests can replace; the error dialog keeps the technical details (the log has the
traceback) behind "Show details" so a person reads one sentence first.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


class Messages:
    """Namespace of ``ask``-style functions; tests replace one attribute."""

    @classmethod
    def error(cls, parent: QWidget | None, title: str, text: str, details: str = "") -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
        if details:
            box.setDetailedText(details)
        box.exec()

    @classmethod
    def confirm_delete(cls, parent: QWidget | None, what: str, names: list[str]) -> bool:
        """Delete only what the person sees named: the record, or the first few of the selection and how many more."""
        count = len(names)
        shown = names[:5]
        listed = "\n".join(f"  • {name}" for name in shown)
        if count > len(shown):
            listed += f"\n  … and {count - len(shown):,} more"
        text = f"Delete {what} {names[0]}?" if count == 1 else f"Delete these {count:,} {what}?\n\n{listed}"
        answer = QMessageBox.question(
            parent,
            "Delete",
            text + "\n\nThe deletion is sent to the server; Undo creates the record again with a new id.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def confirm_below_total(cls, parent: QWidget | None, text: str) -> bool:
        """Whether to save a value below a total of its row (a quantity below the reserved one); Cancel is the
        default."""
        return below_total_box(parent, text).exec() == QMessageBox.StandardButton.Save

    @classmethod
    def confirm_abandon_count(cls, parent: QWidget | None, location: str, lines: int) -> bool:
        """Whether to drop a count and the lines counted so far (nothing on the server changes); Cancel is the
        default, so a stray Enter from a scanner never throws a count away."""
        counted = f"the {lines:,} line{'s' if lines != 1 else ''} counted so far" if lines else "this empty count"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Abandon count",
            f"Abandon the count of {location} and {counted}? Nothing is sent and the stock stays as it is.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            parent,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Discard

    @classmethod
    def about(cls, parent: QWidget | None) -> None:
        from desktop_app import __version__

        QMessageBox.about(
            parent,
            "About Stockroom",
            f"<h3>Stockroom {__version__}</h3>"
            "<p>Inventory models, stock levels and stock items of a Commerce Layer organisation, "
            "online and offline.</p><p>Edits are kept in a local outbox until the server confirms them.</p>",
        )


def below_total_box(parent: QWidget | None, text: str) -> QMessageBox:
    """The question :meth:`Messages.confirm_below_total` asks (built apart so its look can be checked)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Below the reserved quantity",
        text,
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box
