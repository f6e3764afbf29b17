"""Light and dark, following the system (``QStyleHints.colorScheme``), on the Fusion style for the same look
everywhere; the palette changes live when the system switches."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def _dark_palette() -> QPalette:
    """Every role of every group, the disabled one included: a ``QPalette()`` starts from Qt's light colours, so a
    role left unset shows light (a disabled field white on the dark window, looking more enabled than the others).

    Disabled fields take the window's colour as their background and dimmed text, as Fusion's own dark palette does:
    they read as part of the dialog, not as something to type into."""
    window, base, text = QColor(43, 45, 49), QColor(32, 34, 37), QColor(222, 224, 228)
    dark = window.darker(150)
    palette = QPalette(text, window, window.lighter(150), dark, window.darker(130), text, base)
    colours = {
        QPalette.ColorRole.Button: window,
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.Midlight: window.darker(130).lighter(110),
        QPalette.ColorRole.Shadow: dark.darker(135),
        QPalette.ColorRole.AlternateBase: QColor(38, 40, 44),
        QPalette.ColorRole.BrightText: QColor(255, 255, 255),
        QPalette.ColorRole.Highlight: QColor(53, 106, 178),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.ToolTipBase: window,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor(140, 144, 150),
        QPalette.ColorRole.Link: QColor(110, 168, 255),
        QPalette.ColorRole.LinkVisited: QColor(160, 140, 230),
    }
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        for role, colour in colours.items():
            palette.setColor(group, role, colour)
    dimmed = QColor(120, 122, 126)
    disabled = {
        QPalette.ColorRole.WindowText: dimmed,
        QPalette.ColorRole.Text: dimmed,
        QPalette.ColorRole.ButtonText: dimmed,
        QPalette.ColorRole.Base: window,
        QPalette.ColorRole.AlternateBase: window,
        QPalette.ColorRole.PlaceholderText: QColor(92, 95, 100),
        QPalette.ColorRole.Highlight: QColor(70, 72, 77),
        QPalette.ColorRole.HighlightedText: dimmed,
        QPalette.ColorRole.Link: dimmed,
        QPalette.ColorRole.Light: window,
        QPalette.ColorRole.Shadow: dark,
    }
    for role, colour in disabled.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, colour)
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
