"""Where the window finds ``resources/``: a source checkout, an installed wheel's checkout, or a frozen bundle.

In a checkout the folder sits next to ``desktop_app/``; in a PyInstaller bundle it is unpacked under
``sys._MEIPASS`` (``_internal/`` of the one-folder build, ``Contents/Resources`` of the macOS ``.app``). The bundle
also carries PNGs rendered from the SVG at build time (``resources/icons/``); a checkout has only the SVG, which is
rendered here at the sizes a window and a taskbar ask for, so the icon never depends on Qt's SVG icon-engine plugin.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap

ICON_NAME = "stockroom"
#: Sizes rendered from the SVG when no pre-rendered PNGs are present.
ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)


def resources_dir() -> Path:
    """The ``resources`` folder of this installation; raises ``FileNotFoundError`` naming where it looked."""
    candidates = []
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        candidates.append(Path(bundle_root) / "resources")
    candidates.append(Path(__file__).resolve().parents[2] / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no resources folder at {' or '.join(str(c) for c in candidates)}")


def icon_path(name: str = ICON_NAME) -> Path:
    """The SVG of an icon in ``resources/`` (``stockroom.svg`` for the application icon)."""
    path = resources_dir() / f"{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"icon {name!r} not found: {path}")
    return path


def _rendered_pngs(name: str) -> list[Path]:
    folder = resources_dir() / "icons"
    return sorted(folder.glob(f"{name}-*.png")) if folder.is_dir() else []


def _pixmap_from_svg(svg: Path, size: int) -> QPixmap:
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    return QPixmap.fromImage(image)


@cache
def app_icon(name: str = ICON_NAME) -> QIcon:
    """The application icon at every size, for ``QApplication.setWindowIcon``; needs a ``QGuiApplication``.

    Returns an empty ``QIcon`` (Qt's "no icon") if the resources are missing, so a damaged installation still starts.
    """
    icon = QIcon()
    try:
        pngs = _rendered_pngs(name)
        if pngs:
            for png in pngs:
                icon.addFile(str(png))
        else:
            svg = icon_path(name)
            for size in ICON_SIZES:
                icon.addPixmap(_pixmap_from_svg(svg, size))
    except FileNotFoundError:
        return QIcon()
    return icon
