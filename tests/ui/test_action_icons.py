"""The toolbar's icons: drawn from their SVG in the palette's colours once, read back from Qt's cache location at
the next start (before the window's first frame), and drawn again whenever what they would show changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QColor, QIcon, QPalette

from desktop_app.ui import assets


@pytest.fixture
def icon_cache(qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setattr(assets, "rendered_icons_dir", lambda: folder)
    assets._action_icon.cache_clear()
    yield folder
    assets._action_icon.cache_clear()


def _palette(text: str) -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText, QColor(text))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#808080"))
    return palette


def _pixel(icon: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal) -> QColor:
    image = icon.pixmap(assets.ACTION_ICON_SIZE, mode).toImage()
    opaque = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    ]
    assert opaque, "the icon draws nothing"
    return opaque[0]


def test_an_icon_is_drawn_once_and_read_back_from_the_cache(icon_cache: Path) -> None:
    first = assets.action_icon("edit", _palette("#ff0000"))
    files = sorted(icon_cache.glob("edit-*.png"))
    assert len(files) == 2  # normal and disabled
    assert _pixel(first).name() == "#ff0000"
    stamps = {f: f.stat().st_mtime_ns for f in files}
    assets._action_icon.cache_clear()  # as a new start would
    again = assets.action_icon("edit", _palette("#ff0000"))
    assert {f: f.stat().st_mtime_ns for f in sorted(icon_cache.glob("edit-*.png"))} == stamps  # read, not written
    assert _pixel(again).name() == "#ff0000"
    assert _pixel(again, QIcon.Mode.Disabled).name() == "#808080"


def test_another_colour_is_drawn_anew_and_a_damaged_file_is_drawn_again(icon_cache: Path) -> None:
    assets.action_icon("delete", _palette("#ff0000"))
    blue = assets.action_icon("delete", _palette("#0000ff"))
    assert _pixel(blue).name() == "#0000ff"
    assert len(list(icon_cache.glob("delete-*.png"))) == 3  # red, blue and the shared grey
    for file in icon_cache.glob("delete-*.png"):
        file.write_bytes(b"not a png")
    assets._action_icon.cache_clear()
    redrawn = assets.action_icon("delete", _palette("#0000ff"))
    assert _pixel(redrawn).name() == "#0000ff"


def test_without_a_cache_location_icons_are_drawn(qapp: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets, "rendered_icons_dir", lambda: None)
    assets._action_icon.cache_clear()
    try:
        assert _pixel(assets.action_icon("find", _palette("#00ff00"))).name() == "#00ff00"
    finally:
        assets._action_icon.cache_clear()


def test_the_cache_is_stockrooms_own_folder(qapp: object) -> None:
    folder = assets.rendered_icons_dir()
    assert folder is not None
    assert folder.name == "action-icons"
    assert str(folder).startswith(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation))
