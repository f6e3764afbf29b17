"""Screenshots a person looks at: a widget grabbed at 1280×800 in the light and the dark scheme.

Saved only when ``STOCKROOM_SCREENSHOTS`` names a folder; either way the grab must not be blank."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from desktop_app.ui.theme import apply_theme


def _save(image: QImage, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(path))


async def shoot(widget: QWidget, name: str, *, size: tuple[int, int] | None = (1280, 800)) -> None:
    folder = os.environ.get("STOCKROOM_SCREENSHOTS")
    if size is not None and widget.isWindow():
        widget.resize(*size)
    try:
        for scheme in ("light", "dark"):
            apply_theme(Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light)
            await asyncio.sleep(0.05)  # let Qt lay out and repaint
            image = widget.grab().toImage()
            assert not image.isNull() and image.width() > 0, name
            if folder:
                _save(image, Path(folder) / f"{name}-{scheme}.png")
    finally:
        apply_theme(Qt.ColorScheme.Light)


async def shoot_over(window: QWidget, dialog: QWidget, name: str) -> None:
    """A dialog as a person sees it: drawn centred over the 1280×800 window it belongs to, in both schemes."""
    folder = os.environ.get("STOCKROOM_SCREENSHOTS")
    window.resize(1280, 800)
    try:
        for scheme in ("light", "dark"):
            apply_theme(Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light)
            await asyncio.sleep(0.05)
            image = window.grab().toImage()
            shown = dialog.grab().toImage()
            assert not image.isNull() and not shown.isNull(), name
            painter = QPainter(image)
            painter.fillRect(image.rect(), QColor(0, 0, 0, 90))
            left, top = (image.width() - shown.width()) // 2, (image.height() - shown.height()) // 3
            painter.drawImage(left, top, shown)
            painter.setPen(QColor(128, 128, 128))  # the frame a window manager would draw
            painter.drawRect(left - 1, top - 1, shown.width() + 1, shown.height() + 1)
            painter.end()
            if folder:
                _save(image, Path(folder) / f"{name}-{scheme}.png")
    finally:
        apply_theme(Qt.ColorScheme.Light)
