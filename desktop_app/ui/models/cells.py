"""How a table's cells read and look: each column's text (a quantity as 1,098 in the person's locale, a duration
in words, an enum by its label) and the colours, icon and font of pending, negative and low-stock rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor

from desktop_app.schema import Column, duration_words, enum_label

if TYPE_CHECKING:
    from PySide6.QtGui import QFont, QIcon

PENDING_COLOUR = QColor(176, 110, 0)
NEGATIVE_COLOUR = QColor(192, 40, 40)
#: Behind a low-stock row: an amber translucent enough to read on light and dark bases alike.
LOW_STOCK_TINT = QColor(230, 150, 30, 60)


@cache
def pending_icon() -> QIcon:
    """A small amber dot: visible on a selected row too, where the text colour is the selection's."""
    from PySide6.QtGui import QBrush, QIcon, QPainter, QPixmap  # first needed by a pending row, not the first frame

    pixmap = QPixmap(10, 10)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QBrush(PENDING_COLOUR.lighter(115)))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 8, 8)
    painter.end()
    return QIcon(pixmap)


@cache
def pending_font() -> QFont:
    from PySide6.QtGui import QFont

    font = QFont()
    font.setItalic(True)
    return font


def formatter(column: Column) -> Callable[[Any], Any]:
    """How a value of ``column`` reads in a cell (the table's and the details pane's lists)."""
    if column.field is not None and column.field.enum:  # "In transit", not in_transit
        return lambda v: v if not isinstance(v, str) else enum_label(v)
    if column.type == "datetime":
        return lambda v: None if v is None else str(v)[:16].replace("T", " ")
    if column.type == "boolean":
        return lambda v: None if v is None else ("Yes" if v else "No")
    if column.type in ("object", "array"):
        # Read from the cache file these are JSON text already; from a page or an edit, Python values.
        return lambda v: (
            None
            if not v or v in ("{}", "[]")
            else v
            if isinstance(v, str)
            else json.dumps(v, sort_keys=True, separators=(", ", ": "))
        )
    if column.duration:  # "1 hour", not 3600
        return lambda v: None if v is None else duration_words(v)
    if column.type == "integer":  # 1,098 (in the person's locale)
        locale = QLocale()  # the person's locale, read once per column (not per cell painted)
        return lambda v: v if v is None or isinstance(v, str) else locale.toString(int(v))
    if column.type == "float":
        locale = QLocale()
        return lambda v: None if v is None else locale.toString(float(v), "g", 12)
    return lambda v: v if v is None or isinstance(v, str) else str(v)
