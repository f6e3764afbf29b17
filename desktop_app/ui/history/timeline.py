"""The History section of the details pane: a record's versions newest first, queued edits on top as "not sent
yet", and where the type's description asks for one (a stock item's quantity) a small chart over time.

The versions are fetched when the pane opens a record (one request for its newest 25, through the workspace) and
kept in the cache, so the section reads offline; nothing is fetched for records nobody opens. "Show older" fetches
the next page only when asked. Long values wrap at the pane's edge (see ``ui.wrap``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from desktop_app.history import pending_words, version_words, when_words
from desktop_app.schema import app_type, get_resource
from desktop_app.ui.wrap import breakable

if TYPE_CHECKING:
    from desktop_app.store.history import Version
    from desktop_app.ui.workspace import Workspace


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quantity_points(versions: list[Version], current: Any, field: str = "quantity") -> list[tuple[str, float]]:
    """(when, value) oldest first, from the versions that set ``field``; the record's current value last."""
    points: list[tuple[str, float]] = []
    for version in reversed(versions):
        pair = version.changes.get(field)
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], int | float):
            if not points and isinstance(pair[0], int | float):
                points.append(("", float(pair[0])))
            points.append((version.created_at, float(pair[1])))
    if isinstance(current, int | float) and not isinstance(current, bool) and points and points[-1][1] != current:
        points.append(("now", float(current)))
    return points


class QuantityChart(QWidget):
    """A line of a stock item's quantity over its versions, drawn in the palette's colours (light or dark)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[str, float]] = []
        self.setMinimumHeight(90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Quantity over time")

    def set_points(self, points: list[tuple[str, float]]) -> None:
        self.points = points
        self.setVisible(len(points) >= 2)
        self.update()

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(36, 8, -8, -14)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setPen(QPen(text, 1))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        if len(self.points) < 2:
            painter.end()
            return
        values = [v for _, v in self.points]
        low, high = min([*values, 0.0]), max(values)
        span = (high - low) or 1.0
        step = area.width() / (len(values) - 1)
        line = QPainterPath()
        for index, value in enumerate(values):
            point = QPointF(area.left() + index * step, area.bottom() - (value - low) / span * area.height())
            if index == 0:
                line.moveTo(point)
            else:
                line.lineTo(point)
        painter.drawText(QRectF(0, area.top() - 6, 32, 14), Qt.AlignmentFlag.AlignRight, f"{high:,.0f}")
        painter.drawText(QRectF(0, area.bottom() - 8, 32, 14), Qt.AlignmentFlag.AlignRight, f"{low:,.0f}")
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
        painter.drawPath(line)
        painter.end()


class HistorySection(QWidget):
    """The timeline of the record the pane shows; asks the workspace for its versions when a record opens."""

    def __init__(self, type_: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.type = type_
        self.workspace: Workspace | None = None
        self.record_id: str | None = None
        self._charted: Any = None
        #: The attribute charted over time, as the type's description says (``None``: no chart).
        self.chart_field = app_type(type_).history_chart
        self.heading = QLabel("<b>History</b>")
        self.chart = QuantityChart()
        self.chart.hide()
        self.timeline = QLabel()
        self.timeline.setTextFormat(Qt.TextFormat.RichText)
        self.timeline.setWordWrap(True)
        self.timeline.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.timeline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.older_button = QPushButton("Show older")
        self.older_button.setToolTip("Fetch the next page of this record's history from the server")
        self.older_button.clicked.connect(self._show_older)
        self.older_button.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.chart)
        layout.addWidget(self.timeline)
        layout.addWidget(self.older_button, 0, Qt.AlignmentFlag.AlignLeft)

    def attach(self, workspace: Workspace) -> None:
        self.workspace = workspace
        workspace.history_ready.connect(self._ready)
        workspace.outbox_changed.connect(self.refresh)

    def show_for(self, record_id: str | None, attributes: Mapping[str, Any] | None = None) -> None:
        """Show a record's history from the cache at once, and fetch its newest versions in the background."""
        changed = record_id != self.record_id
        self.record_id = record_id
        self._charted = (attributes or {}).get(self.chart_field) if self.chart_field else None
        self.setVisible(record_id is not None and self.workspace is not None)
        if record_id is None or self.workspace is None:
            return
        self.refresh()
        if changed:
            self.workspace.fetch_history(self.type, record_id)

    def _ready(self, type_: str, record_id: str) -> None:
        if type_ == self.type and record_id == self.record_id:
            self.older_button.setEnabled(True)
            self.older_button.setText("Show older")
            self.refresh()

    def _show_older(self) -> None:
        if self.workspace is None or self.record_id is None:
            return
        self.older_button.setEnabled(False)
        self.older_button.setText("Fetching older changes…")
        self.workspace.fetch_older(self.type, self.record_id)

    def entries(self) -> list[tuple[str, list[str]]]:
        """The timeline as shown: (heading, lines) newest first, queued edits on top."""
        if self.workspace is None or self.record_id is None:
            return []
        records = self.workspace.cached.records  # related records by name
        queued = [
            pending_words(entry, records)
            for entry in self.workspace.cached.outbox.entries_for(self.type, self.record_id)
            if entry.state == "pending"
        ]
        versions = self.workspace.history(self.type, self.record_id)
        return [*reversed(queued), *(version_words(v, records=records) for v in versions)]

    def refresh(self) -> None:
        if self.workspace is None or self.record_id is None:
            return
        versions = self.workspace.history(self.type, self.record_id)
        entries = self.entries()
        if entries:
            parts = []
            for heading, lines in entries:
                waiting = heading.startswith("not sent yet")
                colour = "#b26a00" if waiting else "gray"
                body = "".join(f"<br>&nbsp;&nbsp;{breakable(escape(line))}" for line in lines)
                parts.append(f"<span style='color: {colour}'>{breakable(escape(heading))}</span>{body}")
            self.timeline.setText("<br><br>".join(parts))
        elif self.workspace.history_fetched(self.type, self.record_id):
            self.timeline.setText("<span style='color: gray'>No changes recorded</span>")
        elif self.workspace.offline:
            self.timeline.setText("<span style='color: gray'>Offline: the history was not fetched yet</span>")
        else:
            self.timeline.setText("<span style='color: gray'>Loading…</span>")
        fetched = self.workspace.history_fetched(self.type, self.record_id)
        more = fetched and not self.workspace.history_complete(self.type, self.record_id)
        self.older_button.setVisible(bool(more) and not self.workspace.forced_offline)
        field = self.chart_field
        self.chart.set_points(quantity_points(versions, self._charted, field) if field else [])
        if field:
            label = get_resource(self.type).fields[field].label
            since = f" from {when_words(versions[-1].created_at)}" if versions else " over time"
            self.chart.setToolTip(label + since)
