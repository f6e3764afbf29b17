"""Light and dark, following the system (``QStyleHints.colorScheme``), on the Fusion style for the same look
everywhere; the palette changes live when the system switches."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def _dark_palette() -> QPalette:
    palette = QPalette()
    base, window, text = QColor(32, 34, 37), QColor(43, 45, 49), QColor(222, 224, 228)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Window, window)
        palette.setColor(group, QPalette.ColorRole.WindowText, text)
        palette.setColor(group, QPalette.ColorRole.Base, base)
        palette.setColor(group, QPalette.ColorRole.AlternateBase, QColor(38, 40, 44))
        palette.setColor(group, QPalette.ColorRole.Text, text)
        palette.setColor(group, QPalette.ColorRole.Button, window)
        palette.setColor(group, QPalette.ColorRole.ButtonText, text)
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor(53, 106, 178))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
        palette.setColor(group, QPalette.ColorRole.ToolTipBase, window)
        palette.setColor(group, QPalette.ColorRole.ToolTipText, text)
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(140, 144, 150))
        palette.setColor(group, QPalette.ColorRole.Link, QColor(110, 168, 255))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(120, 122, 126))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(120, 122, 126))
    return palette


#: Given to ``QApplication`` when Stockroom creates it. Choosing Fusion there costs nothing, while ``setStyle()``
#: afterwards has PySide wrap the ``QStyle`` it returns, building that class's enums (~4 ms before the first frame).
STYLE_ARGUMENTS = ["-style", "Fusion"]

#: The light palette's base, taken once from the application before Stockroom sets a palette of its own.
_light_base: list[QPalette] = []


def _light_palette() -> QPalette:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if not _light_base:
        # Opened light: the application's palette is still Fusion's own, resolved against the platform theme's
        # colours where it has some (as Qt itself prefers); opened dark, it is ours, so Fusion's is asked for.
        _light_base.append(QPalette(app.palette() if not _applied else app.style().standardPalette()))
    palette = QPalette(_light_base[0])
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(245, 247, 250))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(38, 99, 178))
    return palette


def apply_theme(scheme: Qt.ColorScheme | None = None) -> str:
    """Apply the palette for ``scheme`` (the system's when ``None``); returns ``"dark"`` or ``"light"``."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if scheme is None:
        scheme = QGuiApplication.styleHints().colorScheme()
    dark = scheme == Qt.ColorScheme.Dark
    app.setPalette(_dark_palette() if dark else _light_palette())
    _applied.append(True)
    return "dark" if dark else "light"


#: Whether a palette of ours has been set (from then on the application's palette is no longer the base).
_applied: list[bool] = []


#: ``"system"`` follows the desktop; ``"light"``/``"dark"`` is the person's choice (View menu, kept in QSettings).
_choice = {"theme": "system"}
THEMES = ("system", "light", "dark")


def _system_changed(scheme: Qt.ColorScheme) -> None:
    if _choice["theme"] == "system":
        apply_theme(scheme)


def set_theme(choice: str) -> str:
    """Apply ``system``, ``light`` or ``dark`` and remember it; returns what is shown now."""
    from PySide6.QtCore import QSettings

    _choice["theme"] = choice if choice in THEMES else "system"
    QSettings().setValue("view/theme", _choice["theme"])
    forced = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(_choice["theme"])
    return apply_theme(forced)


def current_theme() -> str:
    return _choice["theme"]


def follow_system_theme(*, style_chosen: bool = False) -> None:
    """Fusion everywhere, the palette the person chose last (the system's by default), live system switches.
    ``style_chosen``: the application was created with :data:`STYLE_ARGUMENTS`, so Fusion is already set."""
    from PySide6.QtCore import QSettings

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if not style_chosen:
        app.setStyle("Fusion")
    saved = QSettings().value("view/theme", "system")
    _choice["theme"] = saved if saved in THEMES else "system"
    forced = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(_choice["theme"])
    apply_theme(forced)
    QGuiApplication.styleHints().colorSchemeChanged.connect(_system_changed)
