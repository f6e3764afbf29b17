"""A horizontal bar chart painted with QPainter (PySide6-Essentials has no QtCharts, and a chart of a dozen bars
needs no library): one bar per label, optionally stacked (available, then reserved), numbers with thousands
separators, colours taken from the palette so light and dark both read well."""

from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = 18
GAP = 8


class Bar(NamedTuple):
    label: str
    #: Stacked parts, first drawn first; negative parts are drawn as zero (the figure beside says the truth).
    parts: tuple[int, ...]
    #: Drawn in the warning colour (a low-stock location, an on-hold one).
    marked: bool = False
    note: str = ""


class BarChart(QWidget):
    """``set_bars`` replaces what is shown; ``legend`` names the stacked parts in order."""

    def __init__(self, legend: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.legend = tuple(legend)
        self.bars: list[Bar] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        rows = max(len(self.bars), 1) + (1 if self.legend else 0)
        return QSize(360, rows * (BAR + GAP) + GAP)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def _colours(self) -> list[QColor]:
        palette = self.palette()
        first = palette.color(QPalette.ColorRole.Highlight)
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        second = QColor(first).lighter(150) if dark else QColor(first).lighter(170)
        return [first, second, palette.color(QPalette.ColorRole.Mid)]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        warn = QColor(214, 120, 0) if palette.color(QPalette.ColorRole.Window).lightness() < 128 else QColor(190, 90, 0)
        colours = self._colours()
        metrics = painter.fontMetrics()
        label_width = min(max((metrics.horizontalAdvance(b.label) for b in self.bars), default=0) + 12, 220)
        figures = [f"{sum(max(p, 0) for p in b.parts):,}" + (f"  {b.note}" if b.note else "") for b in self.bars]
        figure_width = max((metrics.horizontalAdvance(f) for f in figures), default=0) + 12
        chart_width = max(self.width() - label_width - figure_width - GAP, 20)
        top = max((max(sum(max(p, 0) for p in b.parts), 0) for b in self.bars), default=0) or 1
        y = GAP
        for bar, figure in zip(self.bars, figures, strict=True):
            painter.setPen(warn if bar.marked else text)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 12)
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(QRectF(0, y, label_width - 8, BAR), right, label)
            x = float(label_width)
            painter.setPen(Qt.PenStyle.NoPen)
            for index, part in enumerate(bar.parts):
                width = chart_width * max(part, 0) / top
                colour = warn if bar.marked and index == 0 else colours[min(index, len(colours) - 1)]
                painter.setBrush(colour)
                painter.drawRoundedRect(QRectF(x, y + 2, width, BAR - 4), 2, 2)
                x += width
            painter.setPen(text)
            painter.drawText(QRectF(x + 6, y, figure_width + 40, BAR), Qt.AlignmentFlag.AlignVCenter, figure)
            y += BAR + GAP
        if self.legend:
            x = float(label_width)
            for index, name in enumerate(self.legend):
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colours[min(index, len(colours) - 1)])
                painter.drawRect(QRectF(x, y + 5, 10, 10))
                painter.setPen(text)
                painter.drawText(QRectF(x + 14, y, 200, BAR), Qt.AlignmentFlag.AlignVCenter, name)
                x += metrics.horizontalAdvance(name) + 34
        painter.end()
