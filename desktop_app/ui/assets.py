"""Where the window finds ``resources/``: a source checkout, an installed wheel's checkout, or a frozen bundle.

In a checkout the folder sits next to ``desktop_app/``; in a PyInstaller bundle it is unpacked under
``sys._MEIPASS`` (``_internal/`` of the one-folder build, ``Contents/Resources`` of the macOS ``.app``). The bundle
also carries PNGs rendered from the SVG at build time (``resources/icons/``); a checkout has only the SVG, which is
rendered here at the sizes a window and a taskbar ask for, so the icon never depends on Qt's SVG icon-engine plugin.

The toolbar's icons (``resources/actions/``) are drawn in ``currentColor`` and painted here in the palette's text
colour, so they follow the light and dark themes; an icon theme of the desktop would not know which palette Stockroom
chose (a dark palette on a light icon theme gives dark icons on a dark toolbar), and offscreen there is none at all.
"""

from __future__ import annotations

import os
import sys
import zlib
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPalette, QPixmap

ICON_NAME = "stockroom"
#: Sizes rendered from the SVG when no pre-rendered PNGs are present.
ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)
#: The size action icons are drawn at (the toolbar's, at the screen's pixel ratio); menus scale it down. One size,
#: normal and disabled, for six icons: about 2 ms before the window's first frame.
ACTION_ICON_SIZE = 20
ACTION_SIZES: tuple[int, ...] = (ACTION_ICON_SIZE,)


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


def _pixmap_from_svg(svg: Path | bytes, size: int, ratio: float = 1.0) -> QPixmap:
    from PySide6.QtSvg import QSvgRenderer

    pixels = round(size * ratio)
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(QByteArray(svg) if isinstance(svg, bytes) else str(svg)).render(painter)
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


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


@cache
def _action_svg(name: str) -> str:
    return (resources_dir() / "actions" / f"{name}.svg").read_text(encoding="utf-8")


@cache
def _action_icon(name: str, colour: str, disabled: str, ratio: float) -> QIcon:
    icon = QIcon()
    try:
        svg = _action_svg(name)
    except OSError:
        return icon
    for mode, painted in ((QIcon.Mode.Normal, colour), (QIcon.Mode.Disabled, disabled)):
        drawn = svg.replace("currentColor", painted).encode()
        for size in ACTION_SIZES:
            icon.addPixmap(_drawn_pixmap(name, drawn, size, ratio), mode)
    return icon


def rendered_icons_dir() -> Path | None:
    """Where drawn action icons are kept between starts (Qt's cache location for Stockroom), or ``None``."""
    from PySide6.QtCore import QStandardPaths

    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(location) / "action-icons" if location else None


def _drawn_pixmap(name: str, svg: bytes, size: int, ratio: float) -> QPixmap:
    """``svg`` drawn at ``size``, read back from the last start's drawing when there is one: the window draws its
    toolbar's icons before its first frame, and reading a small PNG costs a twentieth of drawing the SVG (whose
    module then waits until an icon changes colour). The file's name holds a checksum of what was drawn, so a new
    colour, SVG, size or pixel ratio is drawn again; an unreadable or unwritable file only costs the drawing."""
    folder = rendered_icons_dir()
    path = folder / f"{name}-{size}@{ratio:g}-{zlib.crc32(svg):08x}.png" if folder is not None else None
    if path is not None:
        pixmap = QPixmap()
        if pixmap.load(str(path)) and pixmap.width() == round(size * ratio):
            pixmap.setDevicePixelRatio(ratio)
            return pixmap
    pixmap = _pixmap_from_svg(svg, size, ratio)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}")
            if pixmap.save(str(partial), "PNG"):
                os.replace(partial, path)  # whole or not at all, whatever another window writes meanwhile
        except OSError:
            pass
    return pixmap


def action_icon(name: str, palette: QPalette, ratio: float = 1.0) -> QIcon:
    """The icon ``resources/actions/<name>.svg`` in ``palette``'s text colours (its disabled one greyed as the
    palette greys text), at ``ratio`` device pixels per pixel; an empty icon if the file is missing."""
    colour = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).name()
    return _action_icon(name, colour, disabled, ratio)
