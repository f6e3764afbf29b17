"""The selected record in full: every attribute, metadata as a key/value table, related records as links, and the
steps its life cycle offers now (a stock transfer's Start picking, Complete, ...).

A link reads like the related record ("Warehouse Milan") and carries ``type/id``; activating it asks the window to
switch to that type's tab and select the record, which is how a manager walks from a stock level to its location.
An action button asks the window to send the step; which buttons show comes from the type's description.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from desktop_app.schema import Resource, app_type, display, get_resource, tab_types
from desktop_app.ui.models.lookups import Lookups, RecordLike
from desktop_app.ui.wrap import breakable

if TYPE_CHECKING:
    from PySide6.QtWidgets import QFormLayout

    from desktop_app.ui.history.timeline import HistorySection
    from desktop_app.ui.views.related_section import RelatedSection
    from desktop_app.ui.workspace import Workspace


def escape(text: str) -> str:
    """``html.escape``, without loading ``html.entities`` (a large table) before the window's first frame."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def _readers(
    type_: str,
) -> tuple[dict[str, Callable[[Any], Any]], tuple[tuple[str, str, Callable[[Any], Any]], ...]]:
    """How the type's fields read in its table cells (a cutoff in words, a quantity as 1,098, Yes or No), by field
    name; and the thresholds kept in the metadata that have a column of their own (label, key, how it reads).
    Worked out per record shown, so a change of the person's locale shows at once, as in the table."""
    from desktop_app.ui.models.columns import columns_for
    from desktop_app.ui.models.resource_table import formatter

    columns = columns_for(type_)
    cells = {c.key: formatter(c) for c in columns if c.field is not None and c.key == c.field.name}
    thresholds = tuple((c.label, c.metadata_key, formatter(c)) for c in columns if c.metadata_key is not None)
    return cells, thresholds


