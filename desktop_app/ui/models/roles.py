"""The item roles Stockroom's models answer, as the plain numbers Qt passes to ``data``.

Qt asks some ten roles of every cell it paints, and about twenty of every cell when it sizes a column to its
contents: a model compares the role it is asked with these numbers, which costs less than comparing with the enum
members each time.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

DISPLAY = Qt.ItemDataRole.DisplayRole.value
EDIT = Qt.ItemDataRole.EditRole.value
CHECK = Qt.ItemDataRole.CheckStateRole.value
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
DECORATION = Qt.ItemDataRole.DecorationRole.value
FONT = Qt.ItemDataRole.FontRole.value
TOOL_TIP = Qt.ItemDataRole.ToolTipRole.value
#: A number's alignment in a cell.
RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value
