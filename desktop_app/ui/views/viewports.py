"""An item view's viewport, without PySide's search for its class.

The first ``viewport()`` PySide returns for a view is a widget Qt made, which PySide has no wrapper for yet: it finds
the most derived class by loading every QtWidgets class it has not loaded, building their enums as it goes (about
70 of them: 20-25 ms, which the first frame waited for). Found as a child by Qt's object name and asked for as a
``QWidget``, the same widget is wrapped as that in a tenth of a millisecond; later ``viewport()`` calls return that
wrapper while it is kept.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractScrollArea, QWidget

#: The object name ``QAbstractScrollArea`` gives the viewport it makes.
_NAME = "qt_scrollarea_viewport"


def viewport_of(view: QAbstractScrollArea) -> QWidget:
    """``view.viewport()``, wrapped as a plain ``QWidget`` (keep the result to keep the wrapper)."""
    return view.findChild(QWidget, _NAME) or view.viewport()