class DetailsPane(QWidget):
    """Shows one record; ``link_activated(type, id)`` when a related record is clicked, ``action_requested(trigger)``
    when one of the record's actions is."""

    link_activated = Signal(str, str)
    action_requested = Signal(str)

    def __init__(self, resource: Resource, lookups: Lookups, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resource = resource
        self.lookups = lookups
        self.record_id: str | None = None
        self._shown: RecordLike | None = None
        #: What tells the form's rows apart (caption, its tooltip, value or link): the same keys, the same rows.
        self._row_keys: tuple[tuple[str, str, bool], ...] = ()
        #: What the History section reads and fetches through (set by the tab; built for the first record shown).
        self.workspace: Workspace | None = None
        self.history: HistorySection | None = None
        #: What points at the shown record (a SKU's stock by location), for types whose entry lists some.
        self.related: RelatedSection | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        # Fonts and roles instead of style sheets: a style-sheeted label keeps the palette it was polished with, so
        # switching between light and dark left its text unreadable.
        title_font = self.title.font()
        title_font.setPointSizeF(13)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(title_font)
        self.subtitle = QLabel()
        self.subtitle.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.title)
        column.addWidget(self.subtitle)
        #: The buttons of the actions the shown record offers, by trigger (types with a life cycle only).
        self.action_buttons: dict[str, QPushButton] = {}
        self._actions_row: QHBoxLayout | None = None
        if app_type(resource.type).actions:
            host = QWidget()
            self._actions_row = QHBoxLayout(host)
            self._actions_row.setContentsMargins(0, 4, 0, 4)
            column.addWidget(host)
        column.addStretch(1)
        self._column = column
        # The fields form and the metadata table are built for the first record shown: a window opens with no
        # record selected, and their widget classes are then not loaded before its first frame.
        self._form: QFormLayout | None = None
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.show_record(None)

    @property
    def form(self) -> QFormLayout:
        """The fields of the record shown, related records first (built on first use, with the metadata table)."""
        if self._form is None:
            from PySide6.QtWidgets import QAbstractItemView, QFormLayout

            from desktop_app.ui.dialogs.field_inputs import key_value_table

            self.form_host = QWidget()
            form = QFormLayout(self.form_host)
            form.setContentsMargins(0, 0, 0, 0)  # the pane's column has its margins; the values take the rest
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            self.metadata = key_value_table()
            self.metadata.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.metadata.setMaximumHeight(140)
            self.metadata_label = QLabel("<b>Metadata</b>")
            first = self._column.count() - 1  # after the title, subtitle and actions; before the stretch
            for offset, widget in enumerate((self.form_host, self.metadata_label, self.metadata)):
                self._column.insertWidget(first + offset, widget)
            self._form = form
        return self._form

    def attach(self, workspace: Workspace) -> None:
        """Show the History section of each record, read from the cache and fetched through ``workspace``."""
        self.workspace = workspace

    def _show_history(self, record: RecordLike | None) -> None:
        if self.workspace is None:
            return
        if self.history is None:
            if record is None:
                return
            from desktop_app.ui.history.timeline import HistorySection

            self.history = HistorySection(self.resource.type)
            self.history.attach(self.workspace)
            self._column.insertWidget(self._column.count() - 1, self.history)
        self.history.show_for(record.id if record else None, record.attributes if record else None)

    def _show_related(self, record: RecordLike | None) -> None:
        """The lists of the type's entry, under the title (built for the first record shown)."""
        if self.workspace is None or not app_type(self.resource.type).details:
            return
        if self.workspace is not None and self.workspace.closed:  # a late repaint after the window closed
            return
        if self.related is None:
            if record is None:
                return
            from desktop_app.ui.views.related_section import RelatedSection

            self.related = RelatedSection(self.resource, self.lookups)
            self.related.workspace = self.workspace
            after = self._column.indexOf(self.subtitle) + (2 if self._actions_row is not None else 1)
            self._column.insertWidget(after, self.related)
        self.related.show_for(record.id if record else None)

    def show_record(self, record: RecordLike | None) -> None:
        self._show_history(record)
        self._show_related(record)
        self._show_actions(record)
        if record is None:
            if self._form is not None:  # nothing to empty before the first record
                while self._form.rowCount():
                    self._form.removeRow(0)
                self._row_keys = ()
                self.metadata.setRowCount(0)
                self.metadata.hide()
                self.metadata_label.hide()
            self.record_id = None
            self.title.setText(f"No {self.resource.label.lower()} selected")
            self.subtitle.setText("Select a row to see all its fields and related records.")
            return
        form = self.form  # built, with the metadata table, for the first record shown
        self.record_id = record.id
        self._shown = record
        attrs = record.attributes
        titled = app_type(self.resource.type).heading
        heading = attrs.get("name") or attrs.get("code") or attrs.get("sku_code") or record.id
        if titled is not None:
            heading = titled(attrs, record.relationships, self.lookups)
        self.title.setText(breakable(escape(str(heading))))
        pending = " · changed here, not yet confirmed" if getattr(record, "pending", False) else ""
        self.subtitle.setText(f"{self.resource.label} {record.id}{pending}")
        cells, thresholds = _readers(self.resource.type)
        rows = self._rows(record, cells, thresholds)
        keys = tuple((caption, tip, link is None) for caption, tip, _, link in rows)
        from PySide6.QtWidgets import QFormLayout

        if keys == self._row_keys:
            # The same rows as the record shown before (a change of its values, or another record of the type with
            # the same relationships): their labels take the new texts. Emptying and refilling the form cost 5-10 ms
            # of the window's thread each time the table's records changed.
            for row, (_, _, text, link) in enumerate(rows):
                item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
                if item is not None and isinstance(label := item.widget(), QLabel):
                    self._fill(label, text, link)
        else:
            while form.rowCount():
                form.removeRow(0)
            for caption, tip, text, link in rows:
                named = QLabel(caption)
                if tip:
                    named.setToolTip(tip)
                value = QLabel()
                value.setWordWrap(True)  # a narrow pane wraps a long value instead of widening past its edge
                if link is None:
                    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                else:
                    value.linkActivated.connect(self._activated)
                self._fill(value, text, link)
                form.addRow(named, value)
            self._row_keys = keys
        hidden = {"stockroom_op", *(key for _, key, _ in thresholds)}
        all_metadata = attrs.get("metadata") or {}
        metadata = {k: v for k, v in all_metadata.items() if k not in hidden}
        self.metadata_label.show()
        self.metadata_label.setText(
            "<b>Metadata</b>" if metadata else "<b>Metadata</b> <span style='color: gray'>none</span>"
        )
        self.metadata.setVisible(bool(metadata))
        self.metadata.setRowCount(len(metadata))
        from PySide6.QtWidgets import QTableWidgetItem

        for row, (key, value) in enumerate(sorted(metadata.items())):
            self.metadata.setItem(row, 0, QTableWidgetItem(str(key)))
            self.metadata.setItem(row, 1, QTableWidgetItem(value if isinstance(value, str) else json.dumps(value)))
        form.activate()
        self.form_host.updateGeometry()

    def _rows(
        self,
        record: RecordLike,
        cells: dict[str, Callable[[Any], Any]],
        thresholds: tuple[tuple[str, str, Callable[[Any], Any]], ...],
    ) -> list[tuple[str, str, str, str | None]]:
        """The form's rows for ``record``: ``(caption, caption's tooltip, text, link)``, related records first (their
        ``link`` says ``type/id``; a value's is ``None``)."""
        rows: list[tuple[str, str, str, str | None]] = []
        for rel in self.resource.relationships.values():
            value = record.relationships.get(rel.name)
            if rel.to_one and isinstance(value, str):
                shared = sum(other.target == rel.target for other in self.resource.to_one) > 1
                caption = rel.label if shared else get_resource(rel.target).label  # "Origin stock location"
                rows.append((caption + ":", "", self.lookups.label(rel.target, value), f"{rel.target}/{value}"))
        attrs = record.attributes
        for name, field in self.resource.fields.items():
            if field.trigger or name in ("id", "metadata"):
                continue
            value = attrs.get(name)
            cell = cells.get(name)
            text = display(field, value) if cell is None or value is None else str(cell(value))
            if field.type == "datetime" and value:
                text = str(value)[:16].replace("T", " ") + " UTC"
            rows.append((field.label + ":", "", text, None))
        all_metadata = attrs.get("metadata") or {}
        for label, key, read in thresholds:  # a reorder point has its own row, as it has its own column and field
            value = all_metadata.get(key)
            # Named by its key in words ("Reorder point"): a SKU's column says "Default reorder point", a caption
            # that would narrow every value of the pane; the caption's tooltip says it whole.
            rows.append(
                (key.replace("_", " ").capitalize() + ":", label, "" if value is None else str(read(value)), None)
            )
        return rows

    @staticmethod
    def _fill(label: QLabel, text: str, link: str | None) -> None:
        """``label`` showing a value (``link`` ``None``), or a related record by name, ``link`` being its ``type/id``:
        a link the window follows when it has a tab of that type, plain text otherwise."""
        if link is None:
            label.setText(breakable(escape(text)) if text else "<span style='color: gray'>—</span>")
            label.setToolTip(text)
            return
        target, _, record_id = link.partition("/")
        shown = breakable(escape(text))
        label.setText(f'<a href="{link}">{shown}</a>' if target in tab_types() else shown)
        label.setToolTip(f"{target} {record_id}")

    def _show_actions(self, record: RecordLike | None) -> None:
        """One button per step the record's state offers; none while an edit of it waits to be sent (its state
        on the server is not known until then)."""
        row = self._actions_row
        if row is None:
            return
        pending = bool(getattr(record, "pending", False))
        actions = app_type(self.resource.type).actions_for(record.attributes) if record is not None else ()
        if [a.trigger for a in actions] == list(self.action_buttons):  # the same steps: the buttons stay
            for button in self.action_buttons.values():
                self._enable(button, pending)
            return
        for button in self.action_buttons.values():
            row.removeWidget(button)
            button.deleteLater()
        self.action_buttons = {}
        while row.count():
            row.takeAt(0)
        if record is None:
            return
        for action in actions:
            button = QPushButton(action.label)
            self._enable(button, pending)
            button.clicked.connect(lambda _=False, trigger=action.trigger: self.action_requested.emit(trigger))
            row.addWidget(button)
            self.action_buttons[action.trigger] = button
        row.addStretch(1)

    @staticmethod
    def _enable(button: QPushButton, pending: bool) -> None:
        button.setEnabled(not pending)
        button.setToolTip("A change to this record is waiting to be sent" if pending else "")

    def changeEvent(self, event: Any) -> None:
        """Links take their colour when drawn; redraw them when the palette switches between light and dark."""
        super().changeEvent(event)
        closed = self.workspace is not None and self.workspace.closed  # a switch arriving after the window closed
        if event.type() == QEvent.Type.PaletteChange and self.record_id and self._shown is not None and not closed:
            self._row_keys = ()  # new labels: one whose text is unchanged would keep the old link colour
            self.show_record(self._shown)

    def _activated(self, href: Any) -> None:
        target, _, record_id = str(href).partition("/")
        self.link_activated.emit(target, record_id)

    def links(self) -> list[tuple[str, str]]:
        """The related records shown (tests click them through this)."""
        out: list[tuple[str, str]] = []
        if self._form is None:
            return out
        from PySide6.QtWidgets import QFormLayout

        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item else None
            if isinstance(widget, QLabel) and 'href="' in widget.text():
                href = widget.text().split('href="', 1)[1].split('"', 1)[0]
                target, _, record_id = href.partition("/")
                out.append((target, record_id))
        return out
